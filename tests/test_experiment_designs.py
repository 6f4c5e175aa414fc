"""Sweeps (full-factorial grids, Latin hypercube samples) and SALib sensitivity analyses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments.design import grid_points, unit_sample
from tests.test_experiment_files import ERLANG, ccsim, write

SMALL = f"""
scenario = "{ERLANG.as_posix()}"
replications = 2
seed = 3
kpis = ["service_level", "asa"]
[base]
"calendar.days" = 1
"arrivals.rate_per_hour" = 60.0
"staffing.employees" = 5
"""


def test_grid_is_full_factorial_first_key_slowest() -> None:
    points = grid_points({"a": [1, 2], "b": ["x", "y", "z"]})
    assert points == [{"a": a, "b": b} for a in (1, 2) for b in ("x", "y", "z")]


def test_latin_hypercube_has_one_point_per_stratum() -> None:
    unit = unit_sample("lhs", 10, 3, seed=1)
    for column in unit.T:
        assert sorted(np.floor(column * 10).astype(int)) == list(range(10))
    assert np.array_equal(unit, unit_sample("lhs", 10, 3, seed=1))


def test_sweep_grid_crossed_with_variants_and_replications(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL + '[variants.fast]\n"service.mean_seconds" = 200.0\n[variants.slow]\n'
    text += '"service.mean_seconds" = 260.0\n[grid]\n"staffing.employees" = [4, 6]\n'
    text += '"patience.mean_seconds" = [120.0, 240.0]\n'
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(
        capsys, "sweep", write(tmp_path, text), "--workers", "2", "--out", out, "--json"
    )
    assert code == 0, stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * 4 * 2
    assert {"staffing.employees", "patience.mean_seconds"} <= set(runs.columns)
    assert runs.groupby(["staffing.employees", "patience.mean_seconds"]).size().eq(4).all()
    payload = json.loads(stdout)
    assert len(payload["summary"]) == 2 * 4 * 2  # variants x points x KPIs
    assert {"staffing.employees", "patience.mean_seconds"} <= set(payload["summary"][0])
    assert len(payload["differences"]) == 4 * 2  # one pair per point and KPI
    # Paired within each point: the same seeds in both variants.
    for _, part in runs.groupby(["staffing.employees", "patience.mean_seconds"]):
        seeds = part.groupby("variant")["seed"].apply(sorted)
        assert seeds["fast"] == seeds["slow"] == [3, 4]
    # The policy map: at each point the winner of each KPI, its margin and paired CI.
    # round_trip: pandas 2 parses floats to within an ulp unless asked for the exact value
    winners = pd.read_csv(out / "winners.csv", float_precision="round_trip")
    assert len(winners) == 4 * 2 and winners.equals(pd.DataFrame(payload["winners"]))
    summary = pd.DataFrame(payload["summary"])
    for _, row in winners.iterrows():
        at = (summary["staffing.employees"] == row["staffing.employees"]) & (
            summary["patience.mean_seconds"] == row["patience.mean_seconds"]
        )
        means = summary[at & (summary["kpi"] == row["kpi"])].set_index("variant")["mean"]
        better = means.idxmin() if row["kpi"] == "asa" else means.idxmax()  # less waiting wins
        assert row["winner"] == better
        gap = abs(means["fast"] - means["slow"])
        assert row["margin"] == pytest.approx(gap, rel=1e-9)
        assert row["ci_low"] <= row["margin"] <= row["ci_high"]
        assert row["decided"] == (row["ci_low"] > 0)
    # shorter calls wait less wherever staff are few
    few = winners[(winners["staffing.employees"] == 4) & (winners["kpi"] == "asa")]
    assert set(few["winner"]) == {"fast"}


def test_sweep_latin_hypercube_rounds_whole_number_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL + '[sample]\nmethod = "lhs"\nn = 5\nseed = 7\n[sample.bounds]\n'
    text += '"staffing.employees" = [3, 8]\n"arrivals.rate_per_hour" = [30, 90]\n'
    out = tmp_path / "out"
    code, _, stderr = ccsim(capsys, "sweep", write(tmp_path, text), "--workers", "1", "--out", out)
    assert code == 0, stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 5 * 2
    assert runs["staffing.employees"].dtype.kind == "i"
    assert runs["staffing.employees"].between(3, 8).all()
    rates = runs["arrivals.rate_per_hour"].unique()
    assert len(rates) == 5 and ((rates >= 30) & (rates <= 90)).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["design_points"]) == 5


SENSITIVITY = (
    SMALL.replace('kpis = ["service_level", "asa"]\n', "").replace(
        "replications = 2", "replications = 1"
    )
    + """
