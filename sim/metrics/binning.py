"""Per-bin totals from spans and step functions (vectorised with numpy), and ratios and group
counts that give NaN, never a division error, where a denominator is 0."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _clipped_sum(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point T: sum_i min(T, values_i)."""
    ordered = np.sort(values, kind="stable")  # timsort: the call log is nearly in time order
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
    """Largest number of spans [start, end) open at one moment within each bin (edges rising)."""
    times = np.concatenate((ends, starts))
    steps = np.concatenate((-np.ones(len(ends)), np.ones(len(starts))))
    order = np.argsort(times, kind="stable")  # at equal times, leaving (-1) before joining (+1)
    times, level = times[order], np.cumsum(steps[order])
    first = np.searchsorted(times, edges[:-1], side="left")
    last = np.searchsorted(times, edges[1:], side="left")
    carried = np.where(first > 0, level[np.maximum(first - 1, 0)], 0.0) if len(level) else 0.0
    result = np.array(carried, dtype=float) * np.ones(len(edges) - 1)
    busy = np.flatnonzero(last > first)
    if len(busy):  # bins are adjacent, so each busy bin's events run to the next busy bin's
        peaks = np.maximum.reduceat(level[: last[busy[-1]]], first[busy])
        result[busy] = np.maximum(result[busy], peaks)
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
