"""Mechanisms of one conversation, each in isolation (fixed draws): talk that runs on when
nobody waits and compresses under load, the shared asking habit, and what the customer feels."""

from __future__ import annotations

import pytest

import sim
from sim.behavior.conversation import CONVERSATION_DRAWS, Conversation, experience
from sim.behavior.policy import Guidance
from tests.test_draws import NEUTRAL, QUESTION, SCENARIO, Staff

CONVERSATION = Conversation(SCENARIO.conversation, SCENARIO.sales)


def hold(idle: float = 0.0, queue: float = 0.0, pressure: float = 0.0, staff=None, **draws: float):
    row = CONVERSATION_DRAWS.row(**(NEUTRAL | draws))
    guidance = Guidance(pressure, 0.0)
    return CONVERSATION.hold(240.0, QUESTION, 0.5, staff or Staff(), guidance, idle, queue, row)


def test_talk_runs_on_when_everyone_is_idle_without_adding_quality() -> None:
    # a conversation that covered its question (time draw above the median) ...
    calm, idle = hold(time=1.0, opportunity=0.99), hold(idle=1.0, time=1.0, opportunity=0.99)
    stretch = SCENARIO.conversation.idle_stretch
    assert calm.overtalk > 0
    assert idle.talk == pytest.approx(calm.talk * (1 + stretch))
    assert idle.quality == calm.quality  # ... gains nothing from running on
    assert idle.overtalk == pytest.approx((1 + calm.overtalk) * (1 + stretch) - 1)
    # one that fell short of its question gets closer to covering it
    short, filled = hold(time=-1.0, opportunity=0.99), hold(idle=1.0, time=-1.0, opportunity=0.99)
    assert short.overtalk == 0 and filled.quality > short.quality


def test_talk_compresses_under_load_and_loses_quality() -> None:
    calm, loaded = hold(opportunity=0.99), hold(queue=2.0, opportunity=0.99)
    compression = SCENARIO.conversation.load_compression
    assert loaded.talk == pytest.approx(calm.talk * (1 - compression))  # capped at a full queue
    assert loaded.quality < calm.quality


def test_the_asking_habit_grows_with_sales_skill_and_falls_with_pressure_and_queue() -> None:
    ask = CONVERSATION.ask_chance

    class Seller(Staff):
        sales_skill = 0.9

    base = ask(Staff(), 0.0, 0.0)
    assert base == pytest.approx(SCENARIO.sales.ask_habit)
    assert ask(Seller(), 0.0, 0.0) > base
    assert ask(Staff(), 1.0, 0.0) == pytest.approx(base * (1 - SCENARIO.sales.ask_pressure_skip))
    assert ask(Staff(), 0.0, 1.0) == pytest.approx(base / (1 + SCENARIO.sales.ask_queue_effect))
    # in a conversation: a draw just above the habit asks only for the better seller
    u = base + 0.01
    assert not hold(ask=u).offered and hold(ask=u, staff=Seller()).offered
    assert hold(ask=u - 0.02).offered and not hold(ask=u - 0.02, queue=1.0).offered


def test_customers_feel_talk_beyond_their_question() -> None:
    weights = SCENARIO.satisfaction
    plain = experience(0.8, True, False, 0.0, 0.0, False, weights)
    long = experience(0.8, True, False, 0.0, 0.5, False, weights)
    assert long == pytest.approx(plain - 0.5 * weights.overtalk_penalty)


def test_abandoned_callers_count_in_csat() -> None:
    short = sim.load_scenario(
        None,
        {
            "calendar.days": 2,
            "customers.population": 3_000,
            "arrivals.rate_per_hour": 200.0,
            "staffing.employees": 8,
            "satisfaction.survey_rate": 0.0,
        },
    )
    k = sim.run(short, seed=2)
    answers = k.calls.dropna(subset=["csat"])
    assert len(answers) == k.kpis["survey_answers"] > 0
    assert set(answers["outcome"]) == {"abandoned"}
    assert k.kpis["csat"] < 0.1  # hanging up in the queue is a poor experience
    assert k.kpis["mean_experience"] == pytest.approx(k.calls["experience"].mean())


def test_a_purchase_uses_up_appetite_and_closes_a_buying_issue() -> None:
    result = sim.run(
        sim.load_scenario(
            None,
            {"calendar.days": 3, "customers.population": 2_000, "arrivals.rate_per_hour": 60.0},
        ),
        seed=4,
    )
    calls = result.calls
    bought = calls[(calls["reason"] == "buying") & calls["sold"]]
    assert len(bought) > 20 and (bought["resolved"] == 1).all()
    scenario = sim.load_scenario()
    model = sim.build_model(scenario.with_overrides({"calendar.days": 1}), seed=1)
    customer = model.behavior.customers.get(0)
    before = customer.potential
    model.behavior.sale(customer.index, 100.0)
    assert customer.potential == pytest.approx(before * (1 - scenario.sales.purchase_satiation))
