"""Fixed costs per run (issue #22) made cheaper without changing a single number.

Weekly sizing: `required_staff` evaluates Erlang A service levels without building a full
`ErlangA` and with its own log-sum-exp, and `sized_schedule` counts with numpy. Result tables:
stable sorts, one argsort for the queue's peak, no per-row Python. These compare the fast paths
exactly with `erlang_a(...).service_level`, scipy, the step search, loops and lookups they
replaced, and brute force.
"""

from __future__ import annotations

import math
from bisect import bisect_left

import numpy as np
import pytest
from scipy.special import logsumexp

from sim.engine.call_log import ANSWERED
from sim.engine.opening_hours import DAY
from sim.engine.queueing import _logsumexp, _service_level_at, erlang_a, required_staff
from sim.engine.sizing import sized_schedule
from sim.engine.staffing import adjusted
from sim.metrics.binning import max_overlap_per_bin, overlap_per_bin
from sim.metrics.queue import _clock, _staffed_step, interval_table
from sim.metrics.runner import build_model
from tests.helpers import baseline


def _cases(seed: int, count: int) -> list[tuple[float, float, float, float, float]]:
    """Random (arrival rate, mean service, mean patience, target, t) with loads up to ~150."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        lam, s = 10 ** rng.uniform(-4, 0), 10 ** rng.uniform(1, 3)
        patience = math.inf if rng.random() < 0.1 else 10 ** rng.uniform(0, 3.5)
        t = [0.0, 20.0, 60.0, math.inf, float(rng.uniform(0, 600))][rng.integers(0, 5)]
        if lam * s <= 150:
            cases.append((lam, s, patience, float(rng.uniform(0.05, 0.99)), t))
    return cases


def _step_search(lam: float, s: float, patience: float, target: float, t: float) -> int:
    """The search as it was: square-root start, then down and up with full `erlang_a` calls."""
    load = lam * s
    n = max(1, int(load + math.sqrt(load)) - 2)
    while n > 1 and erlang_a(n - 1, lam, s, patience).service_level(t) >= target:
        n -= 1
    while erlang_a(n, lam, s, patience).service_level(t) < target:
        n += 1
    return n


def test_logsumexp_is_scipys_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    for _ in range(500):
        values = rng.normal(0, 10 ** rng.uniform(-3, 3), rng.integers(1, 2000))
        if rng.random() < 0.3:  # several maxima
            values[rng.integers(0, values.size, 3)] = values.max()
        assert _logsumexp(values) == float(logsumexp(values))
    assert _logsumexp(np.array([-np.inf, -np.inf])) == float(logsumexp([-np.inf, -np.inf]))


def test_service_level_at_is_erlang_a_to_the_bit() -> None:
    for lam, s, patience, _, t in _cases(seed=1, count=150):
        load = lam * s
        for n in {1, max(1, int(load) - 1), int(load) + 1, int(load + 3 * math.sqrt(load)) + 2}:
            expected = erlang_a(n, lam, s, patience).service_level(t)
            assert _service_level_at(n, lam, s, patience, t) == expected, (n, lam, s, patience)
    assert _service_level_at(3, 0.0, 100.0, 60.0, 20.0) == 1.0


def test_required_staff_equals_the_step_search_and_the_fewest_meeting_the_target() -> None:
    for lam, s, patience, target, t in _cases(seed=2, count=120):
        staff = required_staff(lam, s, patience, target, t)
        assert staff == _step_search(lam, s, patience, target, t)
        assert erlang_a(staff, lam, s, patience).service_level(t) >= target
        if staff > 1:
            assert erlang_a(staff - 1, lam, s, patience).service_level(t) < target


def test_required_staff_still_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="mean_patience"):
        required_staff(0.05, 180.0, -5.0, 0.8, 20.0)
    with pytest.raises(ValueError, match="t must be"):
        required_staff(0.05, 180.0, 60.0, 0.8, -1.0)
    with pytest.raises(ValueError, match="target_service_level"):
        required_staff(0.05, 180.0, 60.0, 1.0, 20.0)
    assert required_staff(0.0, 180.0, 60.0, 0.8, 20.0) == 0


def _sized_by_loops(model, first_day: int, days: int) -> list[int] | None:
    """`sized_schedule` as it was: per-contact Python loops and one search per interval."""
    config, hours, log = model.config, model.hours, model.log
    start = bisect_left(log.arrival, hours.opens_at(first_day))
    stop = bisect_left(log.arrival, hours.opens_at(first_day + days))
    handled = [log.talk[c] + log.acw[c] for c in range(start, stop) if log.outcome[c] == ANSWERED]
    if not handled:
        return None
    mean_handle = sum(handled) / len(handled)
    counts = [0] * hours.intervals_per_day
    for c in range(start, stop):
        k = int((log.arrival[c] % DAY - hours.open) // hours.interval)
        counts[min(max(k, 0), hours.intervals_per_day - 1)] += 1
    patience = config.patience.mean_seconds
    if config.patience.distribution == "none":
        patience = math.inf
    target, t = config.staffing.target_service_level, config.kpi.service_level_seconds
    scale = config.staffing.scale
    sized = [
        round(required_staff(n / (days * hours.interval), mean_handle, patience, target, t) * scale)
        for n in counts
    ]
    return adjusted(sized, config.staffing)


def test_sized_schedule_equals_the_per_contact_loops() -> None:
    scenario = baseline(
        calendar__days=3,
        calendar__warmup_days=0,
        customers__population=20_000,
        staffing__scale=1.3,
    )
    model = build_model(scenario, seed=4)
    model.run_model()
    for first_day, days in ((0, 1), (1, 2), (0, 3), (5, 1)):
        assert sized_schedule(model, first_day, days) == _sized_by_loops(model, first_day, days)
    assert sized_schedule(model, 5, 1) is None  # nobody answered after the last day


# --- result tables ------------------------------------------------------------------------


def _max_overlap_by_lexsort(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """`max_overlap_per_bin` as it was: lexsort of all events and a Python loop over bins."""
    times = np.concatenate((starts, ends))
    steps = np.concatenate((np.ones(len(starts)), -np.ones(len(ends))))
    order = np.lexsort((steps, times))
    times, level = times[order], np.cumsum(steps[order])
    first = np.searchsorted(times, edges[:-1], side="left")
    last = np.searchsorted(times, edges[1:], side="left")
    carried = np.where(first > 0, level[np.maximum(first - 1, 0)], 0.0) if len(level) else 0.0
    result = np.array(carried, dtype=float) * np.ones(len(edges) - 1)
    for j in np.flatnonzero(last > first):
        result[j] = max(result[j], level[first[j] : last[j]].max())
    return result


def _spans(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Spans in roughly arrival order with ties (whole seconds) and zero lengths."""
    starts = np.sort(rng.integers(0, 5_000, count)).astype(float)
    starts[rng.random(count) < 0.05] += rng.integers(-50, 50)  # a little out of order
    return starts, starts + rng.integers(0, 300, count)


