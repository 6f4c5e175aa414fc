"""A rough advance estimate of an experiment's computing time, from its runs' expected sizes
(`sim.metrics.run_size`), so a design of months is seen before it starts. The progress line's
ETA, measured as runs finish, replaces it."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.experiments.design import RunTask
from sim.metrics.run_size import run_seconds
from sim.scenario import Scenario

SAMPLED = 50
"""Distinct scenarios priced at most; the rest are taken to cost their average."""
STARTUP_SECONDS = 4.0
"""Starting a command's worker processes, the uneven last round and writing the tables (s),
measured: `ccsim compare experiments/policy_comparison.toml` takes 39 s on 2 cores where its
30 runs take 68 s of worker time (34 s on 2 workers)."""


def sampled_scenarios(tasks: Sequence[RunTask]) -> list[Scenario]:
    """Up to SAMPLED of the tasks' distinct scenarios (design points and variants), evenly
    spread over the design."""
    distinct = list({(t.variant, t.point): t for t in tasks}.values())
    step = max(1, math.ceil(len(distinct) / SAMPLED))
    return [Scenario.model_validate(t.scenario) for t in distinct[::step]]


def estimate_seconds(tasks: Sequence[RunTask], workers: int, startup: float = 0.0) -> float:
    """Rough wall time of `tasks` on `workers` parallel workers of the reference machine, plus
    `startup` (a command starts its workers: STARTUP_SECONDS; warm workers: 0)."""
    if not tasks:
        return 0.0
    priced = [run_seconds(scenario) for scenario in sampled_scenarios(tasks)]
    return startup + sum(priced) / len(priced) * len(tasks) / max(1, workers)


def duration_text(seconds: float) -> str:
    """'about 40 s', 'about 3 min', 'about 2.5 h', 'about 6 days': a rough figure, said so."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"about {seconds / 3600:.1f} h"
    return f"about {seconds / 86400:,.0f} days"


def plan(tasks: list[RunTask], pending: list[RunTask], workers: int) -> str:
    """What is about to run: '12 runs (2 variants × 3 points × 2 replications), 4 already done,
    8 to run, about 40 s (estimated)'; the measured ETA replaces the estimate as runs finish."""
    if not tasks:
        return "nothing to run"
    variants = len({t.variant for t in tasks})
    points = len({t.point for t in tasks})
    replications = len({t.replication for t in tasks})
    parts = [f"{variants} variant{'s' * (variants != 1)}"]
    if points > 1:
        parts.append(f"{points:,} points")
    parts.append(f"{replications:,} replication{'s' * (replications != 1)}")
    total = len({t.run_id for t in tasks})
    if not pending:
        return f"{total:,} runs ({' × '.join(parts)}), all done already"
    eta = duration_text(estimate_seconds(pending, workers, STARTUP_SECONDS))
    done = total - len(pending)
    resumed = f", {done:,} already done" if done else ""
    return (
        f"{total:,} runs ({' × '.join(parts)}){resumed}, {len(pending):,} to run, {eta} (estimated)"
    )
