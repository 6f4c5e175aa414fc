"""Validation by simulation (`sim.calibration.validation`): a pure queue's own run, taken as
the "data", is reproduced by the same scenario within the replications' uncertainty, and a
scenario with twice the service time is flagged."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration.records import OBSERVED_COLUMNS, WEEKDAYS, Export
from sim.calibration.validation import KPIS, data_sums, kpi_values, run_sums, validate
from sim.errors import UsageError
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