def test_max_overlap_per_bin_equals_the_lexsort_loop_and_a_count_at_every_moment() -> None:
    rng = np.random.default_rng(5)
    for count in (0, 1, 7, 300, 5_000):
        starts, ends = _spans(rng, count)
        edges = np.unique(np.concatenate(([-100.0, 6_000.0], rng.integers(0, 5_500, 30))))
        got = max_overlap_per_bin(starts, ends, edges)
        np.testing.assert_array_equal(got, _max_overlap_by_lexsort(starts, ends, edges))
        if count <= 300:  # brute force: spans open at each moment that matters, per bin
            for j in range(len(edges) - 1):
                moments = [edges[j], *[t for t in starts if edges[j] <= t < edges[j + 1]]]
                open_at = [np.sum((starts <= t) & (t < ends)) for t in moments]
                assert got[j] == max(open_at), j


def test_overlap_per_bin_sums_as_with_the_default_sort() -> None:
    rng = np.random.default_rng(6)
    for count in (0, 1, 1_000, 20_000):
        starts, ends = _spans(rng, count)
        starts, ends = starts + rng.random(count), ends + rng.random(count)  # no integer sums
        edges = np.sort(rng.uniform(-10, 6_000, 41))

        def by_quicksort(values: np.ndarray, points: np.ndarray = edges) -> np.ndarray:
            ordered = np.sort(values)
            prefix = np.concatenate(([0.0], np.cumsum(ordered)))
            k = np.searchsorted(ordered, points, side="right")
            return prefix[k] + points * (len(ordered) - k)

        expected = np.diff(by_quicksort(ends) - by_quicksort(starts))
        np.testing.assert_array_equal(overlap_per_bin(starts, ends, edges), expected)


def test_interval_table_wanted_start_and_staffing_steps_equal_the_per_row_lookups() -> None:
    scenario = baseline(
        calendar__days=15,
        calendar__warmup_days=0,
        customers__population=20_000,
        staffing__target_service_level=0.8,
    )
    model = build_model(scenario, seed=2)
    model.run_model()
    assert len(model.staffing.plans) == 3  # the plan, then sized for weeks 2 and 3
    columns = model.log.arrays()
    table = interval_table(columns, model)
    hours = model.hours
    rows = [(d, k) for d in range(hours.measured_days) for k in range(hours.intervals_per_day)]
    starts = [hours.interval_start(d, k) for d, k in rows]
    plans = model.staffing.plans  # the plan in force: the last one made at or before
    assert table["wanted"].tolist() == [
        next(plan for made, plan in reversed(plans) if made <= s)[k]
        for s, (_, k) in zip(starts, rows, strict=True)
    ]
    assert table["wanted"].dtype == np.int64
    assert table["start"].tolist() == [
        _clock(s - d * DAY) for s, (d, _) in zip(starts, rows, strict=True)
    ]
    times, levels = (np.asarray(x, dtype=float) for x in zip(*model.staffing.changes, strict=True))
    got_times, got_levels = _staffed_step(model)
    np.testing.assert_array_equal(got_times, times)
    np.testing.assert_array_equal(got_levels, levels)
