"""The policy's levers — groups of its parameters that management sets together — as the
factors of an exact Shapley split of the difference between two presets `a` and `b`.

v(S) = profit after churn of `b` with `a`'s values for the levers in S, minus that of `b`
(paired by seed): v(∅) = 0, and v(all) = a − b exactly, because `b` with every one of `a`'s
parameters is `a` (tests/test_decomposition.py checks the KPIs are bit-identical). Levers on
which the two presets agree are left out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.mechanisms import KPI, check_pair
from sim.experiments.shapley import coalitions
from sim.scenario.policy import PRESETS, PolicyParameters

REVIEW_PARAMETERS = ("review_push", "review_relief", "review_smoothing")
"""The daily review's parameters (`PolicyParameters`): a new review parameter goes here, and
so joins the lever "targets and reviews"."""
LEVERS: dict[str, tuple[str, ...]] = {
    "targets and reviews": ("aht_target_seconds", "contacts_per_hour_target", *REVIEW_PARAMETERS),
    "offer instruction": ("closing_quality_gate",),
    "outbound calling": ("outbound_when_idle",),
    "coaching, training, meetings and team size": (
        "meeting_hours_per_week",
        "training_hours_per_week",
        "coaching_hours_per_week",
        "team_size",
    ),
}
"""Lever: the policy parameters it sets. Every parameter of `PolicyParameters` is in exactly
one lever (a test checks), so `b` with all of `a`'s levers is `a`."""


def unassigned() -> list[str]:
    """Policy parameters in no lever (there should be none: add them to LEVERS)."""
    grouped = {name for names in LEVERS.values() for name in names}
    return [name for name in PolicyParameters.model_fields if name not in grouped]


def differing_levers(a: str, b: str) -> dict[str, dict[str, tuple[Any, Any]]]:
    """The levers on which presets `a` and `b` differ: lever → parameter → (a's, b's value),
    only the parameters that differ."""
    check_pair(a, b)
    if PRESETS[a].policy_class is not PRESETS[b].policy_class:
        raise ValueError(f"{a!r} and {b!r} are different policy classes, not only parameters")
    missing = unassigned()
    if missing:
        raise ValueError(f"policy parameters in no lever: {missing}; add them to LEVERS")
    pa, pb = PRESETS[a].parameters, PRESETS[b].parameters
    out = {}
    for lever, names in LEVERS.items():
        changes = {
            n: (getattr(pa, n), getattr(pb, n)) for n in names if getattr(pa, n) != getattr(pb, n)
        }
        if changes:
            out[lever] = changes
    return out


def explanations(a: str, b: str) -> dict[str, str]:
    """What giving `b` each of `a`'s levers changes, in words."""
    return {
        lever: f"{b} with {a}'s "
        + ", ".join(f"{name} = {va:g} (not {vb:g})" for name, (va, vb) in changes.items())
        for lever, changes in differing_levers(a, b).items()
    }


def lever_variants(a: str, b: str) -> tuple[dict[str, dict[str, Any]], dict[frozenset[str], str]]:
    """The variants every coalition of levers needs, and which variant is which coalition:
    none of `a`'s levers is `b`, all of them is `a`, the others `b` with some of them."""
    levers = differing_levers(a, b)
    variants: dict[str, dict[str, Any]] = {a: {"policy.name": a}, b: {"policy.name": b}}
    which: dict[frozenset[str], str] = {}
    for given in coalitions(list(levers)):
        if not given:
            which[given] = b
        elif len(given) == len(levers):
            which[given] = a
        else:
            name = f"{b} with {a}'s " + " + ".join(lever for lever in levers if lever in given)
            overrides: dict[str, Any] = {"policy.name": b}
            for lever in levers:
                if lever in given:
                    overrides |= {f"policy.{n}": va for n, (va, _) in levers[lever].items()}
            variants[name] = overrides
            which[given] = name
    return variants, which


def lever_values(
    by_variant: dict[str, pd.DataFrame], which: dict[frozenset[str], str], b: str
) -> dict[frozenset[str], np.ndarray]:
    """v(S) for every coalition S of levers: profit after churn of `b` with the levers in S
    minus that of `b`, per replication (`by_variant` as `mechanism_values` takes it)."""
    base = by_variant[b][KPI]
    return {
        given: (by_variant[name][KPI] - base).to_numpy(dtype=float) for given, name in which.items()
    }
