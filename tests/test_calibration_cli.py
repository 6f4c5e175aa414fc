"""`ccsim calibrate` end to end: bad input refused in one line with nothing written, `--inspect`
giving a mapping `--mapping` accepts, a queue-model calibration of a small simulated run that
writes a scenario `ccsim run` runs (every estimate commented) and its validation report, and an
interrupted calibration that leaves nothing behind."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

import sim
import sim.calibration.calibration
import sim.cli.calibrate as calibrate_cli
from sim.calibration.estimation import estimate_all
from sim.calibration.reading import read_export
from sim.cli import main
from tests.helpers import erlang_scenario, experiment_script
from tests.test_experiment_files import ccsim


def make_export_script():
    """experiments/calibration/make_export.py as a module."""
    return experiment_script("calibration/make_export.py")


def small_queue() -> sim.Scenario:
    """A small pure queue: ~60 calls an hour, 6 employees, 5 weekdays open 08:00-14:00,
    lognormal service and after-call work, exponential patience, no redials."""
    return erlang_scenario(
        arrivals__rate_per_hour=60,
        staffing__employees=6,
        calendar__days=5,
        calendar__warmup_days=1,
        calendar__open_from="08:00",
        calendar__open_until="14:00",
        calendar__weekdays=["mon", "tue", "wed", "thu", "fri"],
        service__distribution="lognormal",
        service__mean_seconds=240,
        service__cv=0.8,
        after_call_work__distribution="lognormal",
        after_call_work__mean_seconds=30,
        after_call_work__cv=0.5,
        redial__probability=0.0,
    )


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small queue's per-contact and interval exports (and variants without staffing)."""
    folder = tmp_path_factory.mktemp("exports")
    scenario = small_queue()
    result = sim.metrics.run(scenario, seed=2)
    make = make_export_script()
    contacts = make.acd_export(result.calls, scenario, "2026-03-02")
    intervals = make.interval_export(result.intervals, scenario, "2026-03-02")
    paths = {
        "contacts": folder / "contacts.csv",
        "intervals": folder / "intervals.csv",
        "no_agent": folder / "no_agent.csv",
        "no_staff": folder / "no_staff.csv",
        "no_wait": folder / "no_wait.csv",
    }
    contacts.to_csv(paths["contacts"], index=False)
    intervals.to_csv(paths["intervals"], index=False)
    contacts.drop(columns="agent").to_csv(paths["no_agent"], index=False)
    intervals.drop(columns="staff").to_csv(paths["no_staff"], index=False)
    contacts.drop(columns="wait_seconds").to_csv(paths["no_wait"], index=False)
    (folder / "intervals.toml").write_text('kind = "intervals"\n', encoding="utf-8")
    (folder / "bad_mapping.toml").write_text('kind = "contacts"\ncolums = {}\n', encoding="utf-8")
    return paths


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# bad input: exit 2, one line naming the option or field and the value, nothing written


