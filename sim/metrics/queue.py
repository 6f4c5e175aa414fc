"""Queue metrics of a finished run: its KPIs, and tables per day and per interval.

Everything is computed after the run from the columnar call log and the staffing record,
vectorised with numpy, so measuring costs the event loop nothing.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.engine.opening_hours import DAY
from sim.metrics.binning import (
    group_counter,
    max_overlap_per_bin,
    overlap_per_bin,
    ratio,
    step_integral_per_bin,
)

if TYPE_CHECKING:
    from sim.engine.model import ContactCenterModel


def _grouped(key: np.ndarray, size: int, columns: dict[str, np.ndarray], sl_seconds: float) -> dict:
    """Call counts and averages per group (day or day-interval), for groups 0..size-1."""
    answered, abandoned, wait = columns["answered"], columns["abandoned"], columns["wait"]
    handle = columns["talk"] + columns["acw"]
    count = group_counter(key, size)
    offered = count()
    handled = count(answered)
    within = count(answered & (wait <= sl_seconds))
    return {
        "offered": offered.astype(np.int64),
        "handled": handled.astype(np.int64),
        "abandoned": count(abandoned).astype(np.int64),
        "service_level": ratio(within, offered),
        "abandonment_rate": ratio(count(abandoned), offered),
        "asa": ratio(count(answered, wait), handled),
        "aht": ratio(count(answered, handle), handled),
    }


def _staffed_step(model: ContactCenterModel) -> tuple[np.ndarray, np.ndarray]:
    """Times of the staffing changes and the head counts on the phones from then on."""
    changes = model.staffing.changes
    flat = np.fromiter(chain.from_iterable(changes), dtype=float, count=2 * len(changes))
    return flat[0::2], flat[1::2]


def measured_day(columns: dict[str, np.ndarray], model: ContactCenterModel) -> np.ndarray:
    """Measured day (0 = the first after the warm-up; negative in the warm-up) in which each
    call arrived."""
    return (columns["arrival"] // DAY).astype(np.int64) - model.hours.warmup


def call_bins(
    columns: dict[str, np.ndarray], model: ContactCenterModel
) -> tuple[np.ndarray, np.ndarray]:
    """Measured day (0 = the first after the warm-up; negative in the warm-up) and interval
    (within the opening hours) in which each call arrived."""
    hours = model.hours
    day = measured_day(columns, model)
    second = columns["arrival"] - (day + hours.warmup) * DAY
    interval = np.clip(
        ((second - hours.open) // hours.interval).astype(np.int64), 0, hours.intervals_per_day - 1
    )
    return day, interval


def measured(columns: dict[str, np.ndarray], day: np.ndarray) -> dict[str, np.ndarray]:
    """The call-log columns of calls that arrived after the warm-up (the same arrays if none
    did before)."""
    keep = day >= 0
    if keep.all():
        return columns
    return {name: values[keep] for name, values in columns.items()}


def interval_table(columns: dict[str, np.ndarray], model: ContactCenterModel) -> pd.DataFrame:
    """One row per measured day and interval of the opening hours (calls count by arrival;
    busy, staffed and queue time by when it happened)."""
    hours = model.hours
    n_int, days, first = hours.intervals_per_day, hours.measured_days, hours.warmup
    day, interval = call_bins(columns, model)
    keep = day >= 0
    stats = _grouped(
        (day * n_int + interval)[keep],
        days * n_int,
        measured(columns, day),
        model.config.kpi.service_level_seconds,
    )

    starts = np.array(
        [hours.interval_start(first + d, k) for d in range(days) for k in range(n_int)]
    )
    ends = starts + hours.interval
    edges = np.empty(2 * len(starts))
    edges[0::2], edges[1::2] = starts, ends
    answered = columns["answered"]
    busy = overlap_per_bin(columns["answer"][answered], columns["end"][answered], edges)[0::2]
    staffed = step_integral_per_bin(*_staffed_step(model), edges)[0::2]
    queue_start = columns["arrival"]
    queue_end = np.where(answered, columns["answer"], columns["end"])
    waited = queue_end > queue_start
    queued = overlap_per_bin(queue_start[waited], queue_end[waited], edges)[0::2]
    queue_max = max_overlap_per_bin(queue_start[waited], queue_end[waited], edges)[0::2]

    table = pd.DataFrame(
        {
            "day": np.repeat(np.arange(days), n_int),
            "weekday": np.repeat([hours.weekday(first + d) for d in range(days)], n_int),
            "interval": np.tile(np.arange(n_int), days),
            "start": _clocks(starts - np.repeat(first + np.arange(days), n_int) * DAY),
            "start_time": starts,
            **stats,
            "staffed": staffed / hours.interval,
            "wanted": model.staffing.wanted(starts, np.tile(np.arange(n_int), days)),
            "occupancy": ratio(busy, staffed),
            "queue_mean": queued / hours.interval,
            "queue_max": queue_max.astype(np.int64),
        }
    )
    return table


def daily_table(columns: dict[str, np.ndarray], model: ContactCenterModel) -> pd.DataFrame:
    """One row per measured day; busy and staffed time include work after closing."""
    hours = model.hours
    days, first = hours.measured_days, hours.warmup
    day = measured_day(columns, model)
    stats = _grouped(
        day[day >= 0], days, measured(columns, day), model.config.kpi.service_level_seconds
    )
    edges = (first + np.arange(days + 1)) * DAY
    edges[-1] = max(
        edges[-1], float(np.nanmax(columns["end"], initial=0.0))
    )  # drain after the last day
    answered = columns["answered"]
    busy = overlap_per_bin(columns["answer"][answered], columns["end"][answered], edges)
    staffed = step_integral_per_bin(*_staffed_step(model), edges)
    return pd.DataFrame(
        {
            "day": np.arange(days),
            "weekday": [hours.weekday(first + d) for d in range(days)],
            **stats,
            "staffed_hours": staffed / 3600.0,
            "occupancy": ratio(busy, staffed),
        }
    )


def run_kpis(columns: dict[str, np.ndarray], model: ContactCenterModel) -> dict[str, float]:
    """The run's headline KPIs over the measured days: flat, snake_case, deterministic for a
    given seed. Calls count by arrival; time integrals from the end of the warm-up on."""
    columns = measured(columns, measured_day(columns, model))
    answered, abandoned, wait = columns["answered"], columns["abandoned"], columns["wait"]
    offered = len(wait)
    handled = int(answered.sum())
    sl = model.config.kpi.service_level_seconds
    start = model.measure_start
    available, busy = model.staffing.totals()
    available, busy = available - start.available, busy - start.busy
    open_seconds = model.hours.measured_days * model.hours.open_per_day

    def mean(values: np.ndarray) -> float:
        return float(values.mean()) if len(values) else float("nan")

    def share(count: float) -> float:
        return count / offered if offered else float("nan")

    return {
        "offered": float(offered),
        "handled": float(handled),
        "abandoned": float(abandoned.sum()),
        "redials": float((columns["attempt"] > 0).sum()),
        "abandonment_rate": share(float(abandoned.sum())),
        "delayed_fraction": share(float((wait > 0).sum())),
        "service_level": share(float((answered & (wait <= sl)).sum())),
        "asa": mean(wait[answered]),
        "mean_wait": mean(wait),
        "aht": mean((columns["talk"] + columns["acw"])[answered]),
        "occupancy": busy / available if available else float("nan"),
        "mean_queue_length": (model.router.area_until(model.time) - start.queue_area)
        / open_seconds,
        "max_queue_length": float(model.router.max_waiting),
        "staffed_hours": available / 3600.0,
    }


def line_seconds(columns: dict[str, np.ndarray], model: ContactCenterModel) -> float:
    """Seconds inbound callers of the measured days spent on the line: waiting or talking."""
    columns = measured(columns, measured_day(columns, model))
    return float(columns["wait"].sum() + columns["talk"][columns["answered"]].sum())


def line_seconds_per_day(columns: dict[str, np.ndarray], day: np.ndarray, days: int) -> np.ndarray:
    """`line_seconds` per measured day 0..days-1, by the day the call arrived."""
    keep = day >= 0
    on_line = columns["wait"] + np.where(columns["answered"], columns["talk"], 0.0)
    return np.bincount(day[keep], weights=on_line[keep], minlength=days)[:days]


def average_day(intervals: pd.DataFrame) -> pd.DataFrame:
    """The average measured day per interval of the opening hours: contacts offered, staff on
    the phones, queue and the service level (pooled over the days: weighted by contacts)."""
    if intervals.empty:
        return pd.DataFrame(columns=["interval", "start", *AVERAGE_DAY])
    weights = intervals["offered"].to_numpy(dtype=float)
    frame = intervals.assign(
        _within=intervals["service_level"].fillna(0.0) * weights,
        _abandoned=intervals["abandoned"].astype(float),
        _offered=weights,
    )
    grouped = frame.groupby(["interval", "start"], sort=True)
    means = grouped[["offered", "handled", "staffed", "wanted", "queue_mean"]].mean()
    sums = grouped[["_within", "_abandoned", "_offered"]].sum()
    offered = sums["_offered"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        service_level = np.where(offered > 0, sums["_within"].to_numpy() / offered, np.nan)
        abandonment = np.where(offered > 0, sums["_abandoned"].to_numpy() / offered, np.nan)
    table = means.assign(service_level=service_level, abandonment_rate=abandonment)
    return table.reset_index()[["interval", "start", *AVERAGE_DAY]]


AVERAGE_DAY = [
    "offered",
    "handled",
    "staffed",
    "wanted",
    "queue_mean",
    "service_level",
    "abandonment_rate",
]
"""Columns of `average_day` besides the interval and its start."""


def _clocks(seconds: np.ndarray) -> list[str]:
    """`_clock` of each second of the day (computed once per distinct second)."""
    values = seconds.tolist()
    labels = {second: _clock(second) for second in set(values)}
    return [labels[second] for second in values]


def _clock(second: float) -> str:
    minutes = round(second / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
