"""The engine as a Mesa model: time, agents, events, staffing, routing and accounting."""

from __future__ import annotations

import gc
import math
import weakref

import mesa
import numpy as np
import pytest

import sim
from sim.behavior import ContactCenterBehavior
from sim.engine import NoBehavior
from sim.engine.employee import Employee
from sim.engine.model import ContactCenterModel, cyclic_gc_paused
from sim.engine.opening_hours import DAY
from sim.metrics import runner
from tests.helpers import baseline, erlang_scenario


def small(**overrides):
    base = {"calendar__days": 2, "arrivals__rate_per_hour": 300.0, "staffing__employees": 25}
    return erlang_scenario(**(base | overrides))


def test_model_is_a_mesa_model_with_employee_agents():
    model = ContactCenterModel(small(), seed=3)
    assert isinstance(model, mesa.Model)
    assert len(model.agents_by_type[Employee]) == 25
    assert len(model.employees) == 25
    assert all(isinstance(a, mesa.Agent) for a in model.agents)
    assert model.time == 0.0


def test_the_engine_takes_its_behavior_as_an_argument():
    assert isinstance(ContactCenterModel(small(), seed=1).behavior, NoBehavior)
    assert isinstance(sim.build_model(small(), seed=1).behavior, NoBehavior)
    behavioral = baseline(calendar__days=1)
    assert isinstance(sim.build_model(behavioral, seed=1).behavior, ContactCenterBehavior)
    model = ContactCenterModel(behavioral, seed=1, behavior=ContactCenterBehavior)
    assert isinstance(model.behavior, ContactCenterBehavior)
    # without its behaviour, a behavioural scenario would run as a bare queue: refused
    with pytest.raises(sim.ScenarioError, match=r"sim\.build_model"):
        ContactCenterModel(behavioral, seed=1)


def test_run_until_advances_time_and_processes_calls_in_order():
    model = ContactCenterModel(small(), seed=3)
    model.run_until(3600.0)
    assert model.time == 3600.0
    arrivals = np.array(model.log.arrival)  # a copy: a view pins the log
    assert len(arrivals) > 200 and arrivals.max() < 3600.0
    assert np.all(np.diff(arrivals) >= 0)
    model.run_for(1800.0)
    assert model.time == 5400.0
    assert np.asarray(model.log.arrival).max() < 5400.0


def test_user_scheduled_mesa_event_runs_at_its_time():
    model = ContactCenterModel(small(), seed=3)
    seen = []

    def probe():
        seen.append((model.time, len(model.log)))

    model.schedule_event(probe, at=1234.5)
    model.run_until(2000.0)
    assert seen and seen[0][0] == 1234.5
    arrivals = np.asarray(model.log.arrival)
    assert seen[0][1] == int((arrivals < 1234.5).sum())


def test_datacollector_snapshots_every_interval():
    model = ContactCenterModel(small(), seed=3)
    model.run_model()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 2 * model.hours.intervals_per_day
    assert np.allclose(np.diff(frame["time"]), model.hours.interval)
    assert (frame["on_phone"] == 25).all()
    assert (frame["busy"] <= frame["on_phone"]).all()


def test_every_call_ends_in_exactly_one_outcome_and_model_drains():
    result = sim.run(small(), seed=5)
    calls = result.calls
    assert set(calls["outcome"].unique()) <= {"answered", "abandoned"}
    answered = calls["outcome"] == "answered"
    assert calls.loc[answered, "answer_time"].notna().all()
    assert calls.loc[~answered, "answer_time"].isna().all()
    assert (calls["end_time"] >= calls["arrival_time"]).all()
    k = result.kpis
    assert k["handled"] + k["abandoned"] == k["offered"] == len(calls)
    # abandoned callers leave exactly when their patience runs out
    abandoned = calls[~answered]
    assert np.allclose(abandoned["wait"], abandoned["patience"])
    assert (calls.loc[answered, "wait"] <= calls.loc[answered, "patience"] + 1e-9).all()


def test_fifo_and_longest_idle_routing():
    result = sim.run(small(**{"arrivals__rate_per_hour": 420.0, "staffing__employees": 30}), seed=2)
    answered = result.calls[result.calls["outcome"] == "answered"].sort_values("arrival_time")
    # FIFO: among answered calls, answer times follow arrival order
    assert np.all(np.diff(answered["answer_time"].to_numpy()) >= -1e-9)
    # an idle employee is always available when a call is answered without wait, and
    # a waiting call is answered the moment an employee finishes
    waited = answered[answered["wait"] > 0]
    ends = set(result.calls["end_time"].dropna())
    assert len(waited) > 100
    assert all(t in ends for t in waited["answer_time"])


