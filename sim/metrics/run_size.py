"""A run's expected size before it starts: the calls its arrival process makes, the memory
and the time it needs, priced at what was measured on this project's 2-core reference machine
(README, Performance). A run that cannot fit in this machine's memory is refused up front."""

from __future__ import annotations

import os
from pathlib import Path

from sim.behavior.customer import ROW_BYTES
from sim.engine.arrivals import interval_rates
from sim.engine.opening_hours import OpeningHours
from sim.errors import UsageError
from sim.scenario import Scenario

SECONDS_PER_RUN = 0.05
"""Building a model and its result tables (s), measured: a 1-day baseline run takes 0.1 s."""
SECONDS_PER_CALL = {True: 28e-6, False: 4.5e-6}
"""Per expected arrival (s), behavioural model and pure queue, measured: a baseline run of 5
days after 10 of warm-up (36,000 arrivals, more contacts with repeats, redials and outbound
calls) takes 0.85-1.35 s by policy; the Erlang scenario's 20 days (288,000 calls) 1.24 s."""
BYTES_PER_RUN = 100 * 2**20
"""The process with its libraries loaded and a model built (bytes)."""
BYTES_PER_CALL = {True: 1_400, False: 350}
"""Peak memory per expected arrival (bytes), measured by the peak resident size of 2-day and
40-day runs (after 10 days of warm-up for the baseline), less the resident size before the
run, per `expected_calls`: baseline 1,200-1,420 (the logs of every contact as typed columns,
customers' histories, the tables), Erlang 230-350."""
BYTES_PER_CUSTOMER = ROW_BYTES
"""A customer of the base: their row of its columns, bytes."""


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


def run_bytes(scenario: Scenario) -> float:
    """Rough peak memory of one run (bytes)."""
    behavior = scenario.behavior.enabled
    customers = scenario.customers.population * BYTES_PER_CUSTOMER if behavior else 0
    return BYTES_PER_RUN + customers + expected_calls(scenario) * BYTES_PER_CALL[behavior]


def machine_bytes() -> float | None:
    """This machine's memory (or its container's limit, if lower); None where unknown."""
    try:
        total = float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            total = min(total, float(limit))
    except OSError:
        pass
    return total


def check_fits(scenario: Scenario) -> None:
    """Refuse a run that needs more memory than this machine has, saying how much it needs."""
    need, have = run_bytes(scenario), machine_bytes()
    if have is None or need <= have:
        return
    calls = expected_calls(scenario)
    days = scenario.calendar.simulated_days
    raise UsageError(
        f"this run would need about {need / 2**30:,.1f} GiB of memory ({calls:,.0f} calls "
        f"over {days:,} days, arrivals.rate_per_hour = {scenario.arrivals.rate_per_hour:g}); "
        f"this machine has {have / 2**30:,.1f} GiB: simulate fewer days (calendar.days, "
        "calendar.warmup_days) or fewer calls"
    )
