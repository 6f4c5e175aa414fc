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
CASES = {
    "pure_queue": lambda: (erlang_scenario(calendar__days=2), 11),
    "aht": lambda: (baseline(calendar__days=5, customers__population=20_000), 5),
    "volume": lambda: (
        baseline(calendar__days=5, customers__population=20_000, policy__name="volume"),
        5,
    ),
    "quality": lambda: (
        baseline(calendar__days=5, customers__population=20_000, policy__name="quality"),
        5,
    ),
}


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


def fingerprint(result: sim.RunResult) -> dict[str, Any]:
    """What must stay identical: every KPI (NaN as null) and a digest of each table."""
    kpis = {k: (None if math.isnan(v) else v) for k, v in result.kpis.items()}
    tables = {
        name: frame_digest(getattr(result, name))
        for name in ("calls", "intervals", "daily", "snapshots")
    }
    return {"kpis": kpis, "tables": tables}


def current(case: str) -> dict[str, Any]:
    scenario, seed = CASES[case]()
    return fingerprint(sim.run(scenario, seed=seed))


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