def test_longest_idle_employee_takes_the_next_call():
    model = ContactCenterModel(small(**{"arrivals__rate_per_hour": 60.0}), seed=4)
    model.run_until(6 * 3600.0)
    # all employees idle most of the time: the idle queue is ordered by idle_since
    idle_since = [e.idle_since for e in model.router.idle]
    assert idle_since == sorted(idle_since)
    first = model.router.idle[0]
    before = len(model.log)
    model.run_until(7 * 3600.0)
    new = range(before, len(model.log))
    answered_no_wait = [c for c in new if model.log.answer[c] == model.log.arrival[c]]
    assert answered_no_wait and model.log.employee[answered_no_wait[0]] == first.unique_id


def test_staffing_schedule_is_followed_per_interval():
    n = 24 * 4
    schedule = [20] * (n // 2) + [35] * (n // 2)
    # the schedule replaces staffing.employees, which is left at its default (else refused)
    scenario = small(**{"staffing__schedule": schedule, "staffing__employees": 40})
    result = sim.run(scenario, seed=1)
    staffed = result.intervals["staffed"].to_numpy()
    expected = np.tile(schedule, 2).astype(float)
    # log-offs wait for the call in hand: only the interval after a decrease may exceed
    assert np.all(staffed >= expected - 1e-9)
    assert np.allclose(
        staffed[expected == np.roll(expected, 1)][1:],
        expected[expected == np.roll(expected, 1)][1:],
        atol=0.5,
    )


def test_calls_waiting_at_closing_are_still_served():
    scenario = erlang_scenario(
        calendar__days=1,
        calendar__open_from="08:00",
        calendar__open_until="10:00",
        arrivals__rate_per_hour=900.0,
        staffing__employees=40,
        patience__distribution="none",
    )
    result = sim.run(scenario, seed=1)
    calls = result.calls
    assert (calls["outcome"] == "answered").all()
    assert calls["arrival_time"].max() < 10 * 3600
    assert calls["answer_time"].max() > 10 * 3600  # overloaded: queue drains after closing
    assert result.kpis["offered"] == len(calls)


def test_no_arrivals_while_closed_and_weekday_factors():
    scenario = erlang_scenario(
        calendar__days=7,
        calendar__open_from="09:00",
        calendar__open_until="17:00",
        calendar__weekdays=["mon", "tue", "wed", "thu", "fri"],
        arrivals__rate_per_hour=200.0,
        arrivals__day_of_week={"mon": 2.0},
        staffing__employees=30,
    )
    result = sim.run(scenario, seed=11)
    second = result.calls["arrival_time"] % DAY
    assert second.min() >= 9 * 3600 and second.max() < 17 * 3600
    daily = result.daily
    assert list(daily["weekday"]) == ["mon", "tue", "wed", "thu", "fri", "mon", "tue"]
    monday = daily.loc[daily["weekday"] == "mon", "offered"].sum()
    other = daily.loc[daily["weekday"] != "mon", "offered"].sum() / 5
    # expected 3200 vs 1600 per day; sd of a Poisson(3200) count is ~57
    assert monday / 2 == pytest.approx(3200, abs=4 * math.sqrt(3200))
    assert other == pytest.approx(1600, abs=4 * math.sqrt(1600 / 5))


def test_redials_come_back_during_opening_hours():
    scenario = small(
        **{
            "redial__probability": 1.0,
            "redial__mean_delay_seconds": 300.0,
            "arrivals__rate_per_hour": 400.0,
            "staffing__employees": 28,
        }
    )
    result = sim.run(scenario, seed=8)
    calls = result.calls
    abandoned_first = ((calls["attempt"] == 0) & (calls["outcome"] == "abandoned")).sum()
    assert abandoned_first > 50
    assert result.kpis["redials"] >= 0.9 * abandoned_first  # all but those past the horizon
    assert (calls["attempt"].max()) >= 1


def test_littles_law_holds_for_the_queue():
    result = sim.run(small(**{"arrivals__rate_per_hour": 420.0, "staffing__employees": 30}), seed=9)
    k = result.kpis
    open_seconds = 2 * DAY
    # L = lambda W: the engine's running queue integral against the waits in the call log
    assert k["mean_queue_length"] == pytest.approx(
        k["offered"] / open_seconds * k["mean_wait"], rel=1e-9
    )
    # and the per-interval queue means, built from the log, integrate to the same area
    assert result.intervals["queue_mean"].mean() == pytest.approx(k["mean_queue_length"], rel=1e-3)


def test_occupancy_is_consistent_across_tables():
    result = sim.run(small(), seed=6)
    k = result.kpis
    calls = result.calls
    busy = (calls["talk_time"] + calls["after_call_work"]).sum()
    assert k["occupancy"] == pytest.approx(busy / (k["staffed_hours"] * 3600), rel=1e-9)
    assert k["aht"] == pytest.approx(busy / k["handled"], rel=1e-9)
    assert 0 < k["occupancy"] < 1


def test_time_observers_are_still_notified():
    """The event loop skips Mesa's observable machinery only while nobody listens to time."""
    model = ContactCenterModel(small(**{"calendar__days": 1}), seed=3)
    seen = []

    def listener(signal):  # a named function: Mesa keeps only weak references to handlers
        seen.append(model.time)

    model.observe("time", "changed", listener)
    model.run_until(600.0)
    arrivals = [t for t in model.log.arrival if t < 600.0]
    assert len(seen) >= len(arrivals) > 10
    assert set(arrivals) <= set(seen)


@pytest.mark.parametrize("policy", ["aht", "volume"])
def test_a_run_makes_no_cyclic_garbage_so_pausing_the_collector_is_safe(policy):
    """`run_model` pauses the cyclic collector; that is only sound while a run leaves nothing
    for it: everything a run discards must be freed by reference counting alone."""
    model = sim.build_model(baseline(calendar__days=4, policy__name=policy), seed=2)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to look at it
    try:
        model.run_model()
        assert gc.isenabled()
        gc.collect()
        ours = [o for o in gc.garbage if type(o).__module__.split(".")[0] in {"sim", "mesa"}]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # no unreachable objects of the model's: the run discarded no reference cycles (other
    # threads of the test process, e.g. a Dask cluster's, may leave cycles of their own)
    assert not ours, ours[:5]


def test_sim_run_frees_its_model_at_once_without_the_collector(monkeypatch):
    """A finished model is cyclic garbage; with the collector paused during runs it would wait
    for a full pass. `sim.run` disposes of it: freed by reference counting alone."""
    created = []
    monkeypatch.setattr(runner, "ContactCenterModel", lambda *a, **k: created.append(
        weakref.ref(model := ContactCenterModel(*a, **k))) or model)  # fmt: skip
    gc.collect()
    gc.disable()  # only reference counting may free it
    try:
        result = sim.run(baseline(calendar__days=1, customers__population=2_000), seed=1)
        assert created[0]() is None
    finally:
        gc.enable()
    assert result.kpis["offered"] > 0 and len(result.calls) == result.kpis["offered"]


def test_the_collector_is_restored_after_a_failed_run_and_left_off_if_it_was_off():
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failing run")
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # whoever turned it off decides when it comes back
    finally:
        gc.enable()


def test_the_intervals_say_what_the_plan_wanted() -> None:
    """`wanted` is the schedule in force: the scenario's own without sizing, the weekly
    Erlang A sizing's once it has resized (constant within a week, per interval)."""
    from sim.engine.staffing import staffing_targets

    fixed = baseline(calendar__days=2, calendar__warmup_days=0, customers__population=20_000)
    fixed = fixed.model_copy(
        update={"staffing": fixed.staffing.model_copy(update={"target_service_level": None})}
    )
    table = sim.run(fixed, seed=1).intervals
    plan = staffing_targets(fixed.staffing, table["interval"].nunique())
    assert table["wanted"].tolist() == plan * 2
    sized = baseline(calendar__days=10, customers__population=20_000)
    table = sim.run(sized, seed=1).intervals
    week = len(sized.calendar.weekdays)
    table = table.assign(week=(table["day"] + sized.calendar.warmup_days) // week)
    per_week = table.groupby(["week", "interval"])["wanted"].nunique()
    assert (per_week == 1).all()  # one plan per week
    assert table.groupby("interval")["wanted"].nunique().max() > 1  # resized between weeks
    assert table["wanted"].tolist() != plan * 10