def refused(capsys, tmp_path: Path, *args: str | Path, words: tuple[str, ...]) -> str:
    before = files_in(tmp_path)
    code, out, err = ccsim(capsys, "calibrate", *args)
    assert code == 2, (code, out, err)
    lines = [line for line in err.splitlines() if not line.startswith("calibrate: ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    for word in words:
        assert word in lines[0], lines[0]
    assert files_in(tmp_path) == before, "nothing may be written"
    return lines[0]


def test_calibrate_without_out_is_refused(capsys, tmp_path, exports):
    refused(capsys, tmp_path, exports["contacts"], "--model", "queue", words=("--out",))


def test_calibrate_out_not_toml_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.yaml"
    refused(capsys, tmp_path, exports["contacts"], "--out", out, words=("--out", "center.yaml"))


def test_calibrate_existing_out_without_force_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.toml"
    out.write_text("# mine\n", encoding="utf-8")
    refused(capsys, tmp_path, exports["contacts"], "--out", out, words=("--out", "--force"))
    assert out.read_text(encoding="utf-8") == "# mine\n"


def test_calibrate_out_a_folder_is_refused(capsys, tmp_path, exports):
    (tmp_path / "center.toml").mkdir()
    refused(
        capsys, tmp_path, exports["contacts"], "--out", tmp_path / "center.toml", words=("folder",)
    )


def test_calibrate_unknown_policy_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.toml"
    refused(
        capsys,
        tmp_path,
        exports["contacts"],
        "--out",
        out,
        "--policy",
        "cheapest",
        words=("--policy", "cheapest", "aht"),
    )


def test_calibrate_one_replication_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.toml"
    refused(
        capsys, tmp_path, exports["contacts"], "--out", out, "--replications", "1",
        words=("--replications", "1"),
    )  # fmt: skip


def test_calibrate_missing_export_is_refused(capsys, tmp_path):
    out = tmp_path / "center.toml"
    refused(
        capsys, tmp_path, tmp_path / "nowhere.csv", "--model", "queue", "--out", out,
        words=("nowhere.csv",),
    )  # fmt: skip


def test_calibrate_export_missing_a_column_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.toml"
    refused(
        capsys, tmp_path, exports["no_wait"], "--model", "queue", "--out", out,
        words=("wait_seconds",),
    )  # fmt: skip


def test_calibrate_bad_mapping_key_is_refused(capsys, tmp_path, exports):
    out = tmp_path / "center.toml"
    mapping = exports["contacts"].parent / "bad_mapping.toml"
    refused(
        capsys, tmp_path, exports["contacts"], "--mapping", mapping, "--model", "queue",
        "--out", out, words=("colums", "columns"),
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["no_agent", "no_staff"])
def test_calibrate_an_export_that_says_nothing_of_staffing_is_refused(
    capsys, tmp_path, exports, kind
):
    out = tmp_path / "center.toml"
    mapping = ("--mapping", exports["intervals"].parent / "intervals.toml")
    refused(
        capsys,
        tmp_path,
        exports[kind],
        *(mapping if kind == "no_staff" else ()),
        "--model",
        "queue",
        "--out",
        out,
        words=("says nothing of staffing", kind + ".csv"),
    )


# --inspect


def test_inspect_prints_the_columns_and_a_mapping_that_mapping_accepts(capsys, tmp_path, exports):
    frame = pd.read_csv(exports["contacts"], dtype=str, keep_default_na=False)
    renamed = frame.rename(
        columns={"arrived_at": "Start Time", "outcome": "Result", "agent": "Agent Name"}
    )
    export = tmp_path / "renamed.csv"
    renamed.to_csv(export, index=False)
    code, out, err = ccsim(capsys, "calibrate", export, "--inspect")
    assert code == 0, err
    for column in renamed.columns:
        assert repr(column) in out
    text = out.split("pass with --mapping):", 1)[1]
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    data = tomllib.loads(text)
    assert data["columns"]["arrived_at"] == "Start Time"
    assert data["columns"]["outcome"] == "Result"
    back = read_export(export, mapping)
    assert back.rows == len(frame)
    assert back.contacts["agent"].notna().any()
    assert files_in(tmp_path) == {"renamed.csv", "mapping.toml"}


# a queue-model calibration of a small pure-queue run


@pytest.fixture(scope="module")
def calibrated(exports, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("calibrated")
    out = folder / "center.toml"
    code = main(
        [
            "calibrate",
            str(exports["contacts"]),
            "--model",
            "queue",
            "--out",
            str(out),
            "--replications",
            "2",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    return out, folder / "center.calibration.html"


def test_a_queue_calibration_writes_the_scenario_and_its_report(calibrated):
    out, report = calibrated
    assert out.is_file() and report.is_file()
    assert report.stat().st_size > 10_000
    assert "<html" in report.read_text(encoding="utf-8")[:2000].lower()
    assert {p.name for p in out.parent.iterdir()} == {out.name, report.name}


def test_the_calibrated_scenario_loads_and_ccsim_runs_it(calibrated, capsys, tmp_path):
    out, _ = calibrated
    scenario = sim.load_scenario(out)
    assert scenario.behavior.enabled is False
    assert scenario.staffing.schedule is not None
    code, _, err = ccsim(capsys, "run", out, "--out", tmp_path / "run")
    assert code == 0, err
    assert (tmp_path / "run" / "calls.parquet").is_file()


def test_the_scenario_calendar_holds_the_exports_dates(calibrated, exports):
    out, _ = calibrated
    scenario = sim.load_scenario(out)
    dates = pd.to_datetime(pd.read_csv(exports["contacts"])["arrived_at"]).dt.normalize()
    assert scenario.calendar.days == dates.nunique() == 5
    assert scenario.calendar.start_weekday == "mon"
    assert list(scenario.calendar.weekdays) == ["mon", "tue", "wed", "thu", "fri"]
    assert (scenario.calendar.open_from, scenario.calendar.open_until) == ("08:00", "14:00")


def test_every_estimated_key_has_a_comment_above_its_line(calibrated, exports):
    out, _ = calibrated
    keys = {e.key for e in estimate_all(read_export(exports["contacts"])) if e.key}
    assert {"arrivals.rate_per_hour", "service.mean_seconds", "staffing.schedule"} <= keys
    lines = out.read_text(encoding="utf-8").splitlines()
    section = ""
    commented: dict[str, bool] = {}
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip("[]")
        elif "=" in line and not line.startswith(("#", " ")):
            name = line.split("=", 1)[0].strip()
            commented[f"{section}.{name}"] = i > 0 and lines[i - 1].startswith("#")
    missing = [key for key in keys if not commented.get(key)]
    assert not missing, missing
    text = out.read_text(encoding="utf-8")
    assert "95 % CI" in text and "rows" in text


# an interrupted calibration leaves nothing behind


def test_an_interrupted_validation_writes_nothing(capsys, tmp_path, exports, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.calibration.calibration, "validate", interrupted)
    out = tmp_path / "center.toml"
    code, _, err = ccsim(
        capsys, "calibrate", exports["contacts"], "--model", "queue", "--out", out,
        "--workers", "1",
    )  # fmt: skip
    assert code == 130, err
    assert files_in(tmp_path) == set(), "no scenario, no report, no temporary file"


def test_an_interruption_while_writing_the_report_writes_no_scenario(
    capsys, tmp_path, exports, monkeypatch
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibrate_cli, "write_calibration_report", interrupted)
    out = tmp_path / "center.toml"
    code, _, err = ccsim(
        capsys, "calibrate", exports["contacts"], "--model", "queue", "--out", out,
        "--workers", "1", "--replications", "2",
    )  # fmt: skip
    assert code == 130, err
    assert files_in(tmp_path) == set(), files_in(tmp_path)


def test_one_date_per_weekday_claims_no_zero_width_ci(exports, calibrated):
    """Five dates, one per weekday: resampling dates within weekday cannot vary anything, so the
    arrival rate and weekday factors have no CI (not a 95 % CI of width zero)."""
    estimates = estimate_all(read_export(exports["contacts"]))
    for e in estimates:
        if e.low is not None and e.high is not None:
            assert e.low < e.high, (e.key, e.value, e.low, e.high)
        assert "nan" not in e.comment(), e.comment()
    rate = next(e for e in estimates if e.key == "arrivals.rate_per_hour")
    assert rate.low is None and rate.high is None
    assert "CI [" not in rate.comment() and "no CI" in rate.comment()
    out, _ = calibrated
    text = out.read_text(encoding="utf-8")
    assert "nan" not in text.lower().replace("nanoseconds", "")


@pytest.mark.parametrize("which", ["export", "out", "other"])
def test_a_report_path_that_would_replace_a_file_is_refused(capsys, tmp_path, exports, which):
    export = tmp_path / "export.csv"
    export.write_bytes(exports["contacts"].read_bytes())
    out = tmp_path / "center.toml"
    report = {"export": export, "out": out, "other": tmp_path / "mine.html"}[which]
    if which == "other":
        report.write_text("<p>mine</p>", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    code, _, err = ccsim(
        capsys, "calibrate", export, "--model", "queue", "--out", out, "--report", report,
        "--replications", "2", "--workers", "1",
    )  # fmt: skip
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert code == 2 and "--report" in err, (code, err)
    assert after == before
