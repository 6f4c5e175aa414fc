"""Shifts, paid time, coaching capacity and the team's starting tenure, each in isolation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim
from sim.engine.model import ContactCenterModel
from sim.engine.shifts import Shift, coverage, heads_needed, plan_shifts
from tests.helpers import baseline, erlang_scenario


def quiet(**overrides):
    """Five days of the baseline without attrition and without a warm-up."""
    base = {
        "calendar__days": 5,
        "calendar__warmup_days": 0,
        "customers__population": 10_000,
        "employees__quit_base_daily": 0.0,
    }
    return baseline(**(base | overrides))


# --- planning ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_planned_shifts_cover_every_interval_with_allowed_lengths(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 60))
    heads = [int(h) for h in rng.integers(0, 30, n)]
    lengths = sorted({int(x) for x in rng.integers(2, 40, 3)}, reverse=True)
    shifts = plan_shifts(heads, lengths)
    cover = coverage(shifts, n)
    assert all(c >= h for c, h in zip(cover, heads, strict=True))
    allowed = {min(length, n) for length in lengths}
    assert all(0 <= s.start < s.end <= n and s.length in allowed for s in shifts)


def test_a_falling_requirement_gets_shorter_shifts_not_idle_hours() -> None:
    heads = [2, 2, 2, 2, 1, 1, 0, 0]
    shifts = plan_shifts(heads, [8, 4, 2])
    assert sorted(shifts) == [Shift(0, 4), Shift(0, 6)] or sum(s.length for s in shifts) <= 10
    assert coverage(shifts, 8)[6:] == [0, 0]


def test_heads_needed_allow_for_shrinkage_inside_shifts() -> None:
    assert heads_needed([10, 0, 9], 0.9) == [12, 0, 10]
    with pytest.raises(ValueError):
        heads_needed([1], 0.0)


# --- the engine on a rota -------------------------------------------------------------------


def test_busy_employees_stay_on_when_the_pool_cannot_meet_the_target() -> None:
    """Regression: a target above the employees available marked every busy one as leaving."""
    model = ContactCenterModel(
        erlang_scenario(calendar__days=1, staffing__employees=6, arrivals__rate_per_hour=900.0),
        seed=2,
    )
    model.run_until(1800.0)
    staffing = model.staffing
    away = staffing.employees[:2]
    for employee in away:
        staffing.take_off(employee, model.time)
    assert not any(e.leaving for e in staffing.employees if e not in away)
    assert staffing.on_phone - sum(e.leaving for e in staffing.employees) == 4


def test_on_a_rota_only_employees_on_shift_are_on_the_phones() -> None:
    result = sim.run(quiet(calendar__days=2), seed=4)
    model = sim.build_model(quiet(calendar__days=2), seed=4)
    rota = model.behavior.workforce.rota
    n = model.hours.intervals_per_day
    cover = coverage(rota.shifts, n)
    ending = [sum(s.end == k for s in rota.shifts) for k in range(n)]  # finish the call in hand
    staffed = result.intervals.groupby("interval")["staffed"].max().to_numpy()
    assert (staffed <= np.asarray(cover) + np.asarray(ending) + 1e-9).all()
    assert (staffed[np.asarray(ending) == 0] <= np.asarray(cover)[np.asarray(ending) == 0]).all()
    # breaks and off-phone activities keep the mean below the number on shift
    mean = result.intervals.groupby("interval")["staffed"].mean().to_numpy()
    assert mean.sum() < sum(cover)


# --- paid time --------------------------------------------------------------------------------


def test_shifts_are_paid_whether_or_not_calls_come() -> None:
    busy = sim.run(quiet(), seed=5).kpis
    idle = sim.run(quiet(arrivals__rate_per_hour=10.0), seed=5).kpis
    assert idle["occupancy"] < 0.1 < busy["occupancy"]
    assert idle["paid_hours"] == busy["paid_hours"]
    assert idle["employee_cost"] == busy["employee_cost"]
    assert idle["shrinkage"] > 0.15  # breaks, activities, leave and sick pay


def test_paid_hours_are_rostered_hours_with_leave_and_sick_pay() -> None:
    scenario = quiet(shifts__absence_rate=0.0, shifts__paid_leave_share=0.2)
    model = sim.build_model(scenario, seed=6)
    model.run_model()
    rota = model.behavior.workforce.rota
    rostered = rota.shift_hours_per_day * 5 - model.behavior.workforce.unfilled_shift_hours
    assert model.behavior.workforce.paid_hours == pytest.approx(rostered / 0.8)


def test_a_flexible_pool_is_paid_only_for_time_on_the_phones_and_activities() -> None:
    k = sim.run(quiet(shifts__enabled=False), seed=5).kpis
    off_phone = k["coaching_hours"] + k["training_hours"] + k["meeting_hours"]
    assert k["paid_hours"] == pytest.approx(k["staffed_hours"] + off_phone)


def test_shifts_need_the_behavioural_layer() -> None:
    with pytest.raises(sim.ScenarioError, match=r"behavior\.enabled"):
        erlang_scenario(shifts__enabled=True)
    with pytest.raises(sim.ScenarioError, match="whole number"):
        baseline(shifts__lengths_hours=[7.9])


# --- coaching needs a coach ---------------------------------------------------------------------


def test_coaching_beyond_the_team_leaders_capacity_does_not_happen() -> None:
    wide = sim.run(quiet(policy__name="quality", policy__team_size=24), seed=7).kpis
    narrow = sim.run(quiet(policy__name="quality"), seed=7).kpis
    weeks = 1.0
    capacity = wide["team_leaders"] * 12.0 * weeks
    assert wide["coaching_hours"] == pytest.approx(capacity, rel=1e-9)
    assert wide["coaching_shortfall"] > 0.3
    assert narrow["coaching_shortfall"] == pytest.approx(0.0, abs=1e-12)
    assert narrow["coaching_hours"] > wide["coaching_hours"]
    assert narrow["team_leader_cost"] > wide["team_leader_cost"]


# --- the team at the start ----------------------------------------------------------------------


def test_the_team_starts_from_a_tenure_mix_with_matching_skills() -> None:
    def skills(**overrides):
        model = sim.build_model(baseline(calendar__days=1, **overrides), seed=8)
        team = model.staffing.employees
        return np.array([e.service_skill for e in team]), np.array(
            [e.experience_hours for e in team]
        )

    skill, hours = skills()
    # tenure is exponential: experience spreads from novices to veterans
    assert hours.min() < 200 < 5_000 < hours.max()
    assert skill.std() > 0.05 and 0.25 < skill.mean() < 0.95
    # more coaching in the policy, more practice in the same tenure: higher skills
    coached, _ = skills(policy__coaching_hours_per_week=1.0)
    assert coached.mean() > skill.mean()
    # a center whose staff never stay (high quit hazard) starts green
    green, _ = skills(employees__quit_base_daily=0.05)
    assert green.mean() < skill.mean() - 0.1
    # tenure ~ exponential with mean 1 / quit_base_daily opening days; practice per week under
    # aht: 36 contract hours - 2 off the phones + 12 x 0.25 coaching + 5 x 0.25 training
    expected = (1 / 0.0013) * (34.0 + 3.0 + 1.25) / 5
    assert abs(hours.mean() / expected - 1) < 4 / math.sqrt(len(hours))  # 4 SE (CV 1)


# --- staffing to a service level ------------------------------------------------------------------


def test_weekly_sizing_follows_erlang_a_from_last_weeks_contacts() -> None:
    from sim.engine.queueing import required_staff
    from sim.engine.sizing import sized_schedule

    scenario = erlang_scenario(
        calendar__days=14, staffing__employees=60, staffing__target_service_level=0.8
    )
    model = sim.build_model(scenario, seed=3)
    model.run_until(7 * 86_400.0 + 1.0)  # the second week has just opened
    first = sim.build_model(scenario.with_overrides({"calendar.days": 7}), seed=3)
    first.run_model()
    log = first.log
    handled = [t + a for t, a, o in zip(log.talk, log.acw, log.outcome, strict=False) if o == 1]
    rate = len(log.arrival) / (7 * 86_400.0)  # flat arrivals: every interval alike
    expected = required_staff(rate, sum(handled) / len(handled), 180.0, 0.8, 20.0)
    assert model.staffing.schedule == sized_schedule(first, 0, 7)
    assert abs(np.mean(model.staffing.schedule) - expected) <= 2  # interval noise
    assert max(model.staffing.schedule) < 60  # sized down from the first week's 60


def test_a_staff_adjustment_holds_in_the_weeks_weekly_sizing_staffs() -> None:
    """`staffing.adjustment` (the dashboard's 'five fewer from 08:00 to 10:00') changes every
    sized schedule, not only the scenario's first-week schedule."""
    from sim.engine.sizing import sized_schedule

    change = [-5] * 8 + [0] * 40
    small = {"calendar__days": 5, "calendar__warmup_days": 0, "customers__population": 20_000}
    model = sim.build_model(baseline(**small, staffing__adjustment=change), seed=1)
    model.run_model()
    sized = sized_schedule(model, 0, 5)
    model.config = baseline(**small)
    unchanged = sized_schedule(model, 0, 5)
    assert sized == [max(0, n + a) for n, a in zip(unchanged, change, strict=True)]
    assert sized[:8] != unchanged[:8]


def test_sized_weeks_meet_the_target_and_longer_calls_pay_in_staff() -> None:
    # hires arrive the next day, so the team the sized shifts need is there from week 2
    base = {
        "calendar__days": 15,
        "staffing__target_service_level": 0.8,
        "employees__hiring_delay_days": 0,
    }
    plain = sim.run(quiet(**base), seed=9)
    slow = sim.run(
        quiet(**base, **{"demand__callback_need_factor": 3.0, "conversation__idle_stretch": 0.6}),
        seed=9,
    )
    calls = plain.calls[plain.calls["day"] >= 5]  # the sized weeks
    within = (calls["outcome"] == "answered") & (calls["wait"] <= 20.0)
    sl = within.mean()
    # Erlang A sizes each interval to 80 %; shifts cover more than that, and the 95 % binomial
    # margin of a share over these calls is below 0.01
    assert sl >= 0.8 - 2 * math.sqrt(0.8 * 0.2 / len(calls))
    assert slow.kpis["aht"] > plain.kpis["aht"]
    assert slow.kpis["staffed_hours"] > plain.kpis["staffed_hours"]
    assert slow.kpis["paid_hours"] > plain.kpis["paid_hours"]


def test_the_baseline_accepts_a_service_level_target_from_the_command_line() -> None:
    scenario = baseline().with_overrides({"staffing.target_service_level": 0.8})
    assert scenario.staffing.target_service_level == 0.8
    with pytest.raises(sim.ScenarioError, match="target_service_level"):
        baseline().with_overrides({"staffing.target_service_level": 1.0})


def test_team_leaders_follow_the_team_as_it_grows() -> None:
    grown = sim.run(
        quiet(
            calendar__days=15,
            staffing__target_service_level=0.8,
            employees__hiring_delay_days=0,
            staffing__scale=1.5,
        ),
        seed=9,
    ).kpis
    start = sim.build_model(quiet(), seed=9).behavior.workforce
    assert grown["team_leaders"] > start.team_leaders  # a mean over the measured days


# --- reviews on smoothed figures --------------------------------------------------------------


def _lag1_autocorrelation(series: np.ndarray) -> float:
    x = series - series.mean()
    return float(np.corrcoef(x[:-1], x[1:])[0, 1])


@pytest.mark.slow
def test_reviews_on_smoothed_figures_do_not_make_daily_aht_alternate() -> None:
    """With yesterday's figures alone (review_smoothing = 1) the review loop alternates (a
    tight day relaxes the next); on the default smoothed figures daily AHT does not zig-zag:
    lag-1 autocorrelation over 40 days not below -0.3 (docs/MODEL.md §6.6)."""
    daily = {"calendar__days": 40, "calendar__warmup_days": 10}
    raw = sim.run(baseline(**daily, policy__review_smoothing=1.0), seed=1).daily["aht"]
    assert _lag1_autocorrelation(raw.to_numpy()) < -0.7
    for seed in (1, 2, 3):
        smoothed = sim.run(baseline(**daily), seed=seed).daily["aht"].to_numpy()
        assert _lag1_autocorrelation(smoothed) >= -0.3, seed
        assert smoothed.max() / smoothed.min() < 1.15  # no swing of 25 % from day to day


def test_coaching_the_team_leaders_cannot_give_is_not_rostered() -> None:
    """Coaching asked beyond the team leaders' capacity is neither given nor planned as
    shrinkage: 3 h a week and 1 h a week (a team leader's 12 h over 12 employees) give the same
    shifts."""
    plans = []
    for hours in (1.0, 3.0):
        model = sim.build_model(baseline(policy__coaching_hours_per_week=hours), seed=1)
        plans.append(model.behavior.workforce.rota.shifts)
    assert plans[0] == plans[1]
    more = sim.build_model(baseline(policy__meeting_hours_per_week=3.5), seed=1)
    assert len(more.behavior.workforce.rota.shifts) > len(plans[0])  # meetings are rostered


def test_outbound_calls_keep_a_reserve_of_idle_employees_for_inbound() -> None:
    """The blending rule: no outbound call starts unless `outbound.idle_reserve` of the
    employees on the phones stay idle; a reserve of everyone stops outbound calling, a larger
    reserve makes fewer calls and serves inbound callers better."""
    runs = {
        reserve: sim.run(quiet(policy__name="volume", outbound__idle_reserve=reserve), seed=2)
        for reserve in (0.0, 0.2, 1.0)
    }
    attempts = {r: run.kpis["outbound_attempts"] for r, run in runs.items()}
    assert attempts[1.0] == 0 < attempts[0.2] < attempts[0.0]
    assert runs[0.2].kpis["service_level"] > runs[0.0].kpis["service_level"]


def test_in_the_warm_up_a_resized_team_takes_its_size_at_once() -> None:
    """The warm-up stands for the past: when weekly sizing asks for a bigger team, it joins
    seasoned at once (no vacancies, no onboarding) and is complete when measuring starts."""
    scenario = baseline(
        calendar__days=1,
        calendar__warmup_days=10,
        customers__population=20_000,
        policy__name="quality",
        employees__quit_base_daily=0.0,
    )
    model = sim.build_model(scenario, seed=1)
    first_team = len(model.staffing.employees)
    model.run_until(10 * 86_400.0)  # the night before the first measured day
    workforce = model.behavior.workforce
    team = model.staffing.employees
    assert workforce.vacancies == [] and workforce.hires == 0
    assert len(team) == workforce.team_target != first_team
    assert all(e.onboarding_left == 0 for e in team)
