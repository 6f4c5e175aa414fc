"""The named random rows and the conversation's outcome: each name drives the mechanism it
names, so a row unpacked in another order than its layout, or of another width, fails here."""

from __future__ import annotations

import pytest

import sim
from sim.behavior.contact_center import AFTER_CONTACT_DRAWS, DEMAND_DRAWS
from sim.behavior.conversation import CONVERSATION_DRAWS, Conversation, Outcome
from sim.behavior.draws import DrawLayout
from sim.behavior.outbound import OUTBOUND_DRAWS
from sim.behavior.policy import Guidance
from sim.engine.random_streams import RandomStreams
from sim.metrics import gather

LAYOUTS = [DEMAND_DRAWS, CONVERSATION_DRAWS, AFTER_CONTACT_DRAWS, OUTBOUND_DRAWS]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: "-".join(layout.names))
def test_a_sampled_row_has_one_number_per_name(layout: DrawLayout) -> None:
    draw = layout.sampler(RandomStreams(1)["test"])
    rows = [draw() for _ in range(5000)]  # more than one batch
    assert {len(row) for row in rows} == {len(layout.names)}
    uniforms = [row[i] for row in rows for i in range(len(layout.uniform))]
    assert all(0.0 <= u < 1.0 for u in uniforms)


def test_a_row_by_name_needs_every_name() -> None:
    assert DEMAND_DRAWS.row(reason=0.2, customer=0.1) == [0.1, 0.2]
    with pytest.raises(TypeError, match="missing \\['reason'\\]"):
        DEMAND_DRAWS.row(customer=0.1)
    with pytest.raises(TypeError, match="extra \\['typo'\\]"):
        DEMAND_DRAWS.row(customer=0.1, reason=0.2, typo=0.3)


# --- the conversation -----------------------------------------------------------------------


class Staff:
    """An employee as the conversation sees one."""

    service_skill = 0.6
    sales_skill = 0.5
    stress = 0.0


SCENARIO = sim.load_scenario()
CONVERSATION = Conversation(SCENARIO.conversation, SCENARIO.sales)
QUESTION = SCENARIO.demand.reasons["question"]
NEUTRAL = dict(opportunity=0.0, resolve=0.5, ask=0.0, buy=0.0, time=0.0, value=0.0)


def hold(**draws: float) -> Outcome:
    """A conversation about a question, unhurried, with these draws (the rest neutral)."""
    row = CONVERSATION_DRAWS.row(**(NEUTRAL | draws))
    return CONVERSATION.hold(240.0, QUESTION, 0.5, Staff(), Guidance(0.0, 0.0), 0.0, 0.0, row)


def test_the_outcome_has_every_field_on_both_paths() -> None:
    offered, not_offered = hold(), hold(opportunity=0.99)
    for outcome in (offered, not_offered):
        assert isinstance(outcome, Outcome)
        assert len(outcome) == len(Outcome._fields)
    assert offered.offered and not not_offered.offered
    assert offered.talk == pytest.approx(not_offered.talk + SCENARIO.conversation.offer_seconds)


def test_each_conversation_draw_drives_what_it_names() -> None:
    assert hold(opportunity=0.0).opportunity and not hold(opportunity=0.99).opportunity
    assert hold(resolve=0.0).resolved and not hold(resolve=0.99).resolved
    assert hold(ask=0.0).offered and not hold(ask=0.99).offered
    assert hold(buy=0.0).sold and not hold(buy=0.99).sold
    assert hold(time=1.0).talk > hold(time=0.0).talk > hold(time=-1.0).talk
    assert hold(value=1.0).sale_value > hold(value=0.0).sale_value > hold(value=-1.0).sale_value


# --- demand, what follows a contact, outbound calls -------------------------------------------


def run_with(scenario: sim.Scenario, **rows: list[float]) -> sim.RunResult:
    """A run whose behaviour draws the given fixed rows (`demand`, `after`, `outbound`)."""
    model = sim.build_model(scenario, seed=1)
    for name, row in rows.items():
        setattr(model.behavior, f"_{name}", lambda row=row: row)
    model.run_model()
    return gather(model, 0.0)


SHORT = {"calendar.days": 1, "customers.population": 2_000, "arrivals.rate_per_hour": 120.0}
QUIET = dict(broken=0.99, survey=0.99, churn=0.99, callback=0.99, csat=0.0, nps=0.0)


def after(**draws: float) -> list[float]:
    return AFTER_CONTACT_DRAWS.row(**(QUIET | {"callback_delay": 0.1} | draws))


def test_demand_draws_pick_the_customer_and_the_reason() -> None:
    last_reason = list(SCENARIO.demand.reasons)[-1]
    result = run_with(
        sim.load_scenario(None, SHORT), demand=DEMAND_DRAWS.row(customer=0.0, reason=0.999)
    )
    value = result.calls[result.calls["kind"] == "value"]
    assert len(value) > 50
    assert set(value["customer"]) == {0} and set(value["reason"]) == {last_reason}


def test_after_contact_draws_drive_survey_callback_and_churn() -> None:
    scenario = sim.load_scenario(None, SHORT | {"demand.broken_promise_rate": 1.0})
    quiet = run_with(scenario, after=after())
    assert quiet.kpis["survey_answers"] == 0 and quiet.kpis["churned_customers"] == 0
    assert (quiet.calls["kind"] == "callback").sum() == 0
    surveyed = run_with(scenario, after=after(survey=0.0, csat=9.0, nps=9.0))
    assert surveyed.kpis["survey_answers"] == surveyed.kpis["offered"]  # abandoned answer too
    assert set(surveyed.calls["csat"].dropna()) == {5.0}
    assert set(surveyed.calls["nps"].dropna()) == {10.0}
    broken = run_with(scenario, after=after(broken=0.0, callback=0.0))
    assert (broken.calls["kind"] == "callback").sum() > 0
    unhappy = scenario.with_overrides({"churn.threshold": 1.0, "churn.max_probability": 1.0})
    assert run_with(unhappy, after=after(churn=0.0)).kpis["churned_customers"] > 0
    assert run_with(unhappy, after=after(churn=0.99)).kpis["churned_customers"] == 0


def test_outbound_draws_drive_connecting_interest_and_buying() -> None:
    # one customer takes every call here: no satiation, so every offer can sell
    volume = sim.load_scenario(
        None, SHORT | {"policy.name": "volume", "sales.purchase_satiation": 0.0}
    )

    def outbound(**draws: float) -> dict[str, float]:
        neutral = dict(customer=0.5, connect=0.0, interest=0.0, buy=0.0, churn=0.99, value=0.0)
        row = OUTBOUND_DRAWS.row(**(neutral | {"talk": 1.0} | draws))
        return run_with(volume, outbound=row).kpis

    buying = outbound()
    assert buying["outbound_attempts"] > 0
    assert buying["outbound_sales"] == buying["outbound_connects"] == buying["outbound_attempts"]
    assert outbound(connect=0.99)["outbound_connects"] == 0
    assert outbound(interest=0.99)["outbound_sales"] == 0
    assert outbound(buy=0.99)["outbound_sales"] == 0
