"""Non-homogeneous Poisson arrivals with a rate that is constant within each interval."""

from __future__ import annotations

import numpy as np

from sim.engine.opening_hours import OpeningHours
from sim.scenario.queue import Arrivals


def interval_rates(arrivals: Arrivals, hours: OpeningHours, day: int) -> np.ndarray:
    """Arrival rate per second in each interval of `day`: base rate × profile × weekday factor."""
    rate = arrivals.rate_per_hour / 3600.0 * arrivals.day_of_week.get(hours.weekday(day), 1.0)
    profile = np.ones(hours.intervals_per_day) if arrivals.profile is None else arrivals.profile
    return rate * np.asarray(profile, dtype=float)


def arrival_times(
    arrivals: Arrivals,
    hours: OpeningHours,
    day: int,
    rng: np.random.Generator,
    scale: float = 1.0,
) -> np.ndarray:
    """Sorted arrival times of `day` in model seconds, at `scale` times the scenario's rates
    (the behavioural layer's newcomers call at a share of them).

    Exact for piecewise-constant rates: the count in each interval is Poisson(rate × length)
    and, given the count, the times are independent and uniform within the interval.
    """
    rates = interval_rates(arrivals, hours, day) * scale
    counts = rng.poisson(rates * hours.interval)
    starts = hours.interval_start(day, 0) + hours.interval * np.arange(len(rates))
    offsets = rng.random(int(counts.sum())) * hours.interval
    times = np.repeat(starts, counts) + offsets
    times.sort()
    return times
