"""Running experiments: paired statistics, files on disk, JSON output, failures and resuming."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.experiments import load_experiment, run_experiment
from tests.helpers import decomposition
from tests.test_experiment_files import ERLANG, TINY, ccsim, write

OUT_FILES = {"runs.parquet", "daily.parquet", "summary.json", "summary.csv", "manifest.json"}
KPIS = ["service_level", "asa", "abandonment_rate"]


def strict_json(text: str) -> dict:
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """A results table without the columns that measure time."""
    return frame.drop(columns=[c for c in ("wall_seconds",) if c in frame]).reset_index(drop=True)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    """`ccsim compare --json` of the tiny experiment with 4 replications on 2 workers."""
    from sim.cli import main

    tmp = tmp_path_factory.mktemp("compare")
    path = write(tmp, TINY)
    out = tmp / "out"
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        args = ["compare", str(path), "--replications", "4", "--workers", "2", "--json"]
        code = main([*args, "--out", str(out)])
    assert code == 0, stderr.getvalue()
    return out, strict_json(stdout.getvalue()), stderr.getvalue()


def test_json_shape_and_summary_file(compared: tuple[Path, dict, str]) -> None:
    out, payload, _ = compared
    assert set(payload) == {"summary", "differences"}
    assert len(payload["summary"]) == 2 * len(KPIS)
    for record in payload["summary"]:
        assert set(record) == {"variant", "kpi", "mean", "std", "ci_low", "ci_high", "n"}
        assert record["n"] == 4
    assert [(d["variant_a"], d["variant_b"]) for d in payload["differences"]] == [
        ("lean", "rich")
    ] * len(KPIS)
    for record in payload["differences"]:
        assert set(record) == {
            "variant_a",
            "variant_b",
            "kpi",
            "mean_diff",
            "ci_low",
            "ci_high",
            "n",
        }
    assert strict_json((out / "summary.json").read_text()) == payload
    assert set(pd.read_csv(out / "summary.csv").columns) >= {"variant", "kpi", "mean", "ci_low"}


def test_files_and_columns(compared: tuple[Path, dict, str]) -> None:
    out, _, _ = compared
    assert {p.name for p in out.iterdir()} >= OUT_FILES | {"report.html", "day_profile.parquet"}
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 8
    for column in ["variant", "replication", "seed", "status", "error", "wall_seconds", *KPIS]:
        assert column in runs
    assert set(runs["status"]) == {"ok"}
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(daily) == 8  # one day per run
    assert {"variant", "replication", "seed", "day", "offered"} <= set(daily.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("experiment_text", "base_scenario", "variants", "version", "git_commit"):
        assert key in manifest
    assert manifest["started_at"] and manifest["finished_at"] and manifest["status"] == "complete"
    assert manifest["variants"]["lean"]["scenario"]["staffing"]["employees"] == 9


def test_report_page_loads_nothing_from_the_network(compared: tuple[Path, dict, str]) -> None:
    page = (compared[0] / "report.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and not [s for s in scripts if "src=" in s]  # plotly.js is inline
    assert "Plotly.newPlot" in page and len(page) > 1_000_000


def test_report_and_talk_draw_a_decomposition_that_adds_up_and_refuse_one_that_does_not(
    compared: tuple[Path, dict, str], tmp_path: Path
) -> None:
    import contextlib
    import io
    import shutil

    from sim.cli import main
    from sim.report.language import Language
    from sim.report.report import comparison_charts
    from sim.report.results import load_results
    from sim.report.talk import slides

    folder = tmp_path / "results"
    shutil.copytree(compared[0], folder)
    table = decomposition().assign(a="rich", b="lean")  # the talk splits rich − lean: today's
    table.to_csv(folder / "decomposition.csv", index=False)  # policy (lean) is its comparator
    results = load_results(folder)
    names = [c.name for c in comparison_charts(results, Language("en"))]
    assert {"decomposition-mechanisms", "decomposition-sales"} <= set(names)
    deck = [s.chart.name for s in slides(results, Language("nl")) if s.chart is not None]
    assert {"decomposition-mechanisms", "decomposition-sales"} <= set(deck)
    table.loc[table["part"] == "churn", "mean"] += 5.0  # the parts now miss the total
    table.to_csv(folder / "decomposition.csv", index=False)
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        code = main(["report", str(folder)])
    assert code == 2
    message = stderr.getvalue().strip()
    assert "\n" not in message and "decomposition.csv does not add up" in message
    assert "mechanisms: the parts add up to 105.00, the total is 100.00" in message


def test_common_random_numbers_pair_the_runs(compared: tuple[Path, dict, str]) -> None:
    runs = pd.read_parquet(compared[0] / "runs.parquet")
    lean = runs[runs["variant"] == "lean"].set_index("replication")
    rich = runs[runs["variant"] == "rich"].set_index("replication")
    assert (lean["seed"] == rich["seed"]).all() and list(lean["seed"]) == [5, 6, 7, 8]
    # Staffing differs, arrivals do not: the same seed gives the same calls offered.
    assert (lean["offered"] == rich["offered"]).all()
    assert lean["offered"].nunique() > 1


def test_summary_and_differences_match_numpy(compared: tuple[Path, dict, str]) -> None:
    out, payload, _ = compared
    runs = pd.read_parquet(out / "runs.parquet")
    t = stats.t.ppf(0.975, 3)
    for record in payload["summary"]:
        values = runs.loc[runs["variant"] == record["variant"], record["kpi"]].to_numpy()
        half = t * values.std(ddof=1) / math.sqrt(4)
        assert record["mean"] == pytest.approx(values.mean())
        assert record["std"] == pytest.approx(values.std(ddof=1))
        assert record["ci_low"] == pytest.approx(values.mean() - half)
        assert record["ci_high"] == pytest.approx(values.mean() + half)
    for record in payload["differences"]:
        a = runs[runs["variant"] == "lean"].sort_values("replication")[record["kpi"]].to_numpy()
        b = runs[runs["variant"] == "rich"].sort_values("replication")[record["kpi"]].to_numpy()
        diff = a - b
        half = t * diff.std(ddof=1) / math.sqrt(4)
        assert record["mean_diff"] == pytest.approx(diff.mean())
        assert record["ci_low"] == pytest.approx(diff.mean() - half)
        assert record["ci_high"] == pytest.approx(diff.mean() + half)


def test_progress_goes_to_stderr_as_plain_lines(compared: tuple[Path, dict, str]) -> None:
    stderr = compared[2]
    assert "8/8 runs, 0 failed" in stderr


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, _ = ccsim(
        capsys, "compare", write(tmp_path, TINY), "--workers", "1", "--out", out
    )
    assert code == 0
    assert "lean (n=2)" in stdout and "paired differences" in stdout
    assert f"results written to {out}" in stdout


def test_python_api_returns_dataframes(tmp_path: Path) -> None:
    result = sim.compare(write(tmp_path, TINY), replications=2, workers=1)
    assert isinstance(result.summary, pd.DataFrame) and isinstance(result.runs, pd.DataFrame)
    assert isinstance(result.differences, pd.DataFrame)
    assert len(result.runs) == 4 and result.out is None
    data = {
        "scenario": str(ERLANG),
        "replications": 1,
        "base": {"calendar.days": 1, "arrivals.rate_per_hour": 60.0, "staffing.employees": 5},
        "grid": {"staffing.employees": [4, 6]},
    }
    swept = sim.sweep(data, workers=1, out=tmp_path / "sweep")
    assert list(swept.runs["staffing.employees"]) == [4, 6]
    assert (tmp_path / "sweep" / "runs.parquet").is_file()


def test_resume_after_interruption_equals_uninterrupted(tmp_path: Path) -> None:
    path = write(tmp_path, TINY)
    whole = run_experiment(load_experiment(path, "compare", replications=3), tmp_path / "a", 1)
    experiment = load_experiment(path, "compare", replications=3)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(experiment, tmp_path / "b", 1, stop_after=2)
    partial = pd.read_parquet(tmp_path / "b" / "runs.parquet")
    assert len(partial) == 2
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    resumed = run_experiment(load_experiment(path, "compare", replications=3), tmp_path / "b", 2)
    for name in ("runs.parquet", "daily.parquet"):
        a = pd.read_parquet(tmp_path / "a" / name)
        b = pd.read_parquet(tmp_path / "b" / name)
        pd.testing.assert_frame_equal(comparable(a), comparable(b))
    assert resumed.runs["run_id"].is_unique and len(resumed.runs) == 6
    # The two runs done before the interruption were not repeated.
    wall = dict(zip(partial["run_id"], partial["wall_seconds"], strict=True))
    again = resumed.runs.set_index("run_id").loc[list(wall), "wall_seconds"]
    assert list(again) == list(wall.values())
    assert whole.to_json() == resumed.to_json()


def test_interrupt_just_after_a_journal_write_keeps_the_tables_in_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between a run's journal write and its bookkeeping: runs.parquet still has it."""
    from sim.experiments.store import ResultStore

    original = ResultStore.record
    calls = []

    def record_then_interrupt(self: ResultStore, result: dict) -> dict:
        original(self, result)
        calls.append(result["run_id"])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, result)

    monkeypatch.setattr(ResultStore, "record", record_then_interrupt)
    experiment = load_experiment(write(tmp_path, TINY), "compare", replications=3)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(experiment, tmp_path / "out", 1)
    journal = sorted(p.stem for p in (tmp_path / "out" / "runs").glob("*.json"))
    tables = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert len(journal) == 2 and sorted(tables["run_id"]) == journal