[sensitivity]
method = "{method}"
n = {n}
outputs = ["service_level", "mean_wait"]
[sensitivity.bounds]
"arrivals.rate_per_hour" = [30.0, 90.0]
"patience.mean_seconds" = [60.0, 300.0]
"""
)


@pytest.mark.parametrize(
    "method, n, fields",
    [
        ("sobol", 8, ["S1", "S1_conf", "ST", "ST_conf"]),
        ("morris", 4, ["mu_star", "mu_star_conf", "sigma"]),
    ],
)
def test_sensitivity_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, n: int, fields: list[str]
) -> None:
    path = write(tmp_path, SENSITIVITY.format(method=method, n=n))
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(
        capsys, "sensitivity", path, "--workers", "2", "--out", out, "--json"
    )
    assert code == 0, stderr
    rows = json.loads(stdout)["sensitivity"]
    assert len(rows) == 2 * 2  # outputs x parameters
    for row in rows:
        assert row["parameter"] in {"arrivals.rate_per_hour", "patience.mean_seconds"}
        for field in fields:
            assert np.isfinite(row[field])
    runs = pd.read_parquet(out / "runs.parquet")
    points = n * (2 + (2 if method == "sobol" else 1))
    assert len(runs) == len(set(runs["run_id"])) <= points  # coinciding points run once
    assert set(runs["seed"]) == {3}
    frame = pd.read_csv(out / "sensitivity.csv")
    assert len(frame) == 4 and json.loads((out / "sensitivity.json").read_text()) == rows
    # Arrival rate drives waiting far more than patience does, in both methods.
    by = {(r["output"], r["parameter"]): r for r in rows}
    key = "ST" if method == "sobol" else "mu_star"
    assert (
        by[("mean_wait", "arrivals.rate_per_hour")][key]
        > by[("mean_wait", "patience.mean_seconds")][key]
    )


DIFFERENCE = SENSITIVITY.format(method="sobol", n=8).replace(
    "replications = 1", "replications = 2"
).replace(
    'outputs = ["service_level", "mean_wait"]\n',
    'outputs = ["service_level", "mean_wait"]\ndifference = ["few", "many"]\n',
) + (
    """[variants.few]
"staffing.employees" = 4
[variants.many]
"staffing.employees" = 6
"""
)


def test_sensitivity_of_a_paired_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sim.experiments import load_experiment
    from sim.experiments.sensitivity_indices import analyze

    text = DIFFERENCE
    path = write(tmp_path, text)
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(
        capsys, "sensitivity", path, "--workers", "2", "--out", out, "--json"
    )
    assert code == 0, stderr
    rows = json.loads(stdout)["sensitivity"]
    assert {r["variant"] for r in rows} == {"few - many"} and len(rows) == 4
    # the analysed output is the mean over replications of the paired difference
    runs = pd.read_parquet(out / "runs.parquet")
    experiment = load_experiment(path, "sensitivity")
    by_run = runs.set_index("run_id")["mean_wait"]
    diff = np.zeros(len(experiment.points))
    for task in experiment.tasks:
        sign = 1.0 if task.variant == "few" else -1.0
        diff[task.point] += sign * by_run[task.run_id] / 2
    bounds = {"arrivals.rate_per_hour": (30.0, 90.0), "patience.mean_seconds": (60.0, 300.0)}
    expected = analyze("sobol", bounds, experiment.design, diff, seed=3)
    got = [r for r in rows if r["output"] == "mean_wait"]
    assert [r["ST"] for r in got] == pytest.approx([r["ST"] for r in expected])
    assert diff.mean() > 0  # fewer employees, longer waits


def test_a_difference_must_name_two_variants(tmp_path: Path, capsys) -> None:
    text = SENSITIVITY.format(method="sobol", n=8).replace(
        'outputs = ["service_level", "mean_wait"]\n',
        'outputs = ["service_level", "mean_wait"]\ndifference = ["a", "b"]\n',
    )
    code, _, stderr = ccsim(capsys, "sensitivity", write(tmp_path, text), "--workers", "1")
    assert code == 2 and "sensitivity.difference names ['a', 'b']" in stderr
