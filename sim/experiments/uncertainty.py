"""The analysis of an uncertainty experiment, as pure functions of its tables: which worlds
look like a real center (the acceptance rule, in the spirit of rejection ABC and history
matching), the paired difference of each pair of variants in each kept world, and how the
answer is spread across those worlds (probabilistic sensitivity analysis)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.scenario_discovery import RULES_NEED, rank_parameters, winner_rules
from sim.metrics import kpi_info

KEPT, REJECTED, FAILED = "kept", "rejected", "failed"
NOISE_SES = 2.0
"""A world's difference is within seed noise when |mean| < 2 standard errors."""
DIFFERENCE_COLUMNS = ["world", "variant_a", "variant_b", "outcome", "mean_diff", "sd", "n"]


def accept_worlds(
    runs: pd.DataFrame,
    worlds: int,
    reference: str,
    accept: dict[str, tuple[float, float]],
    replications: int,
) -> pd.DataFrame:
    """One row per world: kept when the mean over the reference's replications of every
    accept KPI lies within its [low, high]; rejected otherwise (the facts it missed are
    listed); failed when a reference run failed or is missing (neither kept nor rejected)."""
    ref = runs[runs["variant"] == reference] if len(runs) else runs
    rows = []
    for world in range(worlds):
        part = ref[ref["world"] == world] if len(ref) else ref
        ok = part[part["status"] == "ok"] if len(part) else part
        means = {k: float(ok[k].mean()) if len(ok) and k in ok else math.nan for k in accept}
        missed = [k for k, (low, high) in accept.items() if not low <= means[k] <= high]
        if len(ok) < replications or len(part) > len(ok):
            status, missed = FAILED, []
        else:
            status = REJECTED if missed else KEPT
        rows.append(
            {
                "world": world,
                "status": status,
                "failed_facts": ", ".join(missed),
                **{f"reference_{k}": v for k, v in means.items()},
            }
        )
    columns = ["world", "status", "failed_facts", *(f"reference_{k}" for k in accept)]
    return pd.DataFrame(rows, columns=columns)


def world_differences(
    runs: pd.DataFrame, kept: list[int], variants: list[str], outcomes: list[str]
) -> pd.DataFrame:
    """Per kept world, pair of variants (a before b in the file) and outcome: the mean of
    a − b over the replications both ran ok (same seed), its standard deviation across seeds
    (empty with one replication) and n."""
    ok = runs[(runs["status"] == "ok") & runs["world"].isin(kept)] if len(runs) else runs
    frames = []
    for outcome in outcomes:
        if ok.empty or outcome not in ok:
            continue
        wide = ok.pivot_table(
            index=["world", "replication"], columns="variant", values=outcome, aggfunc="mean"
        )
        for a, b in itertools.combinations(variants, 2):
            if a not in wide or b not in wide:
                continue
            diff = (wide[a] - wide[b]).dropna()
            stats = diff.groupby(level="world").agg(["mean", "std", "count"]).reset_index()
            stats.columns = ["world", "mean_diff", "sd", "n"]
            frames.append(stats.assign(variant_a=a, variant_b=b, outcome=outcome))
    if not frames:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)[DIFFERENCE_COLUMNS]
    return frame.astype({"world": int, "n": int})


def winner_names(diff: np.ndarray, a: str, b: str, lower_is_better: bool) -> pd.Series:
    """Who wins in each world: a where a − b is better (higher, or lower where less is
    better), b where it is worse; ties are left out (NaN)."""
    better = -diff if lower_is_better else diff
    names = np.where(better > 0, a, np.where(better < 0, b, None))
    return pd.Series(names, dtype=object)


def pair_summary(
    frame: pd.DataFrame,
    params: pd.DataFrame,
    a: str,
    b: str,
    outcome: str,
    replications: int,
) -> dict[str, Any]:
    """How a − b of `outcome` is spread across the kept worlds (`frame`: one row per world):
    each variant's probability of winning, the median and 5-95 % range, the share of worlds
    within seed noise, the parameters it moves with, and the rules that say where the less
    frequent winner wins. `params` holds the drawn values, indexed by world."""
    lower = kpi_info(outcome).lower_is_better
    head: dict[str, Any] = {"variant_a": a, "variant_b": b, "outcome": outcome, "worlds": 0}
    head["lower_is_better"] = lower
    if frame.empty:
        return head | {"note": "no kept world", "ranks": [], "rules": [], "statement": ""}
    diff = frame["mean_diff"].to_numpy(dtype=float)
    winners = winner_names(diff, a, b, lower)
    q05, median, q95 = (float(v) for v in np.quantile(diff, [0.05, 0.5, 0.95]))
    noise = None
    if replications >= 2:
        judged = frame[frame["n"] >= 2]
        if len(judged):
            se = judged["sd"] / np.sqrt(judged["n"])
            noise = float((judged["mean_diff"].abs() < NOISE_SES * se).mean())
    x = params.loc[frame["world"].to_numpy()]
    ranks = rank_parameters(x, diff)
    decided = winners.notna().to_numpy()
    names = sorted(set(winners[decided]))
    rules = winner_rules(x[decided].reset_index(drop=True), winners[decided].reset_index(drop=True))
    statement = ""
    if len(names) == 1:
        statement = f"{names[0]} wins in every kept world"
    elif rules == []:
        statement = "no simple rule: no region of the parameters where the rarer winner wins most"
    return head | {
        "worlds": len(frame),
        "p_a_wins": float((winners == a).mean()),
        "p_b_wins": float((winners == b).mean()),
        "median": median,
        "q05": q05,
        "q95": q95,
        "within_noise": noise,
        "note": "",
        "ranks": ranks,
        "rules": rules if rules is not None else [],
        "rules_note": RULES_NEED if rules is None else "",
        "statement": statement,
    }


def summarize_worlds(
    worlds: pd.DataFrame,
    differences: pd.DataFrame,
    params_for: Any,
    variants: list[str],
    outcomes: list[str],
    replications: int,
) -> list[dict[str, Any]]:
    """`pair_summary` for every pair of variants (file order) and outcome. `worlds` holds the
    drawn values per world; `params_for(a, b)` names the parameters drawn for either."""
    values = worlds.set_index("world")
    summaries = []
    for a, b in itertools.combinations(variants, 2):
        params = values[params_for(a, b)]
        for outcome in outcomes:
            at = differences[
                (differences["variant_a"] == a)
                & (differences["variant_b"] == b)
                & (differences["outcome"] == outcome)
            ]
            summaries.append(pair_summary(at, params, a, b, outcome, replications))
    return summaries


def counts(worlds: pd.DataFrame) -> dict[str, int]:
    """Worlds drawn, kept, rejected and failed."""
    status = worlds["status"].value_counts()
    return {
        "drawn": len(worlds),
        **{name: int(status.get(name, 0)) for name in (KEPT, REJECTED, FAILED)},
    }
