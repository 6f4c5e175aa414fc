"""The mechanisms through which two policies' difference in profit after churn arises, as the
factors of an exact Shapley split (`sim.experiments.shapley`).

A mechanism is switched off by scenario overrides given to both policies alike (common random
numbers, paired replications); "coaching and training" off gives policy `a` the off-phone
hours and team size of `b`. v(S) is the paired difference a − b with the mechanisms in S on
and the others off, so each coalition is a pair of variants of one `compare` experiment.

Staff cost is accounting only: money parameters feed back into no behaviour (the ledger,
`sim.behavior.money`, reads them after the fact), so "staff cost off" is the same runs with
the staff-cost lines added back to profit after churn (tests/test_decomposition.py proves
it). Half the coalitions therefore need no runs of their own. No other mechanism is pure
accounting: each of the others changes what employees or customers do.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.shapley import coalitions
from sim.scenario.policy import PRESETS

SWITCHES: dict[str, tuple[str, dict[str, Any]]] = {
    "time pressure": (
        "targets press on nobody (employees.target_pressure = 0, policy.review_push = 0)",
        {"employees.target_pressure": 0.0, "policy.review_push": 0.0},
    ),
    "asking": (
        "everyone asks with the same habit (no skill, pressure or queue effect; no quality gate)",
        {
            "sales.ask_skill_effect": 0.0,
            "sales.ask_pressure_skip": 0.0,
            "sales.ask_queue_effect": 0.0,
            "policy.closing_quality_gate": 0.0,
        },
    ),
    "conversion": (
        "conversion does not depend on conversation quality (sales.quality_exponent → 0)",
        {"sales.quality_exponent": 1e-9},
    ),
    "failure demand": (
        "unresolved customers do not call again (demand.callback_probability = 0)",
        {"demand.callback_probability": 0.0},
    ),
    "churn": ("nobody churns (churn.max_probability = 0)", {"churn.max_probability": 0.0}),
}
"""Mechanism: (what switching it off means, the overrides that do it in both policies)."""
COACHING = "coaching and training"
OFF_PHONE = (
    "meeting_hours_per_week",
    "training_hours_per_week",
    "coaching_hours_per_week",
    "team_size",
)
STAFF_COST = "staff cost"
STAFF_COST_LINES = ("employee_cost", "team_leader_cost", "overhead_cost")
"""The ledger's lines that employee_hourly_cost, team_leader_hourly_cost and
overhead_per_paid_hour make: what switching staff cost off takes out of the cost."""
SIMULATED = (*SWITCHES, COACHING)
"""The mechanisms whose switch changes the simulation (each coalition of them is a run)."""
MECHANISMS = (*SIMULATED, STAFF_COST)
"""Every factor of the split, in the order tables show them."""
KPI = "profit_after_churn"


def check_pair(a: str, b: str) -> None:
    """Refuse a pair that is not two different policy presets."""
    for name in (a, b):
        if name not in PRESETS:
            raise ValueError(f"{name!r} is not a policy preset; choose from {sorted(PRESETS)}")
    if a == b:
        raise ValueError(f"compare two different presets, not {a!r} with itself")


def explanations(a: str, b: str) -> dict[str, str]:
    """What switching each mechanism off means, in words."""
    out = {mechanism: what for mechanism, (what, _) in SWITCHES.items()}
    out[COACHING] = f"{a} gets {b}'s off-phone hours and team size"
    out[STAFF_COST] = (
        "people and seats cost nothing (hourly costs and overhead = 0; accounting only, "
        "computed from the same runs)"
    )
    return out


def _switched_off(policy: str, a: str, b: str, mechanism: str) -> dict[str, Any]:
    """The overrides that switch `mechanism` off in `policy` (empty: nothing to change)."""
    if mechanism == COACHING:
        if policy != a:
            return {}  # b keeps its own off-phone hours: a gets them
        parameters = PRESETS[b].parameters
        return {f"policy.{name}": getattr(parameters, name) for name in OFF_PHONE}
    return SWITCHES[mechanism][1]


def mechanism_variants(
    a: str, b: str
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, frozenset[str]], str]]:
    """The variants that every coalition of simulated mechanisms needs, for `a` − `b`, and
    which variant is (policy, mechanisms on). Variants with the same overrides are one (`b`
    does not depend on the coaching switch); with every mechanism on they are `a` and `b`."""
    check_pair(a, b)
    variants: dict[str, dict[str, Any]] = {}
    by_overrides: dict[str, str] = {}
    which: dict[tuple[str, frozenset[str]], str] = {}
    for on in coalitions(SIMULATED):
        for policy in (a, b):
            overrides: dict[str, Any] = {"policy.name": policy}
            off = []
            for mechanism in SIMULATED:
                change = {} if mechanism in on else _switched_off(policy, a, b, mechanism)
                if change:
                    overrides |= change
                    off.append(mechanism)
            key = json.dumps(overrides, sort_keys=True)
            if key not in by_overrides:
                name = policy if not off else f"{policy} without {' + '.join(off)}"
                by_overrides[key] = name
                variants[name] = overrides
            which[(policy, on)] = by_overrides[key]
    return variants, which


def profit_without_staff_cost(rows: pd.DataFrame) -> pd.Series:
    """Profit after churn had people and seats cost nothing: the staff-cost lines added back
    (the same runs; money parameters change no behaviour)."""
    return rows[KPI] + rows[list(STAFF_COST_LINES)].sum(axis=1)


def mechanism_values(
    by_variant: dict[str, pd.DataFrame],
    a: str,
    b: str,
    which: dict[tuple[str, frozenset[str]], str],
) -> dict[frozenset[str], np.ndarray]:
    """v(S) for every coalition S of MECHANISMS: a − b in profit after churn per replication,
    with the mechanisms in S on. `by_variant`: each variant's runs indexed by seed, over the
    same seeds in the same order; `which` as `mechanism_variants` returns it."""
    values = {}
    for on in coalitions(MECHANISMS):
        simulated = on - {STAFF_COST}
        left, right = by_variant[which[(a, simulated)]], by_variant[which[(b, simulated)]]
        if STAFF_COST in on:
            values[on] = (left[KPI] - right[KPI]).to_numpy(dtype=float)
        else:
            values[on] = (
                profit_without_staff_cost(left) - profit_without_staff_cost(right)
            ).to_numpy(dtype=float)
    return values
