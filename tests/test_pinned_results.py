"""Pinned results: fixed seeds give bit-identical KPIs and tables, release after release.

A refactor must not change a single number. This test runs the pure queue and the three
policies on a short baseline and compares every KPI exactly and a digest of every table with
`tests/pinned_results.json`. A change that is meant to change results (a model revision) says
so and re-pins, deliberately:

    .venv/bin/python -m tests.test_pinned_results --update
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sim
from tests.helpers import ROOT, baseline, erlang_scenario

PINNED = ROOT / "tests" / "pinned_results.json"
CLOSED_BASE = {"word_of_mouth__strength": 0.0, "word_of_mouth__baseline_monthly_share": 0.0}
"""Word of mouth (#23) with both rates at 0: nobody joins, as before the channel existed."""
SHORT = {"calendar__days": 5, "customers__population": 20_000}
CASES = {
    "pure_queue": lambda: (erlang_scenario(calendar__days=2), 11),
    "aht": lambda: (baseline(**SHORT, **CLOSED_BASE), 5),
    "volume": lambda: (baseline(**SHORT, **CLOSED_BASE, policy__name="volume"), 5),
    "quality": lambda: (baseline(**SHORT, **CLOSED_BASE, policy__name="quality"), 5),
    "aht_word_of_mouth": lambda: (baseline(**SHORT), 5),
    "quality_word_of_mouth": lambda: (baseline(**SHORT, policy__name="quality"), 5),
}
NEW_IN_23 = {
    "kpis": [
        "acquisition_cost",
        "acquired_value",
        "newcomers",
        "net_customers",
        "public_stories",
        "base_nps",
        "churned_value_beyond_run",
        "acquired_value_beyond_run",
        "profit_and_base_value",
        "reputation",
        "mean_reputation",
    ],
    "daily": [
        "reputation",
        "base_promoters",
        "base_detractors",
        "newcomers",
        "public_stories",
        "acquisition_cost",
        "acquired_value",
    ],
}
"""What word of mouth (#23) added to every run: the closed-base cases were pinned before it, so
their pinned KPIs and tables leave these out (and the KPIs must be 0 there, but for the base's
NPS and the net change of customers, which a closed base measures too)."""


def column_bytes(column: pd.Series) -> bytes:
    """A column's values as canonical bytes: codes and categories, numbers, or text."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = json.dumps([str(c) for c in column.cat.categories]).encode()
        return categories + np.ascontiguousarray(column.cat.codes.to_numpy()).tobytes()
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return np.ascontiguousarray(column.to_numpy()).tobytes()
    return json.dumps([str(v) for v in column.tolist()]).encode()


def dtype_name(column: pd.Series) -> str:
    """The dtype as the digest names it: text is "str" whether pandas 3 holds it as its string
    dtype or pandas 2 (which the calibrate extra's lifelines requires) as objects."""
    text = pd.api.types.is_string_dtype(column.dtype)
    if text and not isinstance(column.dtype, pd.CategoricalDtype):
        return "str"
    return str(column.dtype)


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table: its shape, column names and dtypes, and every value's bytes."""
    digest = hashlib.sha256(repr(frame.shape).encode())
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}:{dtype_name(column)}".encode())
        digest.update(column_bytes(column))
    return digest.hexdigest()


def fingerprint(result: sim.RunResult, before_23: bool = False) -> dict[str, Any]:
    """What must stay identical: every KPI (NaN as null) and a digest of each table
    (`before_23`: without what word of mouth added, for the cases pinned before it)."""
    kpis = {k: (None if math.isnan(v) else v) for k, v in result.kpis.items()}
    tables = {
        name: frame_digest(getattr(result, name))
        for name in ("calls", "intervals", "daily", "snapshots")
    }
    if before_23:
        kpis = {k: v for k, v in kpis.items() if k not in NEW_IN_23["kpis"]}
        daily = result.daily.drop(columns=NEW_IN_23["daily"], errors="ignore")
        tables["daily"] = frame_digest(daily)
    return {"kpis": kpis, "tables": tables}


def current(case: str) -> dict[str, Any]:
    scenario, seed = CASES[case]()
    return fingerprint(sim.run(scenario, seed=seed), before_23=case in BEFORE_23)


BEFORE_23 = ("pure_queue", "aht", "volume", "quality")
"""The cases pinned before word of mouth existed: a closed base must still give them exactly."""


@pytest.mark.parametrize("case", ["aht", "quality"])
def test_a_closed_base_adds_nothing_but_measures(case: str) -> None:
    scenario, seed = CASES[case]()
    kpis = sim.run(scenario, seed=seed).kpis
    measures = ("base_nps", "net_customers", "churned_value_beyond_run", "profit_and_base_value")
    added = {k: kpis[k] for k in NEW_IN_23["kpis"] if k not in measures}
    assert added == dict.fromkeys(added, 0.0)
    assert -100 < kpis["base_nps"] < 100
    assert kpis["net_customers"] == -kpis["churned_customers"] < 0


def test_an_open_base_changes_the_run() -> None:
    """Guard against a channel never wired in: the default (open) base differs."""
    closed, _ = CASES["aht"]()
    opened, seed = CASES["aht_word_of_mouth"]()
    a, b = sim.run(closed, seed=seed).kpis, sim.run(opened, seed=seed).kpis
    assert b["newcomers"] > 0
    assert a["offered"] != b["offered"]


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    return json.loads(PINNED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", list(CASES))
def test_results_are_bit_identical_to_the_pinned_ones(case: str, pinned: dict[str, Any]) -> None:
    now, then = current(case), pinned[case]
    assert list(now["kpis"]) == list(then["kpis"]), "the KPI names or their order changed"
    changed = {k: (then["kpis"][k], v) for k, v in now["kpis"].items() if v != then["kpis"][k]}
    assert not changed, f"KPIs changed (pinned, now): {changed}"
    assert now["tables"] == then["tables"]


def test_the_digest_sees_a_one_bit_change() -> None:
    frame = pd.DataFrame({"x": [0.1, 0.2], "kind": pd.Categorical(["a", "b"])})
    nudged = frame.assign(x=[0.1, np.nextafter(0.2, 1.0)])
    relabelled = frame.assign(kind=pd.Categorical(["a", "c"]))
    digests = {frame_digest(f) for f in (frame, nudged, relabelled)}
    assert len(digests) == 3


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.test_pinned_results --update  (re-pins every case)")
    data = {case: current(case) for case in CASES}
    PINNED.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"pinned {len(data)} cases in {PINNED}")
