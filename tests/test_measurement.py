"""The measurement window: a warm-up is simulated but no KPI, table or money counts it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from tests.helpers import baseline, erlang_scenario

WARMUP, MEASURED = 5, 3  # a whole week of warm-up keeps weekdays aligned with a plain run


def pair(make, **overrides):
    """A run with a warm-up, and a plain run of warm-up + measured days on the same seed."""
    warm = sim.run(make(calendar__days=MEASURED, calendar__warmup_days=WARMUP, **overrides), 3)
    plain = sim.run(make(calendar__days=WARMUP + MEASURED, calendar__warmup_days=0, **overrides), 3)
    return warm, plain


WEEK = ["mon", "tue", "wed", "thu", "fri"]


def pure() -> tuple[sim.RunResult, sim.RunResult]:
    return pair(erlang_scenario, calendar__weekdays=WEEK)


@pytest.fixture(scope="module")
def behavioral() -> tuple[sim.RunResult, sim.RunResult]:
    # on the fixed schedule: with weekly sizing the warm-up is more than a window (its last act
    # settles the team to the first measured week's schedule; docs/MODEL.md §6.6)
    return pair(
        baseline,
        customers__population=5_000,
        arrivals__rate_per_hour=60.0,
        staffing__target_service_level="none",
    )


def tail(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the plain run's last MEASURED days, numbered as the warm-up run numbers them."""
    rows = frame[frame["day"] >= WARMUP].assign(day=lambda f: f["day"] - WARMUP)
    return rows.reset_index(drop=True)


@pytest.mark.parametrize("kind", ["pure", "behavioral"])
def test_tables_are_the_plain_runs_last_days(kind: str, behavioral) -> None:
    warm, plain = behavioral if kind == "behavioral" else pure()
    # the same simulation: the warm-up run's tables are the plain run's last days
    pd.testing.assert_frame_equal(warm.daily.reset_index(drop=True), tail(plain.daily))
    pd.testing.assert_frame_equal(
        warm.intervals.reset_index(drop=True), tail(plain.intervals), check_dtype=False
    )
    pd.testing.assert_frame_equal(warm.calls.reset_index(drop=True), tail(plain.calls))
    start = plain.intervals.loc[plain.intervals["day"] == WARMUP, "start_time"].min()
    later = plain.snapshots[plain.snapshots["time"] > start]
    pd.testing.assert_frame_equal(
        warm.snapshots.reset_index(drop=True),
        later.assign(day=later["day"] - WARMUP).reset_index(drop=True),
    )


@pytest.mark.parametrize("kind", ["pure", "behavioral"])
def test_kpis_count_only_the_measured_days(kind: str, behavioral) -> None:
    warm, plain = behavioral if kind == "behavioral" else pure()
    days = tail(plain.daily)
    k = warm.kpis
    assert k["offered"] == days["offered"].sum() < plain.kpis["offered"]
    assert k["abandoned"] == days["abandoned"].sum()
    calls = tail(plain.calls)
    answered = calls["outcome"] == "answered"
    within = answered & (calls["wait"] <= 20.0)
    assert k["service_level"] == pytest.approx(within.sum() / len(calls), rel=1e-12)
    assert k["staffed_hours"] == pytest.approx(days["staffed_hours"].sum(), rel=1e-9)
    if kind == "behavioral":
        for name in ("sales_revenue", "recurring_revenue", "sales", "attrition", "hires"):
            assert k[name] == pytest.approx(days[name].sum(), rel=1e-9, abs=1e-9), name
        assert k["coaching_hours"] == pytest.approx(days["coaching_hours"].sum(), rel=1e-9)
        churned = calls.drop_duplicates("customer")  # customers met in the window
        assert k["churned_customers"] == days["churned_customers"].sum()
        assert len(churned) > 0
        survey = calls["csat"].dropna()
        assert k["csat"] == pytest.approx(float(np.mean(survey >= 4)), rel=1e-12)
        assert k["profit"] == pytest.approx(k["revenue"] - k["cost"], rel=1e-12)
        assert k["cost"] < plain.kpis["cost"]


def test_warmup_days_are_validated() -> None:
    with pytest.raises(sim.ScenarioError, match=r"calendar\.warmup_days"):
        baseline(calendar__warmup_days=-1)


def test_the_inbound_sales_funnel_and_outbound_sales_make_up_the_ledgers_sales() -> None:
    # the funnel counts contacts by arrival day, the ledger sales when they happen: with a
    # warm-up and outbound calls, the two windows must still hold the same sales
    result = sim.run(
        baseline(
            calendar__days=2,
            calendar__warmup_days=2,
            customers__population=5_000,
            arrivals__rate_per_hour=60.0,
            policy__name="volume",
            staffing__target_service_level="none",
        ),
        3,
    )
    k = result.kpis
    assert k["outbound_sales"] > 0 and k["inbound_sales"] > 0
    assert k["inbound_sales"] + k["outbound_sales"] == k["sales"]
    assert k["opportunities"] >= k["offers"] >= k["inbound_sales"]
    assert k["inbound_sales"] / k["offers"] == pytest.approx(k["conversion_rate"], rel=1e-12)
    assert k["outbound_sales_revenue"] > 0
    assert k["inbound_sales_revenue"] + k["outbound_sales_revenue"] == pytest.approx(
        k["sales_revenue"], rel=1e-12
    )
    calls = result.calls
    assert k["opportunities"] == calls["opportunity"].sum()
    assert k["inbound_sales_revenue"] == pytest.approx(calls["sale_value"].sum(), rel=1e-12)


def test_without_outbound_sales_all_sales_revenue_is_inbound() -> None:
    result = sim.run(
        baseline(
            calendar__days=2,
            calendar__warmup_days=1,
            customers__population=5_000,
            staffing__target_service_level="none",
        ),
        4,
    )
    k = result.kpis
    assert k["outbound_sales"] == 0 and k["outbound_sales_revenue"] == 0.0
    assert k["inbound_sales"] == k["sales"] > 0
    assert k["inbound_sales_revenue"] == pytest.approx(k["sales_revenue"], rel=1e-12)


def test_a_warm_up_too_short_for_weekly_sizing_is_refused() -> None:
    """With weekly sizing, a warm-up of 1 to 9 days leaves one policy's team sized to the cold
    start (docs/MODEL.md §6.6): refused, naming the key; two weeks or none are allowed."""
    with pytest.raises(sim.ScenarioError, match=r"calendar\.warmup_days = 7.*two weeks"):
        baseline(calendar__warmup_days=7)
    assert baseline(calendar__warmup_days=0).calendar.warmup_days == 0
    assert baseline(calendar__warmup_days=10).calendar.warmup_days == 10
    fixed = baseline(calendar__warmup_days=7, staffing__target_service_level="none")
    assert fixed.staffing.target_service_level is None
