"""Metrics from a finished run: run KPIs, and tables per day and per interval.

Everything is computed after the run from the columnar call log and the staffing record,
vectorised with numpy, so measuring costs the event loop nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.opening_hours import DAY

if TYPE_CHECKING:
    from sim.model import ContactCenterModel


def _clipped_sum(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point T: sum_i min(T, values_i)."""
    ordered = np.sort(values)
    prefix = np.concatenate(([0.0], np.cumsum(ordered)))
    k = np.searchsorted(ordered, points, side="right")
    return prefix[k] + points * (len(ordered) - k)


def overlap_per_bin(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Total length of the spans [start, end) that falls in each bin [edges[j], edges[j+1])."""
    covered = _clipped_sum(ends, edges) - _clipped_sum(starts, edges)
    return np.diff(covered)


def step_integral_per_bin(times: np.ndarray, levels: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Integral over each bin of a step function equal to levels[j] from times[j] on."""
    cumulative = np.concatenate(([0.0], np.cumsum(levels[:-1] * np.diff(times))))
    j = np.clip(np.searchsorted(times, edges, side="right") - 1, 0, None)
    at_edges = cumulative[j] + levels[j] * (edges - times[j])
    return np.diff(at_edges)


def max_overlap_per_bin(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Largest number of spans [start, end) open at one moment within each bin."""
    times = np.concatenate((starts, ends))
    steps = np.concatenate((np.ones(len(starts)), -np.ones(len(ends))))
    order = np.lexsort((steps, times))  # at equal times, leaving (-1) before joining (+1)
    times, level = times[order], np.cumsum(steps[order])
    first = np.searchsorted(times, edges[:-1], side="left")
    last = np.searchsorted(times, edges[1:], side="left")
    carried = np.where(first > 0, level[np.maximum(first - 1, 0)], 0.0) if len(level) else 0.0
    result = np.array(carried, dtype=float) * np.ones(len(edges) - 1)
    for j in np.flatnonzero(last > first):
        result[j] = max(result[j], level[first[j] : last[j]].max())
    return result


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator element-wise, NaN where the denominator is 0 (undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def group_counter(
    key: np.ndarray, size: int
) -> Callable[[np.ndarray | None, np.ndarray | None], np.ndarray]:
    """count(mask, weights): per group 0..size-1, the number (or weight sum) of rows in mask."""

    def count(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        k = key if mask is None else key[mask]
        w = None if weights is None else (weights if mask is None else weights[mask])
        return np.bincount(k, weights=w, minlength=size)[:size].astype(float)

    return count


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
    times, levels = zip(*model.staffing.changes, strict=True)
    return np.asarray(times, dtype=float), np.asarray(levels, dtype=float)


def call_bins(
    columns: dict[str, np.ndarray], model: ContactCenterModel
) -> tuple[np.ndarray, np.ndarray]:
    """Day and interval (within the opening hours) in which each call arrived."""
    hours = model.hours
    day = (columns["arrival"] // DAY).astype(np.int64)
    second = columns["arrival"] - day * DAY
    interval = np.clip(
        ((second - hours.open) // hours.interval).astype(np.int64), 0, hours.intervals_per_day - 1
    )
    return day, interval


def interval_table(columns: dict[str, np.ndarray], model: ContactCenterModel) -> pd.DataFrame:
    """One row per day and interval of the opening hours."""
    hours = model.hours
    n_int, days = hours.intervals_per_day, hours.days
    day, interval = call_bins(columns, model)
    stats = _grouped(
        day * n_int + interval, days * n_int, columns, model.config.kpi.service_level_seconds
    )

    starts = np.array([hours.interval_start(d, k) for d in range(days) for k in range(n_int)])
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
            "weekday": np.repeat([hours.weekday(d) for d in range(days)], n_int),
            "interval": np.tile(np.arange(n_int), days),
            "start": [
                _clock(s - d * DAY)
                for s, d in zip(starts, np.repeat(np.arange(days), n_int), strict=True)
            ],
            "start_time": starts,
            **stats,
            "staffed": staffed / hours.interval,
            "occupancy": ratio(busy, staffed),
            "queue_mean": queued / hours.interval,
            "queue_max": queue_max.astype(np.int64),
        }
    )
    return table


def daily_table(columns: dict[str, np.ndarray], model: ContactCenterModel) -> pd.DataFrame:
    """One row per simulated day; busy and staffed time include work after closing."""
    hours = model.hours
    days = hours.days
    day, _ = call_bins(columns, model)
    stats = _grouped(day, days, columns, model.config.kpi.service_level_seconds)
    edges = np.arange(days + 1) * DAY
    edges[-1] = max(
        edges[-1], float(np.nanmax(columns["end"], initial=0.0))
    )  # drain after the last day
    answered = columns["answered"]
    busy = overlap_per_bin(columns["answer"][answered], columns["end"][answered], edges)
    staffed = step_integral_per_bin(*_staffed_step(model), edges)
    return pd.DataFrame(
        {
            "day": np.arange(days),
            "weekday": [hours.weekday(d) for d in range(days)],
            **stats,
            "staffed_hours": staffed / 3600.0,
            "occupancy": ratio(busy, staffed),
        }
    )


def run_kpis(columns: dict[str, np.ndarray], model: ContactCenterModel) -> dict[str, float]:
    """The run's headline KPIs: flat, snake_case, deterministic for a given seed."""
    answered, abandoned, wait = columns["answered"], columns["abandoned"], columns["wait"]
    offered = len(wait)
    handled = int(answered.sum())
    sl = model.config.kpi.service_level_seconds
    available, busy = model.staffing.totals()
    open_seconds = model.hours.days * model.hours.open_per_day

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
        "mean_queue_length": model.router.area_until(model.time) / open_seconds,
        "max_queue_length": float(model.router.max_waiting),
        "staffed_hours": available / 3600.0,
    }


def _clock(second: float) -> str:
    minutes = round(second / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
