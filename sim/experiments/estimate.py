"""A rough advance estimate of an experiment's computing time, from the calls its scenarios
expect and the speeds measured on this project's 2-core reference machine (README,
Performance), so a design of months is seen before it starts. The progress line's ETA,
measured as runs finish, replaces it."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.engine.arrivals import interval_rates
from sim.engine.opening_hours import OpeningHours
from sim.experiments.design import RunTask
from sim.scenario import Scenario

SECONDS_PER_RUN = 0.05
"""Building a model and its result tables (s), measured: a 1-day baseline run takes 0.1 s."""
SECONDS_PER_CALL = {True: 28e-6, False: 4.5e-6}
"""Per expected arrival (s), behavioural model and pure queue, measured: a baseline run of 5
days after 10 of warm-up (36,000 arrivals, more contacts with repeats, redials and outbound
calls) takes 0.85-1.35 s by policy; the Erlang scenario's 20 days (288,000 calls) 1.24 s."""
SAMPLED = 50
"""Distinct scenarios priced at most; the rest are taken to cost their average."""


def expected_calls(scenario: Scenario) -> float:
    """Calls a run's arrival process is expected to make, warm-up included (first attempts:
    no redials, repeat contacts or outbound calls)."""
    hours = OpeningHours(scenario.calendar)
    return sum(
        float(interval_rates(scenario.arrivals, hours, day).sum()) * hours.interval
        for day in range(hours.days)
    )


def run_seconds(scenario: Scenario) -> float:
    """Rough wall time of one run on the reference machine."""
    per_call = SECONDS_PER_CALL[scenario.behavior.enabled]
    return SECONDS_PER_RUN + expected_calls(scenario) * per_call


def estimate_seconds(tasks: Sequence[RunTask], workers: int) -> float:
    """Rough wall time of `tasks` on `workers` parallel workers of the reference machine."""
    if not tasks:
        return 0.0
    distinct = list({(t.variant, t.point): t for t in tasks}.values())
    step = max(1, math.ceil(len(distinct) / SAMPLED))
    priced = [run_seconds(Scenario.model_validate(t.scenario)) for t in distinct[::step]]
    return sum(priced) / len(priced) * len(tasks) / max(1, workers)


def duration_text(seconds: float) -> str:
    """'about 40 s', 'about 3 min', 'about 2.5 h', 'about 6 days': a rough figure, said so."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"about {seconds / 3600:.1f} h"
    return f"about {seconds / 86400:,.0f} days"
