"""What drives the difference a − b between two policy presets, split exactly three ways, each
part with its mean and 95 % CI over the paired replications:

- `mechanisms`: profit after churn, Shapley values over the mechanisms (`mechanisms.py`), with
  the base term v(∅) — the difference with every mechanism off — as a row of its own;
- `levers`: profit after churn, Shapley values over the policy's levers (`levers.py`);
- `sales`: sales revenue, inbound split by LMDI into opportunities, offers per opportunity,
  sales per offer and value per sale (`index_decomposition.py`), and outbound sales.

In each split the parts (and the base) add up to the total, per replication and so in the
means; `adds_up` checks a table. All from the runs of one `compare` experiment whose variants
`decomposition_variants` gives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments import levers, mechanisms
from sim.experiments.index_decomposition import funnel, lmdi
from sim.experiments.shapley import shapley_split
from sim.experiments.statistics import mean_ci

COLUMNS = ["split", "part", "what", "mean", "ci_low", "ci_high", "n", "a", "b"]
"""decomposition.csv: one row per part of each split, then its total (docs/EXPERIMENTS.md)."""
SPLITS = ("mechanisms", "levers", "sales")
BASE, TOTAL = "base", "total"
FUNNEL = ("opportunities", "offers per opportunity", "sales per offer", "value per sale")
"""The factors of inbound sales revenue, in the order of the funnel."""
FUNNEL_KPIS = ("opportunities", "offers", "inbound_sales", "inbound_sales_revenue")
OUTBOUND = "outbound sales"
SALES_WORDS = {
    "opportunities": "inbound contacts with a sales opportunity",
    "offers per opportunity": "the closing question asked (or a buyer served), per opportunity",
    "sales per offer": "inbound sales per offer (conversion)",
    "value per sale": "revenue per inbound sale",
    OUTBOUND: "revenue from outbound calls (not split)",
}
TOLERANCE = 1e-9
"""How far the parts may miss their total, relative to the largest of them (floating point)."""


def decomposition_variants(a: str, b: str) -> dict[str, dict[str, Any]]:
    """Every variant the three splits of `a` − `b` need, for one `compare` experiment: the two
    presets, the coalitions of mechanisms and the coalitions of levers."""
    variants = {a: {"policy.name": a}, b: {"policy.name": b}}  # the pair first, as they are
    for name, overrides in [
        *mechanisms.mechanism_variants(a, b)[0].items(),
        *levers.lever_variants(a, b)[0].items(),
    ]:
        if variants.setdefault(name, overrides) != overrides:
            raise ValueError(f"variant {name!r} is needed with two different meanings")
    return variants


def runs_by_variant(runs: pd.DataFrame, variants: list[str]) -> dict[str, pd.DataFrame]:
    """Each variant's ok runs indexed by seed, over the seeds every variant has."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    by = {v: ok[ok["variant"] == v].set_index("seed").sort_index() for v in variants}
    empty = [v for v, rows in by.items() if rows.empty]
    if empty:
        raise ValueError(f"no finished runs of {empty[:3]}{' ...' if len(empty) > 3 else ''}")
    seeds = sorted(set.intersection(*(set(rows.index) for rows in by.values())))
    if not seeds:
        raise ValueError("no replication has finished runs of every variant")
    return {v: rows.loc[seeds] for v, rows in by.items()}


def sales_split(left: pd.DataFrame, right: pd.DataFrame) -> dict[str, np.ndarray]:
    """`left` − `right` in sales revenue per replication: inbound by LMDI over the funnel,
    outbound sales (the rest of the ledger's sales revenue), and the total."""
    inbound = lmdi(
        funnel([left[k] for k in FUNNEL_KPIS], FUNNEL),
        funnel([right[k] for k in FUNNEL_KPIS], FUNNEL),
    )
    outbound = left["outbound_sales_revenue"] - right["outbound_sales_revenue"]
    total = left["sales_revenue"] - right["sales_revenue"]
    return {**inbound, OUTBOUND: outbound.to_numpy(float), TOTAL: total.to_numpy(float)}


def _rows(split: str, parts: dict[str, np.ndarray], what: dict[str, str]) -> list[dict]:
    rows = []
    for part, values in parts.items():
        ci = mean_ci(values)
        rows.append(
            {"split": split, "part": part, "what": what[part]}
            | {k: ci[k] for k in ("mean", "ci_low", "ci_high", "n")}
        )
    return rows


def decomposition_table(runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The three splits of `a` − `b` from the runs of the `decomposition_variants` experiment:
    one row per part, base and total (columns COLUMNS)."""
    mechanism_variants, which = mechanisms.mechanism_variants(a, b)
    lever_variants, lever_which = levers.lever_variants(a, b)
    by = runs_by_variant(runs, list(dict.fromkeys([*mechanism_variants, *lever_variants])))
    rows = []
    parts = shapley_split(
        mechanisms.MECHANISMS, mechanisms.mechanism_values(by, a, b, which), BASE, TOTAL
    )
    what = mechanisms.explanations(a, b)
    what = {k: f"off: {v}" for k, v in what.items()} | {
        BASE: f"{a} − {b} with every mechanism off: what no mechanism carries",
        TOTAL: f"{a} − {b} in profit after churn, every mechanism on",
    }
    rows += _rows("mechanisms", parts, what)
    names = list(levers.differing_levers(a, b))
    if names:
        values = levers.lever_values(by, lever_which, b)
        parts = shapley_split(names, values, BASE, TOTAL)
        del parts[BASE]  # v(∅) = b − b = 0 by construction
        what = levers.explanations(a, b) | {TOTAL: f"{a} − {b} in profit after churn"}
        rows += _rows("levers", parts, what)
    what = SALES_WORDS | {TOTAL: f"{a} − {b} in sales revenue"}
    rows += _rows("sales", sales_split(by[a], by[b]), what)
    return pd.DataFrame(rows, columns=COLUMNS[:-2]).assign(a=a, b=b)[COLUMNS]


def adds_up(table: pd.DataFrame) -> list[str]:
    """Why `table` is not a decomposition whose parts add up to their totals (empty: it is):
    per split, the means of the parts (and base) against the total's mean."""
    problems = []
    missing = [c for c in COLUMNS if c not in table]
    if missing:
        return [f"columns missing: {missing}"]
    for split, rows in table.groupby("split", sort=False):
        totals = rows[rows["part"] == TOTAL]
        if len(totals) != 1:
            problems.append(f"{split}: {len(totals)} total rows, not 1")
            continue
        means = rows["mean"].to_numpy(dtype=float)
        if not np.isfinite(means).all():
            problems.append(f"{split}: a mean is missing")
            continue
        total = float(totals["mean"].iloc[0])
        parts = float(rows.loc[rows["part"] != TOTAL, "mean"].sum())
        scale = max(1.0, float(np.abs(means).max()))
        if not math.isclose(parts, total, rel_tol=0.0, abs_tol=TOLERANCE * scale):
            problems.append(f"{split}: the parts add up to {parts:,.2f}, the total is {total:,.2f}")
    return problems