def test_more_replications_reuse_the_runs_already_done(tmp_path: Path) -> None:
    path = write(tmp_path, TINY)
    first = run_experiment(load_experiment(path, "compare", replications=2), tmp_path / "o", 1)
    second = run_experiment(load_experiment(path, "compare", replications=3), tmp_path / "o", 1)
    kept = second.runs.set_index("run_id").loc[first.runs["run_id"], "wall_seconds"]
    assert list(kept) == list(first.runs["wall_seconds"])
    assert len(second.runs) == 6


def test_a_failing_run_is_recorded_and_the_rest_continue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.experiments import executors

    real = executors.run

    def flaky(scenario: sim.Scenario, seed: int | None = None) -> sim.RunResult:
        if seed == 6 and scenario.staffing.employees == 11:
            raise RuntimeError("boom at seed 6")
        return real(scenario, seed)

    monkeypatch.setattr(executors, "run", flaky)
    out = tmp_path / "out"
    path = write(tmp_path, TINY)
    code, stdout, stderr = ccsim(capsys, "compare", path, "--workers", "1", "--out", out, "--json")
    assert code == 1
    assert "1 of 4 runs failed" in stderr and "boom at seed 6" in stderr
    assert "rich replication 1" in stderr
    payload = strict_json(stdout)
    rich = [r for r in payload["summary"] if r["variant"] == "rich"]
    assert all(r["n"] == 1 for r in rich)
    runs = pd.read_parquet(out / "runs.parquet")
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 1 and "RuntimeError: boom at seed 6" in failed["error"].iloc[0]
    assert np.isnan(failed["service_level"].iloc[0])
    assert json.loads((out / "manifest.json").read_text())["runs_failed"] == 1
    # Resuming retries only the failed run.
    monkeypatch.setattr(executors, "run", real)
    code, _, stderr = ccsim(capsys, "compare", path, "--workers", "1", "--out", out, "--json")
    assert code == 0, stderr
    assert "3 already done" in stderr
    assert set(pd.read_parquet(out / "runs.parquet")["status"]) == {"ok"}


def test_other_experiment_in_out_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    path = write(tmp_path, TINY)
    assert ccsim(capsys, "compare", path, "--workers", "1", "--out", out)[0] == 0
    other = write(tmp_path, TINY.replace('name = "tiny"', 'name = "other"'), "other.toml")
    code, _, stderr = ccsim(capsys, "compare", other, "--workers", "1", "--out", out)
    assert code == 2 and "choose another --out" in stderr
