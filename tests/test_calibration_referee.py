"""A hostile referee's cases for `ccsim calibrate`: inputs a real center's export has (a fixed
wrap-up timer, one single date) and command lines a user types (`--out my_center.toml` in the
current folder, a report path that names the export or the scenario) that once gave a refused
scenario, NaN in the written file, or destroyed the user's data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibration.estimation import estimate_all
from sim.calibration.reading import read_export
from sim.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def export_frame(
    days: tuple[str, ...] = ("2026-03-02", "2026-03-03"),
    per_day: int = 200,
    acw: float | None = None,
    seed: int = 1,
) -> pd.DataFrame:
    """A small per-contact export from 08:00 to 12:00: 10 % abandoned, lognormal talk and
    after-call work (or a fixed `acw`, as an ACD's wrap-up timer gives), five agents."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in days:
        start = pd.Timestamp(f"{day} 08:00")
        for second in np.sort(rng.uniform(0, 4 * 3600, per_day)):
            abandoned = bool(rng.random() < 0.1)
            wrap = acw if acw is not None else round(20 * rng.lognormal(0, 0.4), 1)
            rows.append(
                {
                    "arrived_at": (start + pd.to_timedelta(float(second), unit="s")).isoformat(),
                    "outcome": "abandoned" if abandoned else "answered",
                    "wait_seconds": round(float(rng.exponential(30)), 1),
                    "talk_seconds": "" if abandoned else round(200 * rng.lognormal(0, 0.5), 1),
                    "acw_seconds": "" if abandoned else wrap,
                    "agent": "" if abandoned else f"a{rng.integers(5)}",
                }
            )
    return pd.DataFrame(rows)


def write(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def calibrate(*args: str) -> int:
    return main(["calibrate", *args, "--model", "queue", "--replications", "2", "--workers", "1"])


def test_a_fixed_wrap_up_time_gives_a_deterministic_after_call_work(tmp_path: Path) -> None:
    """An ACD's wrap-up timer gives every answered contact the same after-call work: its CV is
    0, which the scenario refuses (cv > 0); the estimate is a deterministic duration."""
    export = read_export(write(export_frame(acw=20.0), tmp_path / "e.csv"))
    found = {e.key: e.value for e in estimate_all(export) if e.key}
    assert found["after_call_work.distribution"] == "deterministic"
    assert found["after_call_work.mean_seconds"] == pytest.approx(20.0)
    out = tmp_path / "fixed.toml"
    assert calibrate(str(tmp_path / "e.csv"), "--out", str(out)) == 0
    assert 'distribution = "deterministic"' in out.read_text()


def test_one_single_date_writes_no_nan(tmp_path: Path) -> None:
    """One date leaves the weekday-profile test no degrees of freedom: the file says so, with no
    `nan` p-values and no chi-square of 1e-30 posing as an estimate."""
    export = write(export_frame(days=("2026-03-04",)), tmp_path / "e.csv")
    out = tmp_path / "one.toml"
    assert calibrate(str(export), "--out", str(out)) == 0
    text = out.read_text()
    assert "nan" not in text.lower().replace("nanosecond", "")
    report = out.with_suffix(".calibration.html").read_text()
    assert "p = nan" not in report


def test_out_in_the_current_folder_is_written(tmp_path: Path) -> None:
    """`ccsim calibrate export.csv --out my_center.toml`, the command the help suggests, was
    refused with "--out '.': name a folder for the results"."""
    export = write(export_frame(), tmp_path / "e.csv")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert calibrate(str(export), "--out", "my_center.toml") == 0
    finally:
        os.chdir(here)
    assert (tmp_path / "my_center.toml").is_file()
    assert (tmp_path / "my_center.calibration.html").is_file()


@pytest.mark.parametrize("which", ["export", "out"])
def test_a_report_path_naming_the_export_or_the_scenario_is_refused(
    tmp_path: Path, which: str, capsys: pytest.CaptureFixture
) -> None:
    """`--report` on the export overwrote the center's data with the HTML page; on `--out` it
    overwrote the scenario just written. Both are refused before any work, the files intact."""
    export = write(export_frame(), tmp_path / "data" / "e.csv")
    before = export.read_bytes()
    out = tmp_path / "res" / "c.toml"
    report = export if which == "export" else out
    assert calibrate(str(export), "--out", str(out), "--report", str(report)) == 2
    err = capsys.readouterr().err
    assert ("is an input" if which == "export" else "is --out") in err, err
    assert "\n" not in err.strip(), err
    assert export.read_bytes() == before
    assert not out.exists()


def test_a_patience_fit_beyond_the_scenarios_cv_limit_falls_back_to_the_exponential(
    tmp_path: Path,
) -> None:
    """Waits that do not depend on the outcome (abandonment at random) made the censored
    lognormal's sigma so large (cv 21.5) that the scenario refused it (cv at most 20): the whole
    calibration ended with "invalid scenario". The lognormal's mean is then an extrapolation far
    beyond any wait seen; the exponential is kept and the note says why."""
    from sim.scenario.queue import MAX_CV

    export = read_export(write(export_frame(), tmp_path / "e.csv"))
    found = {e.key: e for e in estimate_all(export) if e.key}
    if found["patience.distribution"].value == "lognormal":
        assert found["patience.cv"].value <= MAX_CV
    else:
        assert "cv" in found["patience.distribution"].note


def test_an_overdispersion_whose_bootstrap_failed_has_no_nan_ci() -> None:
    """Two dates per weekday: the bootstrap's c² came back NaN, and the scenario file and the
    report printed "95 % CI [nan; nan]"; the CI is left out and the note says why."""
    from sim.calibration.arrivals import _overdispersion

    nan = float("nan")
    estimate = _overdispersion(0.0002, (nan, nan), 5.0, 5, 10)
    assert "nan" not in estimate.comment()
    assert "CI" in estimate.note


def test_an_interval_export_with_the_default_names_needs_no_mapping(tmp_path: Path) -> None:
    """make_export.py --intervals writes the default interval columns, yet without a mapping
    calibrate refused it: "column arrived_at is missing" (only --inspect knew the kind)."""
    starts = pd.date_range("2026-03-02 08:00", "2026-03-02 09:45", freq="15min")
    frame = pd.DataFrame(
        {"interval_start": [t.isoformat() for t in starts], "offered": 10, "answered": 9}
    ).assign(abandoned=1, aht_seconds=300.0, staff=3)
    export = read_export(write(frame, tmp_path / "i.csv"))
    assert export.kind == "intervals" and export.interval_minutes == 15


class _FarOff:
    """An executor whose runs always miss the targets (offered and talk time half the data's):
    the behavioural fit cannot converge."""

    def __init__(self, targets) -> None:
        self.targets = targets

    def imap_unordered(self, fn, tasks):
        for task in tasks:
            yield {
                "seed": task.seed,
                "offered_per_day": self.targets.offered_per_day / 2,
                "talk_seconds": self.targets.talk_seconds / 2,
                "return_share": float("nan"),
                "return_delay": float("nan"),
                "by_interval": [x / 2 for x in self.targets.by_interval],
            }


def test_a_fit_that_did_not_converge_reports_the_values_the_scenario_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the last round the fit moved its scales once more without writing them to the
    scenario: the report's fitted rate and the need factor in the file's comment were values
    no run had simulated and the file did not hold."""
    from sim.calibration import behavior_fit
    from sim.calibration.draft import draft_scenario

    monkeypatch.setattr(behavior_fit, "MAX_ROUNDS", 2)
    export = read_export(write(export_frame(), tmp_path / "e.csv"))
    estimates = estimate_all(export)
    draft = draft_scenario(export, estimates, "behavior", "aht", "x")
    targets = behavior_fit.export_targets(export, draft, estimates)
    fit = behavior_fit.fit_behavior(draft, targets, executor=_FarOff(targets))
    assert not fit.converged
    reported = {e.key: e.value for e in fit.estimates(targets)}
    assert reported["arrivals.rate_per_hour"] == draft.value("arrivals.rate_per_hour")
    assert reported["arrivals.profile"] == draft.value("arrivals.profile")
    factor = reported["demand.reasons.*.need_mean_seconds"]
    first = next(s for s in draft.sections if s.startswith("demand.reasons."))
    need = draft.sections[first]["need_mean_seconds"]
    assert f"times {factor:.3f}" in " ".join(need.comments)


def test_the_reports_headline_says_when_the_behavioural_fit_did_not_converge() -> None:
    """A fit stopped after its last round short of the export's figures was said only in the
    method column of one table; the headline still read "reproduces the export"."""
    from types import SimpleNamespace

    from sim.calibration.records import Estimate
    from sim.report.calibration import headline

    validation = SimpleNamespace(summary=[])
    fitted = Estimate(
        "arrivals.rate_per_hour",
        100.0,
        method="fitted by simulation, 8 rounds of 2 runs (NOT converged)",
    )
    assert "reproduces" in headline(validation, [])
    text = headline(validation, [fitted])
    assert "not converge" in text.lower(), text


def _check(kpi: str, data: float, simulated: float, half: float, **cells: float):
    from sim.calibration.validation import KpiCheck

    d = simulated - data
    return KpiCheck(
        kpi=kpi,
        data=data,
        simulated=simulated,
        low=simulated - half,
        high=simulated + half,
        discrepancy=d,
        relative=d / data,
        discrepancy_low=d - half,
        discrepancy_high=d + half,
        flagged=abs(d) > half,
        rmse=cells.get("rmse", 1.0),
        rmse_chance=cells.get("rmse_chance", 1.0),
        cells=int(cells.get("cells", 160)),
        inside=cells.get("inside", 0.95),
        dropped=0,
    )


def test_a_per_interval_misfit_far_beyond_chance_is_in_the_headline() -> None:
    from types import SimpleNamespace

    from sim.report.calibration import headline

    offered = _check("offered", 18.9, 18.8, 0.9, rmse=14.3, rmse_chance=2.5, inside=0.40)
    text = headline(SimpleNamespace(summary=[offered]), [])
    assert "reproduces" not in text, text


def test_a_27_fold_asa_is_not_called_within_chance() -> None:
    from types import SimpleNamespace

    from sim.report.calibration import headline

    asa = _check("asa", 29.8, 802.0, 6263.0)
    text = headline(SimpleNamespace(summary=[asa]), [])
    assert "reproduces" not in text and "Too few replications" in text, text


def test_an_exponential_patience_ci_from_two_abandonments_stays_positive(tmp_path: Path) -> None:
    """A well-staffed center: two abandonments among a few callers who waited at all. The
    exponential mean's CI came from lifelines' normal approximation on the natural scale:
    "222.7, 95 % CI [-85.96; 531.4]", a negative mean patience. On the log scale it is
    positive and as wide as two events deserve."""
    from sim.calibration.patience import estimate_patience

    waits = [5.0 * (i + 1) for i in range(20)]
    frame = export_frame(per_day=40)
    frame["wait_seconds"] = 0.0
    frame["outcome"] = "answered"
    frame[["talk_seconds", "acw_seconds", "agent"]] = [180.0, 20.0, "a1"]
    frame.loc[: len(waits) - 1, "wait_seconds"] = waits
    frame.loc[[3, 11], "outcome"] = "abandoned"
    frame.loc[[3, 11], ["talk_seconds", "acw_seconds", "agent"]] = ""
    export = read_export(write(frame, tmp_path / "e.csv"))
    found = {e.key: e for e in estimate_patience(export.contacts)}
    mean = found["patience.mean_seconds"]
    assert found["patience.distribution"].value == "exponential"
    assert 0 < mean.low < mean.value < mean.high


def test_an_existing_report_is_replaced_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """--out refuses an existing file without --force, but --report overwrote any file it
    named (say notes.html) silently."""
    export = write(export_frame(), tmp_path / "e.csv")
    notes = tmp_path / "notes.html"
    notes.write_text("mine")
    out = tmp_path / "c.toml"
    assert calibrate(str(export), "--out", str(out), "--report", str(notes)) == 2
    assert "--force" in capsys.readouterr().err
    assert notes.read_text() == "mine" and not out.exists()


class _OnTarget(_FarOff):
    """An executor whose runs hit the targets exactly: the fit converges in one round."""

    def imap_unordered(self, fn, tasks):
        for task in tasks:
            yield {
                "seed": task.seed,
                "offered_per_day": self.targets.offered_per_day,
                "talk_seconds": self.targets.talk_seconds,
                "return_share": float("nan"),
                "return_delay": float("nan"),
                "by_interval": list(self.targets.by_interval),
            }


def test_the_behavioural_fits_values_carry_a_ci(tmp_path: Path) -> None:
    from sim.calibration import behavior_fit
    from sim.calibration.draft import draft_scenario

    export = read_export(write(export_frame(), tmp_path / "e.csv"))
    estimates = estimate_all(export)
    draft = draft_scenario(export, estimates, "behavior", "aht", "x")
    targets = behavior_fit.export_targets(export, draft, estimates)
    fit = behavior_fit.fit_behavior(draft, targets, executor=_OnTarget(targets))
    assert fit.converged
    rate = next(e for e in fit.estimates(targets) if e.key == "arrivals.rate_per_hour")
    assert rate.low is not None and rate.low < rate.value < rate.high
