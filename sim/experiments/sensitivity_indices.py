"""Global sensitivity analysis with SALib: Sobol indices (Saltelli sampling) and Morris
elementary effects, each with SALib's bootstrap confidence intervals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError


def _salib() -> tuple[Any, Any, Any, Any]:
    """SALib's samplers and analysers, or a usage error that says how to install SALib."""
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise UsageError(
            "ccsim sensitivity needs SALib, which is not installed; "
            "install it with: pip install 'ccsim[sensitivity]'"
        ) from None
    return sobol_sample, sobol_analyze, morris_sample, morris_analyze


def problem(bounds: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """SALib's problem definition: parameter names and bounds."""
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
    }


def sample(
    method: str,
    bounds: dict[str, tuple[float, float]],
    n: int,
    seed: int,
    second_order: bool = False,
    levels: int = 4,
) -> np.ndarray:
    """The design matrix: Saltelli/Sobol' (n * (D + 2) rows) or Morris (n * (D + 1) rows)."""
    sobol_sample, _, morris_sample, _ = _salib()
    spec = problem(bounds)
    if method == "sobol":
        return sobol_sample.sample(spec, n, calc_second_order=second_order, seed=seed)
    return morris_sample.sample(spec, n, num_levels=levels, seed=seed)


def analyze(
    method: str,
    bounds: dict[str, tuple[float, float]],
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    second_order: bool = False,
    levels: int = 4,
    confidence: float = 0.95,
) -> list[dict[str, Any]]:
    """Indices per parameter: Sobol S1 and ST (with *_conf), or Morris mu_star, mu, sigma."""
    _, sobol_analyze, _, morris_analyze = _salib()
    spec = problem(bounds)
    if method == "sobol":
        result = sobol_analyze.analyze(
            spec, y, calc_second_order=second_order, conf_level=confidence, seed=seed
        )
        fields = ("S1", "S1_conf", "ST", "ST_conf")
    else:
        result = morris_analyze.analyze(
            spec, x, y, conf_level=confidence, num_levels=levels, seed=seed
        )
        fields = ("mu_star", "mu_star_conf", "mu", "sigma")
    return [
        {"parameter": name, **{f: float(np.asarray(result[f])[i]) for f in fields}}
        for i, name in enumerate(spec["names"])
    ]


def indices(
    method: str,
    bounds: dict[str, tuple[float, float]],
    x: np.ndarray,
    outputs: dict[str, np.ndarray],
    seed: int,
    **options: Any,
) -> list[dict[str, Any]]:
    """Indices for every output; an output with missing or non-finite values is reported, not
    analysed (SALib needs one value per design point)."""
    rows = []
    for output, y in outputs.items():
        bad = int((~np.isfinite(y)).sum())
        if bad:
            rows.append(
                {
                    "output": output,
                    "parameter": None,
                    "note": f"not analysed: {bad} of {len(y)} design points have no value",
                }
            )
            continue
        found = analyze(method, bounds, x, y, seed, **options)
        n = base_samples(len(x), len(bounds), bool(options.get("second_order")))
        needed = sobol_needed(pd.DataFrame(found), n) if method == "sobol" else None
        for row in found:
            rows.append({"output": output, **row, "note": index_note(row, n, needed)})
    return rows


MIN_BASE_SAMPLES = 512
"""Fewer Sobol base samples than this is too few to trust (SALib's guidance: N of several
hundred to a few thousand); also the least a larger sample is advised to be."""
TARGET_HALF_WIDTH = 0.1
"""An index is read to about ±0.1: a wider 95 % interval means the sample is too small."""
SOBOL = (("S1", "S1_conf"), ("ST", "ST_conf"))


def base_samples(points: int, parameters: int, second_order: bool = False) -> int:
    """Saltelli's base sample size N from the number of design points, N × (D + 2) or, with
    second-order indices, N × (2D + 2)."""
    return points // ((2 if second_order else 1) * parameters + 2)


def estimable(row: Any) -> bool:
    """Whether every index of the row (and its interval) is a finite number."""
    values = [row.get(c) for pair in SOBOL for c in pair if c in row]
    values += [row.get(c) for c in ("mu_star", "mu_star_conf") if c in row]
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)


