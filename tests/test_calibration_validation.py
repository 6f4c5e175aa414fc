"""Validation by simulation (`sim.calibration.validation`): a pure queue's own run, taken as
the "data", is reproduced by the same scenario within the replications' uncertainty, and a
scenario with twice the service time is flagged."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration.patience import fitted_survival
from sim.calibration.records import OBSERVED_COLUMNS, WEEKDAYS, Estimate, Export
from sim.calibration.validation import KPIS, data_sums, kpi_values, run_sums, validate
from sim.errors import UsageError
from sim.report.calibration import write_calibration_report
from tests.helpers import erlang_scenario

MONDAY = dt.date(2026, 1, 5)


def queue(**overrides) -> sim.Scenario:
    """The small pure queue: 60 calls an hour, 6 employees, 3 weekdays of 08:00-12:00."""
    settings = {
        "arrivals.rate_per_hour": 60.0,
        "staffing.employees": 6,
        "calendar.days": 3,
        "calendar.open_from": "08:00",
        "calendar.open_until": "12:00",
        "calendar.weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "service.distribution": "lognormal",
        "service.mean_seconds": 240.0,
        "service.cv": 0.8,
        "behavior.enabled": False,
    }
    settings |= overrides
    return erlang_scenario(**{k.replace(".", "__"): v for k, v in settings.items()})


def observed_from_run(result) -> pd.DataFrame:
    """A run's `intervals` table as an export's observed intervals (OBSERVED_COLUMNS): day d
    on the first date after day d - 1 that falls on its weekday."""
    table, dates, date = result.intervals, {}, MONDAY - dt.timedelta(days=1)
    for day, weekday in table.groupby("day")["weekday"].first().items():
        date += dt.timedelta(days=1)
        while WEEKDAYS[date.weekday()] != weekday:
            date += dt.timedelta(days=1)
        dates[day] = pd.Timestamp(date)
    seconds = result.scenario.calendar.interval_minutes * 60.0
    observed = pd.DataFrame(
        {
            "date": table["day"].map(dates),
            "weekday": table["weekday"],
            "interval": table["interval"],
            "start": table["start"],
            "exposure": seconds,
            "offered": table["offered"],
            "answered": table["handled"],
            "abandoned": table["abandoned"],
            "answered_in_target": (table["service_level"].fillna(0) * table["offered"]).round(),
            "asa": table["asa"],
            "aht": table["aht"],
            "staff": table["staffed"],
        }
    )
    return observed[list(OBSERVED_COLUMNS)]


def export_of(result) -> Export:
    """An interval export made from a run."""
    calendar = result.scenario.calendar
    return Export(
        source="simulated.csv",
        kind="intervals",
        observed=observed_from_run(result),
        contacts=None,
        interval_minutes=calendar.interval_minutes,
        open_from=calendar.open_from,
        open_until=calendar.open_until,
        weekdays=list(calendar.weekdays),
        timezone=None,
        service_level_seconds=result.scenario.kpi.service_level_seconds,
    )


@pytest.fixture(scope="module")
def data() -> Export:
    return export_of(sim.run(queue(), seed=1000))


@pytest.fixture(scope="module")
def right(data: Export):
    return validate(queue(), data, replications=5, seed=1, workers=1)


def test_the_data_and_a_run_give_the_same_kpis_from_the_same_intervals():
    result = sim.run(queue(), seed=7)
    mine = kpi_values(data_sums(observed_from_run(result), 900.0), [])
    theirs = kpi_values(run_sums(result.intervals), [])
    for kpi in KPIS:
        assert mine[kpi].iloc[0] == pytest.approx(theirs[kpi].iloc[0])
    # the simulator's own definitions: service level within target over offered
    assert theirs["service_level"].iloc[0] == pytest.approx(result.kpis["service_level"])
    assert theirs["abandonment_rate"].iloc[0] == pytest.approx(result.kpis["abandonment_rate"])
    assert theirs["asa"].iloc[0] == pytest.approx(result.kpis["asa"])
    assert theirs["offered"].iloc[0] == pytest.approx(
        result.kpis["offered"] / len(result.intervals)
    )


def test_the_scenario_that_made_the_data_reproduces_it(right):
    for kpi in ["offered", "service_level", "abandonment_rate", "asa", "aht"]:
        check = right.check(kpi)
        assert check.discrepancy_low <= 0 <= check.discrepancy_high, check
        assert not check.flagged
        assert check.low <= check.simulated <= check.high
    assert right.check("service_level").inside >= 0.8
    assert right.check("service_level").rmse < 1.5 * right.check("service_level").rmse_chance
    assert right.replications == 5 and right.seeds == [1, 2, 3, 4, 5]


def test_the_tables_hold_no_nan_and_every_cell(right):
    for table in (right.intervals, right.weekdays, right.summary_frame().drop(columns="relative")):
        assert not table.isna().any().any()
    offered = right.intervals[right.intervals["kpi"] == "offered"]
    assert len(offered) == 3 * 16  # 3 weekdays x 16 quarters of 08:00-12:00
    assert list(right.weekdays["weekday"].unique()) == ["mon", "tue", "wed"]
    assert (right.intervals["band_low"] <= right.intervals["low"]).all()


def test_twice_the_service_time_is_flagged(data: Export):
    wrong = validate(queue(**{"service.mean_seconds": 480.0}), data, replications=5, workers=1)
    sl = wrong.check("service_level")
    assert sl.flagged and sl.discrepancy_high < 0
    assert sl.relative is not None and sl.relative < -0.2
    assert wrong.check("aht").flagged and wrong.check("aht").discrepancy_low > 0
    assert sl.rmse > 1.5 * sl.rmse_chance  # per interval too, beyond what chance gives


def test_intervals_without_answers_or_exposure_leave_their_kpis(data: Export):
    observed = data.observed.copy()
    observed.loc[0, ["answered", "answered_in_target", "abandoned"]] = [0, 0, 3]
    observed.loc[0, ["asa", "aht"]] = math.nan
    observed.loc[1, "exposure"] = 0.0
    observed.loc[2, "exposure"] = 450.0  # half an interval: offered counts double
    sums = data_sums(observed, 900.0)
    assert len(sums) == len(observed) - 1
    assert sums["exposure"].iloc[1] == 0.5
    assert sums["wait_n"].iloc[0] == 0 and sums["handle_n"].iloc[0] == 0
    cell = kpi_values(sums.iloc[[0]], ["weekday", "interval"])
    assert np.isnan(cell["asa"].iloc[0]) and cell["abandonment_rate"].iloc[0] > 0


def test_one_replication_is_refused(data: Export):
    with pytest.raises(UsageError, match="replications 1: a whole number of at least 2"):
        validate(queue(), data, replications=1)


def test_in_parallel_the_same_as_in_turn(data: Export, right):
    parallel = validate(queue(), data, replications=5, seed=1, workers=2)
    pd.testing.assert_frame_equal(parallel.intervals, right.intervals)


def test_an_executor_given_runs_them_and_stays_open(data: Export, right):
    from sim.experiments.executors import SerialExecutor

    executor, told = SerialExecutor(), []
    given = validate(queue(), data, 5, 1, progress=told.append, executor=executor)
    pd.testing.assert_frame_equal(given.weekdays, right.weekdays)
    assert told[-1] == "validation run 5 of 5 done" and len(told) == 5
    assert list(executor.imap_unordered(len, ["ab"])) == [2]  # still usable


# calibration.html


def contacts_from_run(result) -> pd.DataFrame:
    """A run's calls as an export's contacts (the columns the report reads)."""
    calls = result.calls
    answered = calls["outcome"].astype(str) == "answered"
    return pd.DataFrame(
        {
            "row": np.arange(1, len(calls) + 1),
            "answered": answered.to_numpy(),
            "wait": calls["wait"].to_numpy(),
            "talk": calls["talk_time"].where(answered).to_numpy(),
            "acw": calls["after_call_work"].where(answered).to_numpy(),
        }
    )


ESTIMATES = [
    Estimate("arrivals.rate_per_hour", 61.2, 57.0, 65.5, "Poisson rate (Brown et al. 2005)", 740),
    Estimate("service.distribution", "lognormal", method="Brown et al. 2005", rows=700),
    Estimate("service.mean_seconds", 236.0, 221.0, 251.0, "lognormal MLE", 700),
    Estimate("service.cv", 0.81, 0.75, 0.88, "lognormal MLE", 700, "KS D = 0.03"),
    Estimate("after_call_work.mean_seconds", 31.0, 29.0, 33.0, "lognormal MLE", 700),
    Estimate("after_call_work.cv", 0.52, 0.48, 0.57, "lognormal MLE", 700),
    Estimate("patience.distribution", "exponential", method="AIC of two fits", rows=740),
    Estimate("patience.mean_seconds", 175.0, 120.0, 260.0, "censored MLE (lifelines)", 740),
    Estimate("", 0.004, method="abandonment-to-wait ratio (Brown et al. 2005)", rows=48),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    """calibration.html of a per-contact export made by a run with after-call work."""
    acw = {"after_call_work.distribution": "lognormal", "after_call_work.mean_seconds": 30.0}
    result = sim.run(queue(**acw), seed=1000)
    export = export_of(result)
    export.kind, export.contacts = "contacts", contacts_from_run(result)
    export.notes = ["2 rows left out: duplicated (rows 17 and 18)"]
    validation = validate(queue(**acw), export, replications=3, seed=1, workers=1)
    path = tmp_path_factory.mktemp("calibration") / "calibration.html"
    return write_calibration_report(path, export, ESTIMATES, queue(**acw), validation)


def test_the_report_holds_the_tables_and_asks_no_server(report):
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?://", html)
    assert 'id="facts-table"' in html and "simulated.csv" in html
    assert 'id="estimates-table"' in html and "service.mean_seconds" in html
    assert "[221; 251]" in html and "KS D = 0.03" in html and "(reported only)" in html
    assert 'id="validation-table"' in html and "Service level" in html
    assert "rows 17 and 18" in html
    for name in ["offered", "service_level", "abandonment_rate", "asa", "aht"]:
        assert f'id="figure-validation-{name}"' in html
    for name in ["talk", "acw", "patience"]:
        assert f'id="figure-fit-{name}"' in html


def test_an_interval_export_has_no_distributions_to_draw(data, right, tmp_path):
    path = write_calibration_report(tmp_path / "c.html", data, ESTIMATES[:1], queue(), right)
    html = path.read_text(encoding="utf-8")
    assert "no distribution to draw" in html and 'id="figure-fit-' not in html
    assert 'id="figure-validation-aht"' in html


def test_the_fitted_lognormal_patience_has_its_median_at_exp_mu():
    estimates = [
        Estimate("patience.distribution", "lognormal"),
        Estimate("patience.mean_seconds", 100.0),
        Estimate("patience.cv", 1.0),
    ]
    median = math.exp(math.log(100.0) - math.log(2.0) / 2)  # mu = ln(mean) - sigma^2 / 2
    survival = fitted_survival(estimates, np.array([0.0, median]))
    assert survival == pytest.approx([1.0, 0.5])
    assert fitted_survival(estimates[1:2], np.array([1.0])) is None  # no distribution given


def test_the_report_renders_offline_in_a_browser(report):
    from playwright.sync_api import sync_playwright

    from tests.test_report_browser import ARGS, CHROMIUM, SHOTS, Watched, rendered

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        watched = Watched(browser)
        page = watched.open(report)
        page.wait_for_timeout(300)
        assert rendered(page) == [True] * 8
        assert page.locator("#validation-table tr").count() == 6
        menu = page.locator("#figure-validation-service_level .updatemenu-header-group")
        menu.click()
        page.wait_for_timeout(600)  # the menu unfolds
        page.locator("#figure-validation-service_level .updatemenu-dropdown-button").nth(1).click()
        page.wait_for_timeout(600)
        assert menu.text_content().startswith("Tue")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "calibration.png"), full_page=True)
        assert watched.errors == [] and watched.requests == []
        browser.close()
