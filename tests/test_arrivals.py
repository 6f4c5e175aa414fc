"""Time-varying Poisson arrivals, the business calendar and common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.engine.arrivals import arrival_times
from sim.engine.opening_hours import DAY, OpeningHours
from sim.engine.random_streams import RandomStreams
from tests.helpers import SCENARIOS, erlang_scenario

PROFILE = [0.2, 0.5, 1.0, 1.6, 2.0, 1.4, 1.0, 0.3]  # one factor per hour of 08:00-16:00


def profiled(days: int = 30):
    return erlang_scenario(
        calendar__days=days,
        calendar__open_from="08:00",
        calendar__open_until="16:00",
        calendar__interval_minutes=60,
        arrivals__rate_per_hour=100.0,
        arrivals__profile=PROFILE,
    )


def test_counts_per_interval_follow_the_profile():
    scenario = profiled()
    hours = OpeningHours(scenario.calendar)
    rng = np.random.default_rng(2024)
    counts = np.array(
        [
            np.bincount(((t % DAY - hours.open) // 3600).astype(int), minlength=8)
            for t in (arrival_times(scenario.arrivals, hours, d, rng) for d in range(30))
        ]
    )
    expected = 100.0 * np.asarray(PROFILE)
    # each interval: the 30-day total is Poisson(30 * expected): a two-sided 99.9% band
    totals = counts.sum(axis=0)
    z = (totals - 30 * expected) / np.sqrt(30 * expected)
    assert np.all(np.abs(z) < stats.norm.ppf(0.9995)), z
    # dispersion: per-interval day-to-day variance equals the mean (Poisson), chi-square test
    chi2 = (((counts - expected) ** 2) / expected).sum()
    dof = counts.size
    assert stats.chi2.sf(chi2, dof) > 0.001
    assert stats.chi2.cdf(chi2, dof) > 0.001


def test_arrival_times_are_uniform_within_an_interval():
    scenario = profiled(days=1)
    hours = OpeningHours(scenario.calendar)
    times = arrival_times(scenario.arrivals, hours, 0, np.random.default_rng(1))
    times = np.concatenate(
        [arrival_times(scenario.arrivals, hours, d, np.random.default_rng(d)) for d in range(200)]
    )
    offsets = (times % DAY - hours.open) % 3600 / 3600
    assert stats.kstest(offsets, "uniform").pvalue > 0.001
    assert np.all(
        np.diff(arrival_times(scenario.arrivals, hours, 0, np.random.default_rng(5))) >= 0
    )


def test_simulated_interval_table_matches_profile():
    result = sim.run(profiled(days=20), seed=4)
    offered = result.intervals.groupby("interval")["offered"].sum().to_numpy()
    expected = 20 * 100.0 * np.asarray(PROFILE)
    assert np.all(np.abs(offered - expected) < 4 * np.sqrt(expected))


def test_zero_rate_gives_no_calls():
    result = sim.run(erlang_scenario(calendar__days=2, arrivals__rate_per_hour=0.0), seed=1)
    assert result.kpis["offered"] == 0
    assert len(result.calls) == 0
    assert math.isnan(result.kpis["asa"])


def test_add_open_time_skips_closed_hours():
    scenario = erlang_scenario(
        calendar__days=3, calendar__open_from="08:00", calendar__open_until="17:00"
    )
    hours = OpeningHours(scenario.calendar)
    nine = 9 * 3600.0
    assert hours.add_open_time(nine, 3600) == 10 * 3600
    # 16:30 + 2 h of opening time = 09:30 next day
    assert hours.add_open_time(16.5 * 3600, 7200) == DAY + 9.5 * 3600
    # delays issued at night start counting at the next opening
    assert hours.add_open_time(20 * 3600.0, 600) == DAY + 8 * 3600 + 600
    assert hours.add_open_time(3 * 3600.0, 600) == 8 * 3600 + 600
    # two full opening days later, past the last simulated day: never
    assert hours.add_open_time(nine, 3 * 9 * 3600) == math.inf


def test_same_seed_same_calls_different_seed_different_calls():
    scenario = sim.load_scenario(SCENARIOS / "erlang.toml", {"calendar.days": 2})
    a, b = sim.run(scenario, seed=7), sim.run(scenario, seed=7)
    pd.testing.assert_frame_equal(a.calls, b.calls)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    assert a.kpis == b.kpis
    c = sim.run(scenario, seed=8)
    assert len(c.calls) != len(a.calls) or not np.allclose(
        c.calls["arrival_time"], a.calls["arrival_time"]
    )


def test_common_random_numbers_across_staffing_levels():
    """Changing staffing must not shift the arrival, talk-time or patience streams."""
    base = sim.load_scenario(SCENARIOS / "erlang.toml", {"calendar.days": 1})
    few = sim.run(base.with_overrides({"staffing.employees": 38}), seed=3).calls
    many = sim.run(base.with_overrides({"staffing.employees": 50}), seed=3).calls
    assert (few["outcome"] == "abandoned").sum() > (many["outcome"] == "abandoned").sum()
    np.testing.assert_array_equal(few["arrival_time"], many["arrival_time"])
    np.testing.assert_array_equal(few["patience"], many["patience"])
    both = (few["outcome"] == "answered") & (many["outcome"] == "answered")
    np.testing.assert_array_equal(few.loc[both, "talk_time"], many.loc[both, "talk_time"])


def test_streams_are_keyed_by_name():
    a, b = RandomStreams(5), RandomStreams(5)
    b["something_new"].random(1000)  # using another stream first changes nothing
    assert a["service"].random() == b["service"].random()
    assert RandomStreams(5)["service"].random() != RandomStreams(5)["patience"].random()


@pytest.mark.parametrize("cv", [0.5, 1.0, 2.0])
def test_lognormal_talk_time_has_the_configured_mean_and_cv(cv):
    scenario = erlang_scenario(
        calendar__days=3, service__distribution="lognormal", service__cv=cv, staffing__employees=60
    )
    talk = sim.run(scenario, seed=1).calls["talk_time"].to_numpy()
    logs = np.log(talk[talk > 0])
    n = len(logs)
    sigma = math.sqrt(math.log1p(cv * cv))
    mu = math.log(240.0) - sigma**2 / 2
    # log talk time is normal(mu, sigma): 4-sigma bands from the sampling errors of mean and sd
    assert logs.mean() == pytest.approx(mu, abs=4 * sigma / math.sqrt(n))
    assert logs.std(ddof=1) == pytest.approx(sigma, abs=4 * sigma / math.sqrt(2 * n))