def sobol_needed(table: pd.DataFrame, n: int) -> int | None:
    """The base sample size these Sobol indices need, or None when they can be trusted: a
    sample is too small when it is below MIN_BASE_SAMPLES, when an index lies outside [0, 1]
    or S1 exceeds ST by more than their intervals, or when an interval is wider than
    ±TARGET_HALF_WIDTH (intervals shrink as 1/√N, which gives the size needed)."""
    rows = table[[estimable(r) for r in table.to_dict("records")]] if len(table) else table
    if rows.empty or not {"S1", "ST", "S1_conf", "ST_conf"} <= set(rows):
        return None
    s1, st = rows["S1"], rows["ST"]
    c1, ct = rows["S1_conf"].abs(), rows["ST_conf"].abs()
    outside = ((s1 + c1 < 0) | (s1 - c1 > 1) | (st + ct < 0) | (st - ct > 1)).any()
    crossed = (s1 - c1 > st + ct).any()
    widest = float(max(c1.max(), ct.max()))
    if n >= MIN_BASE_SAMPLES and not outside and not crossed and widest <= TARGET_HALF_WIDTH:
        return None
    scale = max(widest / TARGET_HALF_WIDTH, 1.0) ** 2
    return max(MIN_BASE_SAMPLES, 2 ** math.ceil(math.log2(max(n, 1) * scale)))


def index_note(row: dict[str, Any], n: int, needed: int | None) -> str:
    """The row's note in sensitivity.csv: not estimable, or a sample too small to trust."""
    if not estimable(row):
        return "not estimable: an index is not a finite number"
    if needed is not None:
        return (
            f"sample too small to trust these indices: {n:,} base samples, about {needed:,} needed"
        )
    return ""


def _point_values(
    experiment: Any, ok: pd.DataFrame, variant: str, outputs: list[str]
) -> dict[str, dict[tuple[int, int], float]]:
    """Each output of a variant's runs that are ok, by (design point, replication)."""
    values: dict[str, dict[tuple[int, int], float]] = {o: {} for o in outputs}
    for task in experiment.tasks:
        if task.variant == variant and task.run_id in ok.index:
            for output in outputs:
                values[output][task.point, task.replication] = float(ok.at[task.run_id, output])
    return values


def _means(values: dict[tuple[int, int], float], n_points: int) -> np.ndarray:
    """The mean over replications at each design point (NaN where there is none)."""
    sums, counts = np.zeros(n_points), np.zeros(n_points)
    for (point, _), value in values.items():
        sums[point] += value
        counts[point] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def sensitivity_table(experiment: Any, runs: pd.DataFrame) -> pd.DataFrame:
    """Indices per variant and output from the runs of a sensitivity experiment.

    The output at a design point is its mean over the point's replications that are ok. With
    `difference = ["a", "b"]` the one analysed output is the paired difference a - b: per
    replication (same seed) where both runs are ok, then averaged at the point.
    """
    spec = experiment.spec.sensitivity
    bounds = {k: (v[0], v[1]) for k, v in spec.bounds.items()}
    seed = experiment.spec.seed if spec.seed is None else spec.seed
    ok = runs[runs["status"] == "ok"].set_index("run_id") if len(runs) else runs
    n_points = len(experiment.points)
    by_variant = {v: _point_values(experiment, ok, v, spec.outputs) for v in experiment.variants}
    analysed: dict[str, dict[str, np.ndarray]] = {}
    if spec.difference is not None:
        a, b = spec.difference
        outputs = {}
        for output in spec.outputs:
            left, right = by_variant[a][output], by_variant[b][output]
            diff = {k: left[k] - right[k] for k in left.keys() & right.keys()}
            outputs[output] = _means(diff, n_points)
        analysed[f"{a} - {b}"] = outputs
    else:
        for variant, values in by_variant.items():
            analysed[variant] = {o: _means(values[o], n_points) for o in spec.outputs}
    rows = []
    options = {"second_order": spec.second_order, "levels": spec.levels}
    for variant, outputs in analysed.items():
        for row in indices(spec.method, bounds, experiment.design, outputs, seed, **options):
            rows.append({"variant": variant, "method": spec.method, **row})
    return pd.DataFrame(rows)
