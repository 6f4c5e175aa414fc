"""The policy map of a sweep: at each design point and for each KPI, which variant wins, by
how much over the runner-up, and whether the paired 95 % CI of that margin excludes zero."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.metrics import kpi_info

COLUMNS = ["kpi", "winner", "runner_up", "margin", "ci_low", "ci_high", "decided"]


def winners(summary: pd.DataFrame, differences: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    """One row per design point and KPI: the best mean (highest, or lowest where less is
    better) and its margin over the second best, paired over replications; `decided` is False
    when the margin's CI includes zero (a tie at this number of replications). Where the best
    two are equal in every replication (bit-identical runs: a key the variants do not use),
    there is no difference and no winner: `winner` and `runner_up` are empty. A KPI with no
    better direction (AHT: the catalogue's `neutral`) has no winner either."""
    rows: list[dict[str, Any]] = []
    groups = summary.groupby(params, sort=False) if params else [((), summary)]
    for keys, part in groups:
        point = dict(zip(params, keys if isinstance(keys, tuple) else (keys,), strict=True))
        for kpi, by_kpi in part.groupby("kpi", sort=False):
            ranked = by_kpi.dropna(subset=["mean"])
            if len(ranked) < 2:
                continue
            lower = kpi_info(str(kpi)).lower_is_better
            ranked = ranked.sort_values("mean", ascending=lower, kind="stable")
            best, second = ranked["variant"].iloc[0], ranked["variant"].iloc[1]
            margin, low, high = _margin(differences, point, str(kpi), best, second)
            if lower:  # a smaller value wins: report how much smaller, as a positive margin
                margin, low, high = -margin, -high, -low
            if margin == 0 and not (low < 0 or high > 0):  # equal in every replication
                best = second = ""  # no difference: never a winner among identical results
            neutral = kpi_info(str(kpi)).neutral
            if neutral:  # no better direction: the gap is reported, nobody wins it
                best = second = ""
            rows.append(
                {
                    **point,
                    "kpi": kpi,
                    "winner": best,
                    "runner_up": second,
                    "margin": margin,
                    "ci_low": low,
                    "ci_high": high,
                    "decided": bool(not neutral and np.isfinite(low) and (low > 0 or high < 0)),
                }
            )
    return pd.DataFrame(rows, columns=[*params, *COLUMNS])


def _margin(
    differences: pd.DataFrame, point: dict[str, Any], kpi: str, a: str, b: str
) -> tuple[float, float, float]:
    """Paired mean difference a - b of `kpi` at `point`, with its CI (from either order)."""
    at = differences["kpi"] == kpi
    for name, value in point.items():
        at &= differences[name] == value
    for first, second, sign in ((a, b, 1.0), (b, a, -1.0)):
        row = differences[
            at & (differences["variant_a"] == first) & (differences["variant_b"] == second)
        ]
        if len(row):
            r = row.iloc[0]
            low, high = sorted((sign * r["ci_low"], sign * r["ci_high"]))
            return sign * r["mean_diff"], low, high
    return float("nan"), float("nan"), float("nan")
