"""Experimental designs: full-factorial grids, sampled designs (Latin hypercube, Sobol, random),
derived parameters, and the list of runs (variant x design point x replication) with stable ids.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario import Scenario, apply_overrides, validate
from sim.scenario.policy import policy_fingerprint
from sim.scenario.section import whole_number_keys
from sim.version import __version__

SAMPLE_METHODS = ("lhs", "sobol", "random")


@dataclass(frozen=True)
class RunTask:
    """One run to execute: a fully resolved scenario, its seed and where it sits in the design."""

    run_id: str
    variant: str
    replication: int
    seed: int
    point: int  # index of the design point (0 when nothing is varied)
    params: dict[str, Any] = field(default_factory=dict)
    scenario: dict[str, Any] = field(default_factory=dict)


def resolve(data: dict[str, Any], overrides: dict[str, Any]) -> Scenario:
    """Apply dotted-key overrides to a scenario dict and validate it."""
    return validate(apply_overrides(data, overrides))


def grid_points(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values (full factorial), the first key varying slowest."""
    keys = list(grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


def unit_sample(method: str, n: int, dims: int, seed: int) -> np.ndarray:
    """`n` points in [0, 1)^dims: Latin hypercube, scrambled Sobol' or plain random."""
    from scipy.stats import qmc  # imported when used: scipy.stats is slow to import

    if method == "lhs":
        return qmc.LatinHypercube(d=dims, seed=seed).random(n)
    if method == "sobol":
        return qmc.Sobol(d=dims, scramble=True, seed=seed).random(n)
    if method == "random":
        return np.random.default_rng(seed).random((n, dims))
    raise ValueError(f"unknown sampling method {method!r}; allowed: {', '.join(SAMPLE_METHODS)}")


def integer_keys(data: dict[str, Any], keys: list[str]) -> set[str]:
    """The keys whose value is a whole number, by the scenario's types (optional ones too, such
    as `policy.team_size`, None until set) or by their value in `data` (keys within tables of
    named entries): sampled values of these keys get rounded."""
    typed = whole_number_keys(Scenario)
    found = {key for key in keys if key in typed}
    for key in keys:
        node: Any = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, int) and not isinstance(node, bool):
            found.add(key)
    return found


def unit_to_bounds(unit: np.ndarray, bounds: dict[str, tuple[float, float]]) -> np.ndarray:
    """Unit-cube rows mapped linearly onto [low, high] per column."""
    low = np.array([b[0] for b in bounds.values()], dtype=float)
    high = np.array([b[1] for b in bounds.values()], dtype=float)
    return low + (high - low) * unit


def scale_points(
    matrix: np.ndarray, bounds: dict[str, tuple[float, float]], integers: set[str]
) -> list[dict[str, Any]]:
    """Design points from rows in parameter units; whole-number keys are rounded."""
    return [
        {
            k: round(float(v)) if k in integers else float(v)
            for k, v in zip(bounds, row, strict=True)
        }
        for row in matrix
    ]


def cross(*designs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The product of designs (an empty design counts as one empty point)."""
    parts = [d if d else [{}] for d in designs]
    return [{k: v for p in combo for k, v in p.items()} for combo in itertools.product(*parts)]


def run_id(
    variant: str, scenario: dict[str, Any], seed: int, policy: dict[str, Any] | None = None
) -> str:
    """A stable id from what determines the run (variant, resolved scenario, seed, the resolved
    policy, and the package version), so a resume after a code change, or after a registered
    policy's parameters changed (`policy_fingerprint`), does not mix two kinds of results."""
    parts = [variant, scenario, seed, __version__]
    if policy is not None:
        parts.append(policy)
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def build_tasks(
    variants: dict[str, list[dict[str, Any]]],
    points: list[dict[str, Any]],
    replications: int,
    seed: int,
) -> list[RunTask]:
    """Every run: each variant's resolved scenario at each point, replication k with seed + k.

    `variants` maps a name to its resolved scenario dict per point: {name: [dict per point]}.
    Replication k uses the same seed in every variant and point (common random numbers).
    """
    tasks = []
    for name, scenarios in variants.items():
        for index, (params, scenario) in enumerate(zip(points, scenarios, strict=True)):
            policy = policy_fingerprint(scenario["policy"])
            for k in range(replications):
                tasks.append(
                    RunTask(
                        run_id=run_id(name, scenario, seed + k, policy),
                        variant=name,
                        replication=k,
                        seed=seed + k,
                        point=index,
                        params=params,
                        scenario=scenario,
                    )
                )
    return tasks
