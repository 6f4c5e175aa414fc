"""The calibration's estimators recover known parameters from data drawn with numpy in the
records' shapes (Export.contacts, Export.observed), within their CIs, and their 95 % CIs cover
the truth about 95 % of the time."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from sim.calibration import arrivals, estimation, handle_time, patience, redials, staffing
from sim.calibration.records import CONTACT_COLUMNS, OBSERVED_COLUMNS, WEEKDAYS, Estimate, Export
from sim.errors import UsageError

OPEN = ["mon", "tue", "wed", "thu", "fri"]
INTERVALS = 20  # 30-minute intervals, 08:00-18:00
LENGTH = 1800.0
RATE = 120.0  # calls per hour
PROFILE = np.array([0.5, 0.7, 0.9, 1.1, 1.3, 1.4, 1.4, 1.3, 1.2, 1.1] * 2)
PROFILE = PROFILE / PROFILE.mean()
DAY_OF_WEEK = dict(zip(OPEN, np.array([1.25, 1.0, 0.95, 0.9, 0.9]) / 1.0, strict=True))


def observed(
    seed: int,
    weeks: int = 8,
    c: float = 0.0,
    profiles: dict[str, np.ndarray] | None = None,
    staff: bool = False,
) -> pd.DataFrame:
    """An observed table in OBSERVED_COLUMNS: Poisson counts of rate × profile × weekday factor
    × exposure (some intervals not covered, some covered twice: a 25-hour day), each day's rate
    multiplied by a gamma factor of mean 1 and CV `c`."""
    rng = np.random.default_rng(seed)
    rows = []
    for date in pd.date_range("2026-01-05", periods=7 * weeks, freq="D"):
        weekday = WEEKDAYS[date.weekday()]
        if weekday not in OPEN:
            continue
        level = rng.gamma(1 / c**2, c**2) if c > 0 else 1.0
        shape = (profiles or {}).get(weekday, PROFILE)
        for i in range(INTERVALS):
            exposure = LENGTH * rng.choice([0.0, 2.0]) if rng.random() < 0.05 else LENGTH
            mean = RATE / 3600 * shape[i] * DAY_OF_WEEK[weekday] * exposure * level
            offered = int(rng.poisson(mean))
            answered = int(rng.binomial(offered, 0.9))
            rows.append(
                {
                    "date": date,
                    "weekday": weekday,
                    "interval": i,
                    "start": f"{8 + i // 2:02d}:{30 * (i % 2):02d}",
                    "exposure": exposure,
                    "offered": offered,
                    "answered": answered,
                    "abandoned": offered - answered,
                    "answered_in_target": np.nan,
                    "asa": 30.0 if answered else np.nan,
                    "aht": 300.0 + 10 * (i % 3) if answered else np.nan,
                    "staff": float(10 + i % 4 + (weekday == "mon")) if staff else np.nan,
                }
            )
    table = pd.DataFrame(rows)
    assert list(table.columns) == list(OBSERVED_COLUMNS)
    return table


def lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    s2 = np.log1p(cv**2)
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), n)


def contacts(
    seed: int,
    n: int = 3000,
    patience_mean: float = 180.0,
    patience_cv: float | None = None,
    acw: bool = True,
) -> pd.DataFrame:
    """Contacts in CONTACT_COLUMNS from an M/M/n+M-like censoring: patience exponential (or
    lognormal with `patience_cv`), waits independent exponential of mean 60 s, abandoned iff the
    patience runs out first; talk lognormal (mean 240, cv 0.8), after-call work (30, 0.5)."""
    rng = np.random.default_rng(seed)
    if patience_cv is None:
        patience_draws = rng.exponential(patience_mean, n)
    else:
        patience_draws = lognormal(rng, patience_mean, patience_cv, n)
    waits = rng.exponential(60.0, n)
    abandoned = patience_draws < waits
    dates = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 10, n), unit="D")
    second = rng.uniform(8 * 3600, 18 * 3600, n)
    talk = lognormal(rng, 240.0, 0.8, n)
    after = lognormal(rng, 30.0, 0.5, n) if acw else np.zeros(n)
    table = pd.DataFrame(
        {
            "row": np.arange(1, n + 1),
            "arrived": dates + pd.to_timedelta(second, unit="s"),
            "date": dates,
            "weekday": [WEEKDAYS[d.weekday()] for d in dates],
            "second": second,
            "answered": ~abandoned,
            "wait": np.where(abandoned, patience_draws, waits),
            "talk": np.where(abandoned, np.nan, talk),
            "acw": np.where(abandoned, np.nan, after),
            "agent": pd.array([pd.NA] * n, dtype="string"),
            "queue": pd.array([pd.NA] * n, dtype="string"),
            "caller": pd.array([f"c{i}" for i in range(n)], dtype="string"),
            "code": pd.array([pd.NA] * n, dtype="string"),
        }
    )
    assert list(table.columns) == list(CONTACT_COLUMNS)
    return table.sort_values("arrived", ignore_index=True)


def by_key(estimates: list[Estimate]) -> dict[str, Estimate]:
    return {e.key: e for e in estimates if e.key}


def reported(estimates: list[Estimate], words: str) -> Estimate:
    return next(e for e in estimates if not e.key and words in e.method)


def covers(e: Estimate, truth: float) -> bool:
    return e.low is not None and e.high is not None and e.low <= truth <= e.high


# arrivals


def test_arrivals_recover_the_rate_weekday_factors_and_profile_within_their_cis() -> None:
    estimates = arrivals.estimate_arrivals(observed(seed=1), OPEN)
    keys = by_key(estimates)
    truth_rate = RATE * np.mean(list(DAY_OF_WEEK.values()))
    truth_days = {w: f / np.mean(list(DAY_OF_WEEK.values())) for w, f in DAY_OF_WEEK.items()}
    assert covers(keys["arrivals.rate_per_hour"], truth_rate), keys["arrivals.rate_per_hour"]
    assert np.mean(keys["arrivals.profile"].value) == pytest.approx(1.0, abs=1e-4)
    factors = keys["arrivals.day_of_week"].value
    assert set(factors) == set(OPEN)
    assert np.mean(list(factors.values())) == pytest.approx(1.0, abs=1e-4)
    assert max(abs(factors[w] - truth_days[w]) for w in OPEN) < 0.06
    cis = reported(estimates, "arrivals.profile 95 % CIs").value
    inside = [
        low <= p <= high
        for low, p, high in zip(cis["profile_low"], PROFILE, cis["profile_high"], strict=True)
    ]
    assert sum(inside) >= 17, inside  # 20 intervals at 95 %
    assert "bootstrap" in keys["arrivals.rate_per_hour"].note
    assert "Brown et al. 2005" in keys["arrivals.rate_per_hour"].method


def test_arrivals_rows_without_exposure_carry_no_information() -> None:
    table = observed(seed=2)
    spoiled = table.assign(offered=np.where(table["exposure"] == 0, 10_000, table["offered"]))
    before = by_key(arrivals.estimate_arrivals(table, OPEN))
    after = by_key(arrivals.estimate_arrivals(spoiled, OPEN))
    assert (table["exposure"] == 0).any()
    assert after["arrivals.rate_per_hour"].value == before["arrivals.rate_per_hour"].value
    assert after["arrivals.profile"].value == before["arrivals.profile"].value


def test_overdispersion_is_recovered_for_gamma_mixed_days_and_near_zero_for_poisson_days() -> None:
    mixed = reported(arrivals.estimate_arrivals(observed(3, c=0.15), OPEN), "overdispersion")
    assert covers(mixed, 0.15), mixed
    assert "overdispersed" in mixed.note and "reported only" in mixed.note
    plain = reported(arrivals.estimate_arrivals(observed(4), OPEN), "overdispersion")
    assert plain.value < 0.03 and plain.low < 0.01, plain
    assert "consistent with Poisson" in plain.note


def test_one_date_per_weekday_leaves_the_dispersion_unestimated() -> None:
    estimates = arrivals.estimate_arrivals(observed(seed=22, weeks=1), OPEN)
    assert reported(estimates, "overdispersion").value == "not estimable"
    assert "no degrees of freedom" not in reported(estimates, "goodness").note
    assert by_key(estimates)["arrivals.rate_per_hour"].value > 0


def test_goodness_of_fit_says_whether_the_profile_differs_between_weekdays() -> None:
    same = reported(arrivals.estimate_arrivals(observed(5), OPEN), "goodness of fit")
    assert "one intraday profile for all weekdays fits" in same.note
    late = {"mon": PROFILE[::-1].copy()}
    differs = reported(arrivals.estimate_arrivals(observed(5, profiles=late), OPEN), "goodness")
    assert "differs between weekdays" in differs.note and "cannot" in differs.note


# handle time


def test_lognormal_talk_and_after_call_work_are_recovered_within_cis() -> None:
    keys = by_key(handle_time.estimate_handle_time(contacts(seed=6)))
    assert keys["service.distribution"].value == "lognormal"
    assert covers(keys["service.mean_seconds"], 240.0)
    assert covers(keys["service.cv"], 0.8)
    assert keys["after_call_work.distribution"].value == "lognormal"
    assert covers(keys["after_call_work.mean_seconds"], 30.0)
    assert covers(keys["after_call_work.cv"], 0.5)
    assert "Brown et al. 2005" in keys["service.mean_seconds"].method
    assert "KS distance" in keys["service.mean_seconds"].note


def test_no_after_call_work_gives_none() -> None:
    keys = by_key(handle_time.estimate_handle_time(contacts(seed=7, acw=False)))
    assert keys["after_call_work.distribution"].value == "none"
    assert "after_call_work.mean_seconds" not in keys


def test_too_few_answered_contacts_keep_the_defaults_and_say_so() -> None:
    estimates = handle_time.estimate_handle_time(contacts(seed=7, n=50).assign(answered=False))
    assert not by_key(estimates) and "keep the scenario's defaults" in estimates[0].note


def test_lognormal_fit_leaves_out_and_counts_zeros_and_reports_its_goodness() -> None:
    rng = np.random.default_rng(8)
    fit = handle_time.fit_lognormal(np.concatenate([lognormal(rng, 100, 1, 500), [0, 0, np.nan]]))
    assert (fit.n, fit.zeros) == (500, 2)
    assert fit.ks_distance < 0.08
    assert 0 <= fit.below_low_tail < 0.05 and 0 <= fit.above_high_tail < 0.05
    assert fit.mu_low < fit.mu < fit.mu_high and fit.cv_low < fit.cv < fit.cv_high
    with pytest.raises(ValueError, match="at least 2"):
        handle_time.fit_lognormal(np.array([0.0, 5.0]))


def test_lognormal_helpers_invert_each_other() -> None:
    mu, sigma = handle_time.lognormal_parameters(240.0, 0.8)
    assert handle_time.lognormal_moments(mu, sigma) == pytest.approx((240.0, 0.8))


def test_lognormal_mean_and_cv_cis_cover_the_truth_about_95_percent_of_the_time() -> None:
    fits = [
        handle_time.fit_lognormal(lognormal(np.random.default_rng(s), 240, 0.8, 200))
        for s in range(40)
    ]
    assert sum(f.mean_low <= 240 <= f.mean_high for f in fits) >= 33
    assert sum(f.cv_low <= 0.8 <= f.cv_high for f in fits) >= 33


def test_handle_time_from_intervals_is_the_weighted_aht_with_cv_assumed() -> None:
    table = observed(seed=9)
    keys = by_key(handle_time.estimate_handle_time_from_intervals(table))
    rows = table[table["answered"] > 0]
    truth = np.average(rows["aht"], weights=rows["answered"])
    assert keys["service.mean_seconds"].value == pytest.approx(truth, abs=0.01)
    assert covers(keys["service.mean_seconds"], truth)
    assert keys["service.cv"].value == 1.0 and "assumption" in keys["service.cv"].note


# patience


def test_exponential_patience_is_recovered_from_censored_waits() -> None:
    estimates = patience.estimate_patience(contacts(seed=10))
    keys = by_key(estimates)
    assert keys["patience.distribution"].value == "exponential"
    assert covers(keys["patience.mean_seconds"], 180.0), keys["patience.mean_seconds"]
    assert "AIC exponential" in keys["patience.distribution"].note
    assert "Kaplan & Meier 1958" in keys["patience.distribution"].method
    check = reported(estimates, "abandonment-to-wait")
    assert covers(check, 180.0) and "consistent" in check.note


def test_lognormal_patience_is_chosen_by_aic_and_recovered() -> None:
    keys = by_key(patience.estimate_patience(contacts(seed=11, patience_cv=2.0)))
    assert keys["patience.distribution"].value == "lognormal"
    assert covers(keys["patience.mean_seconds"], 180.0), keys["patience.mean_seconds"]
    assert covers(keys["patience.cv"], 2.0), keys["patience.cv"]


def test_patience_mean_ci_covers_the_truth_about_95_percent_of_the_time() -> None:
    hits = 0
    for seed in range(40):
        keys = by_key(patience.estimate_patience(contacts(seed=100 + seed, n=600)))
        hits += covers(keys["patience.mean_seconds"], 180.0)
    assert hits >= 33


def test_kaplan_meier_and_the_fitted_survival_agree_for_exponential_patience() -> None:
    data = contacts(seed=12)
    km = patience.kaplan_meier(data)
    assert list(km.columns) == ["time", "survival", "low", "high"]
    at = km[km["time"] <= 120].iloc[-1]
    fitted = patience.fitted_survival(patience.estimate_patience(data), np.array([0.0, 120.0]))
    assert (
        fitted is not None
        and fitted[0] == 1.0
        and at["low"] - 0.02 <= fitted[1] <= at["high"] + 0.02
    )
    assert at["low"] <= np.exp(-120 / 180) <= at["high"]
    lognormal_fit = [
        Estimate("patience.distribution", "lognormal"),
        Estimate("patience.mean_seconds", 180.0),
        Estimate("patience.cv", 1.0),
    ]
    survival = patience.fitted_survival(lognormal_fit, np.array([0.0, 180.0, 1e6]))
    assert survival[0] == 1.0 and 0 < survival[1] < 0.5 and survival[2] < 1e-3
    assert patience.fitted_survival(lognormal_fit[1:2], np.array([1.0])) is None  # no fit given


def test_patience_without_lifelines_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lifelines", None)
    with pytest.raises(UsageError, match=r"pip install 'ccsim\[calibrate\]'"):
        patience.estimate_patience(contacts(seed=13, n=100))


def test_patience_from_intervals_by_the_abandonment_to_wait_ratio() -> None:
    table = observed(seed=14)
    keys = by_key(patience.estimate_patience_from_intervals(table))
    rows = table[table["asa"].notna()]
    assert keys["patience.distribution"].value == "exponential"
    truth = (rows["asa"] * rows["offered"]).sum() / rows["abandoned"].sum()
    assert keys["patience.mean_seconds"].value == pytest.approx(truth, abs=0.01)
    assert covers(keys["patience.mean_seconds"], truth)
    assert "ASA" in keys["patience.mean_seconds"].note


# redials


def with_redials(seed: int, probability: float = 0.4, delay: float = 600.0) -> pd.DataFrame:
    """Contacts over 10 days from 08:00 to 18:00: abandoned callers redial with `probability`
    after an exponential delay of mean `delay`, if before closing (caller ids kept)."""
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(10):
        date = pd.Timestamp("2026-01-05") + pd.Timedelta(day, unit="D")
        queue = [(t, f"d{day}c{i}") for i, t in enumerate(rng.uniform(0, 36_000, 800))]
        while queue:
            t, caller = queue.pop()
            abandoned, wait = rng.random() < 0.3, rng.exponential(60.0)
            rows.append((date, 8 * 3600 + t, not abandoned, wait, caller))
            if abandoned and rng.random() < probability:
                again = t + wait + rng.exponential(delay)
                if again < 36_000:
                    queue.append((again, caller))
    table = pd.DataFrame(rows, columns=["date", "second", "answered", "wait", "caller"])
    return table.assign(
        arrived=table["date"] + pd.to_timedelta(table["second"], unit="s"),
        caller=table["caller"].astype("string"),
    )


def test_redial_probability_and_delay_are_recovered_within_cis() -> None:
    keys = by_key(redials.estimate_redials(with_redials(seed=15)))
    assert covers(keys["redial.probability"], 0.4), keys["redial.probability"]
    assert covers(keys["redial.mean_delay_seconds"], 600.0), keys["redial.mean_delay_seconds"]
    assert "Wilson" in keys["redial.probability"].method


def test_redials_correct_for_the_days_end_cutting_off_long_delays() -> None:
    keys = by_key(redials.estimate_redials(with_redials(seed=16, delay=5400.0)))
    assert covers(keys["redial.probability"], 0.4), keys["redial.probability"]
    assert covers(keys["redial.mean_delay_seconds"], 5400.0), keys["redial.mean_delay_seconds"]
    assert "biased low" in keys["redial.mean_delay_seconds"].note


def test_no_caller_column_sets_nothing_and_says_so() -> None:
    estimates = redials.estimate_redials(contacts(seed=17).drop(columns="caller"))
    assert not by_key(estimates)
    assert "no caller ids" in estimates[0].note


def test_repeat_contact_rate_of_answered_contacts_within_seven_days() -> None:
    first = contacts(seed=18, n=400).assign(answered=True)
    first = first.assign(date=pd.Timestamp("2026-01-05"), arrived=pd.Timestamp("2026-01-05 09:00"))
    again = first.iloc[:100].assign(
        date=pd.Timestamp("2026-01-08"), arrived=pd.Timestamp("2026-01-08 09:00")
    )
    late = first.iloc[:1].assign(
        caller="last", date=pd.Timestamp("2026-01-14"), arrived=pd.Timestamp("2026-01-14 09:00")
    )
    rate = reported(redials.estimate_redials(pd.concat([first, again, late])), "repeat-contact")
    assert rate.value == 0.25 and rate.rows == 400  # the second contacts are too late to tell
    assert covers(rate, 0.25)


# staffing and everything


def test_schedule_is_the_mean_staff_per_interval_in_whole_employees() -> None:
    estimates = staffing.estimate_schedule(observed(seed=19, staff=True))
    schedule = by_key(estimates)["staffing.schedule"]
    assert schedule.value == [round(10 + i % 4 + 0.2) for i in range(INTERVALS)]
    assert "40 dates" in schedule.note and "mon 1" in schedule.note


def test_no_staff_sets_no_schedule_and_says_so() -> None:
    estimates = staffing.estimate_schedule(observed(seed=20))
    assert not by_key(estimates) and "sized" in estimates[0].note


def export(kind: str) -> Export:
    people = contacts(seed=21)
    return Export(
        source="test.csv",
        kind=kind,
        observed=observed(seed=21, staff=True),
        contacts=people if kind == "contacts" else None,
        interval_minutes=30,
        open_from="08:00",
        open_until="18:00",
        weekdays=OPEN,
        timezone=None,
        service_level_seconds=20.0,
    )


def test_arrivals_of_a_contact_export_leave_out_the_redials_caller_ids_reveal() -> None:
    people = with_redials(seed=23)
    slot = ((people["second"] - 8 * 3600) // LENGTH).astype(int)
    counts = people.assign(interval=slot).groupby(["date", "interval"]).size()
    table = counts.rename("offered").reset_index()
    table = table.assign(weekday=[WEEKDAYS[d.weekday()] for d in table["date"]], exposure=LENGTH)
    base = Export(
        "t.csv", "contacts", table, people, 30, "08:00", "18:00", list(WEEKDAYS), None, 20
    )
    rate = by_key(estimation._fresh_arrivals(base, people))["arrivals.rate_per_hour"]
    assert covers(rate, 80.0), rate  # 800 fresh calls a day over 10 hours
    assert "redials found by caller id" in rate.note
    everything = by_key(arrivals.estimate_arrivals(table, list(WEEKDAYS)))["arrivals.rate_per_hour"]
    assert everything.low > 85.0  # the redials counted as arrivals


@pytest.mark.parametrize("kind", ["contacts", "intervals"])
def test_estimate_all_names_and_cites_every_estimate(kind: str) -> None:
    estimates = estimation.estimate_all(export(kind))
    keys = by_key(estimates)
    expected = {
        "arrivals.rate_per_hour",
        "arrivals.profile",
        "arrivals.day_of_week",
        "service.mean_seconds",
        "patience.mean_seconds",
        "staffing.schedule",
    }
    assert expected <= set(keys)
    assert ("redial.probability" in keys) == (kind == "contacts")
    assert all(e.method for e in estimates), [e for e in estimates if not e.method]
    assert all(isinstance(e.comment(), str) for e in estimates)
    assert all(plain(e.value) and plain(e.low) and plain(e.high) for e in estimates), [
        (e.key, type(e.value), type(e.low)) for e in estimates
    ]
    assert all(type(e.rows) is int for e in estimates)


def plain(value: object) -> bool:
    """Whether `value` is made of Python's own types (a scenario file can hold it)."""
    if isinstance(value, list):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(type(k) is str and plain(v) for k, v in value.items())
    return value is None or type(value) in (bool, int, float, str)
