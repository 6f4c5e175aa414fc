"""Summaries with t-based confidence intervals, and paired differences between variants.

Replication k of every variant uses the same seed (common random numbers), so the difference
between two variants is taken per replication and its interval is usually much narrower than
the two separate intervals suggest.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

CONFIDENCE = 0.95


def mean_ci(values: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, standard deviation (n - 1) and Student-t confidence interval of finite values."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return {"mean": math.nan, "std": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 0}
    mean = float(values.mean())
    if n == 1:
        return {"mean": mean, "std": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n": 1}
    from scipy import stats  # imported when used: scipy.stats is slow to import

    std = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * std / math.sqrt(n)
    return {"mean": mean, "std": std, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def _by_point(runs: pd.DataFrame, params: list[str]) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    """The runs that are ok, split by design point (the params' values), in order of appearance."""
    runs = runs[runs["status"] == "ok"] if "status" in runs else runs
    if not params:
        return [({}, runs)]
    keys = runs[params].astype(str).agg("\x1f".join, axis=1)
    out = []
    for key in dict.fromkeys(keys):
        part = runs[keys == key]
        out.append(({p: _plain(part[p].iloc[0]) for p in params}, part))
    return out


def _plain(value: Any) -> Any:
    """numpy scalars as Python values, so records serialise as JSON."""
    return value.item() if isinstance(value, np.generic) else value


def summarize(
    runs: pd.DataFrame,
    kpis: list[str],
    variants: list[str],
    params: list[str] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Per variant (and design point) and KPI: mean, std, CI and n over the runs that are ok."""
    params = params or []
    records = []
    for point, part in _by_point(runs, params):
        for variant in variants:
            rows = part[part["variant"] == variant]
            for kpi in kpis:
                values = rows[kpi].to_numpy(dtype=float) if kpi in rows else np.array([])
                records.append(
                    {"variant": variant, **point, "kpi": kpi, **mean_ci(values, confidence)}
                )
    columns = ["variant", *params, "kpi", "mean", "std", "ci_low", "ci_high", "n"]
    return pd.DataFrame(records, columns=columns)


def paired_differences(
    runs: pd.DataFrame,
    kpis: list[str],
    variants: list[str],
    params: list[str] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """For each pair (a, b) of variants, in file order: mean of a - b over paired replications.

    A replication counts when both runs of the pair are ok and the KPI is finite in both.
    """
    params = params or []
    records = []
    for point, part in _by_point(runs, params):
        by_variant = {v: part[part["variant"] == v].set_index("replication") for v in variants}
        for a, b in itertools.combinations(variants, 2):
            left, right = by_variant[a], by_variant[b]
            common = left.index.intersection(right.index).sort_values()
            for kpi in kpis:
                if kpi in left and kpi in right:
                    diff = left.loc[common, kpi].to_numpy(float) - right.loc[common, kpi].to_numpy(
                        float
                    )
                else:
                    diff = np.array([])
                ci = mean_ci(diff, confidence)
                records.append(
                    {
                        "variant_a": a,
                        "variant_b": b,
                        **point,
                        "kpi": kpi,
                        "mean_diff": ci["mean"],
                        "ci_low": ci["ci_low"],
                        "ci_high": ci["ci_high"],
                        "n": ci["n"],
                    }
                )
    columns = ["variant_a", "variant_b", *params, "kpi", "mean_diff", "ci_low", "ci_high", "n"]
    return pd.DataFrame(records, columns=columns)


def paired_by_seed(runs: pd.DataFrame, kpi: str, a: str, b: str) -> dict[str, float]:
    """Mean and 95 % CI of `kpi` under variant `a` minus under `b`, over the seeds both ran
    (the runs that are ok)."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    left = ok[ok["variant"] == a].set_index("seed")[kpi]
    right = ok[ok["variant"] == b].set_index("seed")[kpi]
    both = left.index.intersection(right.index)
    return mean_ci((left[both] - right[both]).to_numpy(dtype=float))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of plain dicts (NaN kept; json_ready turns it into null)."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
