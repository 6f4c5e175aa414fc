"""Mechanism tests of the behavioural model: each would fail if its mechanism were missing or
reversed. Comparisons are paired (same seed, common random numbers); margins are several
standard errors of the difference, derived from the counts in the run."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.behavior.policy import Policy, register_policy
from sim.scenario.policy import PolicyParameters, resolve_policy
from tests.helpers import baseline

ISSUE_KPIS = [
    "revenue", "sales_revenue", "recurring_revenue", "cost", "profit", "sales", "conversion_rate",
    "csat", "nps", "fcr", "failure_demand_share", "churned_customers", "churned_value",
    "attrition", "mean_skill", "mean_stress", "coaching_hours", "outbound_attempts",
    "outbound_connects",
]  # fmt: skip


def short(**overrides):
    """Ten days of the baseline with no warm-up (a test that needs one says so)."""
    overrides = {"calendar__warmup_days": 0, **overrides}
    return baseline(calendar__days=10, customers__population=30_000, **overrides)


def two_proportion_margin(p1: float, n1: float, p2: float, n2: float, z: float = 4.0) -> float:
    """z standard errors of the difference of two independent proportions."""
    return z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


@pytest.fixture(scope="module")
def by_policy():
    return {
        name: sim.run(short(policy__name=name), seed=3) for name in ("aht", "volume", "quality")
    }


def test_every_kpi_of_the_issue_is_reported(by_policy):
    for name, result in by_policy.items():
        missing = [k for k in ISSUE_KPIS if k not in result.kpis]
        assert not missing, (name, missing)
        assert all(isinstance(v, float) for v in result.kpis.values())
        daily = result.daily
        assert len(daily) == 10
        for column in (
            "revenue",
            "sales",
            "csat",
            "fcr",
            "failure_demand_share",
            "mean_skill",
            "mean_stress",
            "churned_customers",
            "attrition",
            "outbound_attempts",
        ):
            assert column in daily.columns, column


def test_a_tighter_aht_target_shortens_calls_and_resolves_less():
    """Felt pressure comes from how tight the target is against what the team achieves."""
    calm = sim.run(short(policy__name="custom"), seed=5).kpis
    tight = sim.run(short(policy__name="custom", policy__aht_target_seconds=200.0), seed=5)
    loose = sim.run(short(policy__name="custom", policy__aht_target_seconds=900.0), seed=5)
    hurried = tight.kpis
    assert loose.daily["mean_pressure"].max() == 0.0  # far above what the team achieves
    assert tight.daily["mean_pressure"].mean() > 0.3
    assert hurried["aht"] < calm["aht"] - 10
    n1 = calm["handled"] * (1 - calm["failure_demand_share"])
    n2 = hurried["handled"] * (1 - hurried["failure_demand_share"])
    margin = two_proportion_margin(calm["fcr"], n1, hurried["fcr"], n2)
    assert hurried["fcr"] < calm["fcr"] - margin
    margin = two_proportion_margin(
        calm["failure_demand_share"], calm["offered"],
        hurried["failure_demand_share"], hurried["offered"],
    )  # fmt: skip
    assert hurried["failure_demand_share"] > calm["failure_demand_share"] + margin


def test_more_coaching_gives_higher_skill_after_weeks():
    # a green team (new hires' skill, little practice behind them) with enough coaches
    green = {"policy__name": "custom", "policy__team_size": 4, "employees__quit_base_daily": 0.05}
    none = sim.run(short(policy__coaching_hours_per_week=0.0, **green), seed=2)
    lots = sim.run(short(policy__coaching_hours_per_week=3.0, **green), seed=2)
    assert lots.kpis["coaching_hours"] > 0 and none.kpis["coaching_hours"] == 0
    assert lots.kpis["mean_skill"] > none.kpis["mean_skill"] + 0.01
    skill = lots.daily["mean_skill"].to_numpy() - none.daily["mean_skill"].to_numpy()
    assert skill[-1] > skill[0] > 0  # the gap widens week by week


def test_quit_hazard_rises_with_stress_and_falls_with_engagement():
    from sim.engine.employee import Employee

    model = sim.build_model(short(), seed=1)
    workforce = model.behavior.workforce
    employee = Employee(model)
    hazards = []
    for stress in (0.0, 0.3, 0.6, 0.9):
        employee.stress, employee.engagement = stress, 0.7
        hazards.append(workforce.quit_hazard(employee))
    assert hazards == sorted(hazards) and hazards[-1] > 5 * hazards[0]
    employee.stress, employee.engagement = 0.3, 0.9
    assert workforce.quit_hazard(employee) < hazards[1]


@pytest.mark.slow
def test_higher_stress_gives_more_attrition():
    # 60 days and a strong stress effect in both runs, so the expected difference in quits
    # (about 25 against 1) is several standard errors; only the stress mechanism differs
    common = {
        "calendar__days": 60,
        "customers__population": 20_000,
        "employees__quit_stress_effect": 4.0,
    }
    calm = baseline(
        **common, employees__stress_pressure_gain=0.0, employees__stress_occupancy_gain=0.0
    )
    tense = baseline(**common, employees__stress_pressure_gain=0.6,
                     employees__stress_occupancy_gain=2.0)  # fmt: skip
    calm, tense = sim.run(calm, seed=4).kpis, sim.run(tense, seed=4).kpis
    assert tense["mean_stress"] > calm["mean_stress"] + 0.2
    # quits are Poisson-like counts: the difference must exceed 3 of its standard errors
    margin = 3 * math.sqrt(tense["attrition"] + calm["attrition"])
    assert tense["attrition"] - calm["attrition"] > margin, (tense["attrition"], calm["attrition"])


@pytest.mark.parametrize("policy", ["aht", "volume", "quality"])
def test_no_potential_and_no_recurring_value_means_no_revenue(policy):
    scenario = short(
        policy__name=policy,
        customers__potential_mean=0.0,
        customers__monthly_value_mean=0.0,
        sales__intent_potential=0.0,
        sales__monthly_value_uplift=0.0,
    )
    kpis = sim.run(scenario, seed=1).kpis
    assert kpis["revenue"] == 0 and kpis["sales"] == 0 and kpis["recurring_revenue"] == 0
    assert kpis["cost"] > 0 and kpis["profit"] == -kpis["cost"]


def test_only_the_volume_policy_calls_out(by_policy):
    assert by_policy["volume"].kpis["outbound_attempts"] > 1000
    assert (
        0
        < by_policy["volume"].kpis["outbound_connects"]
        < by_policy["volume"].kpis["outbound_attempts"]
    )
    for name in ("aht", "quality"):
        assert by_policy[name].kpis["outbound_attempts"] == 0


def test_accounting_adds_up(by_policy):
    for result in by_policy.values():
        k = result.kpis
        calls = result.calls
        assert k["revenue"] == pytest.approx(k["sales_revenue"] + k["recurring_revenue"], rel=1e-12)
        assert k["labour_cost"] == pytest.approx(
            k["employee_cost"] + k["team_leader_cost"], rel=1e-12
        )
        assert k["other_cost"] == pytest.approx(
            k["hiring_cost"] + k["overhead_cost"] + k["telephony_cost"] + k["acquisition_cost"],
            rel=1e-12,
        )
        assert k["cost"] == pytest.approx(k["labour_cost"] + k["other_cost"], rel=1e-12)
        assert k["profit"] == pytest.approx(k["revenue"] - k["cost"], rel=1e-12)
        assert k["profit_after_churn"] == pytest.approx(
            k["profit"] - k["churned_value"] + k["acquired_value"]
        )
        assert k["acquisition_cost"] == k["newcomers"] * result.scenario.money.acquisition_cost
        # beyond the run: each event's horizon less the months the run's revenue counted
        # already, which are at most the run's calendar days (the first days count in full)
        assert k["profit_and_base_value"] == pytest.approx(
            k["profit"] - k["churned_value_beyond_run"] + k["acquired_value_beyond_run"]
        )
        months = len(result.daily) * 7 / 5 / (365.25 / 12)  # calendar months, 5-day weeks
        horizon = result.scenario.churn.horizon_months
        for lost, beyond in (
            ("churned_value", "churned_value_beyond_run"),
            ("acquired_value", "acquired_value_beyond_run"),
        ):
            assert k[lost] * (1 - (months + 0.2) / horizon) <= k[beyond] <= k[lost]
        assert k["paid_hours"] > k["staffed_hours"] > 0
        line = calls["wait"].sum() + calls.loc[calls["outcome"] == "answered", "talk_time"].sum()
        inbound = line / 60 * result.scenario.money.telephony_per_minute
        if k["outbound_attempts"] == 0:
            assert k["telephony_cost"] == pytest.approx(inbound, rel=1e-9)
        else:  # outbound calls are on the line too
            assert k["telephony_cost"] > inbound
        calls = result.calls
        assert set(calls["outcome"].unique()) <= {"answered", "abandoned"}
        handled = calls["outcome"] == "answered"
        assert (calls.loc[handled, "resolved"] >= 0).all()
        assert (calls.loc[~handled, "resolved"] == -1).all()
        assert calls.loc[handled, "quality"].between(0, 1).all()
        assert (calls["sold"] <= calls["offered"]).all()
        sold_inbound = int(calls["sold"].sum())
        assert sold_inbound + k["outbound_sales"] == k["sales"]
        assert calls["sale_value"].sum() <= k["sales_revenue"] + 1e-6
        # the base changes by churn and newcomers only (word of mouth: docs/MODEL.md §6.11)
        assert k["active_customers"] == 30_000 + k["newcomers"] - k["churned_customers"]
        assert result.daily["churned_customers"].sum() == k["churned_customers"]
        assert result.daily["newcomers"].sum() == k["newcomers"]
        assert result.daily["sales"].sum() == k["sales"]
        assert result.daily["recurring_revenue"].sum() == pytest.approx(k["recurring_revenue"])
        # the days' money adds up to the run's (the report's daily profit relies on it)
        lines = ("cost", "labour_cost", "other_cost", "acquisition_cost", "churned_value")
        for line in (*lines, "acquired_value", "profit_after_churn"):
            assert result.daily[line].sum() == pytest.approx(k[line], rel=1e-12), line
        assert result.daily["active_customers"].iloc[-1] == k["active_customers"]


def test_failure_demand_is_an_outcome_not_an_input(by_policy):
    shares = {n: r.kpis["failure_demand_share"] for n, r in by_policy.items()}
    assert len({round(s, 4) for s in shares.values()}) == 3
    calls = by_policy["aht"].calls
    repeats = calls[calls["kind"] != "value"]
    firsts = calls[calls["kind"] == "value"]
    # every repeat contact belongs to a customer who contacted before
    assert repeats["customer"].isin(firsts["customer"]).all()


def test_policies_act_only_through_parameters():
    """A policy composed from the aht preset's parameters behaves exactly like 'aht'."""
    _, aht = resolve_policy(short().policy)
    composed = {f"policy.{k}": v for k, v in aht.__dict__.items()}
    a = sim.run(short(policy__name="aht"), seed=9)
    b = sim.run(short().with_overrides({"policy.name": "custom", **composed}), seed=9)
    assert a.kpis == b.kpis
    pd.testing.assert_frame_equal(a.calls, b.calls)


class ShieldingPolicy(Policy):
    """A user's policy: team leaders keep the targets' pressure away from the phones."""

    def guidance(self, employee):
        base = super().guidance(employee)
        return type(base)(0.0, base.quality_gate)


def test_user_policy_class_can_be_registered_and_named_by_path():
    register_policy("shielding-test", ShieldingPolicy, aht_target_seconds=200.0)
    registered = sim.run(short(policy__name="shielding-test"), seed=1).kpis
    by_path = sim.run(short(policy__name="tests.test_behavior:ShieldingPolicy",
                            policy__aht_target_seconds=200.0), seed=1).kpis  # fmt: skip
    plain = sim.run(short(policy__name="custom", policy__aht_target_seconds=200.0), seed=1).kpis
    assert registered == by_path
    assert registered["aht"] > plain["aht"] + 10 and registered["offers"] > plain["offers"]
    with pytest.raises(ValueError, match="unknown policy parameters"):
        register_policy("broken", Policy, no_such_parameter=1)
    assert PolicyParameters().outbound_when_idle == 0


def test_same_seed_same_behavior_different_seed_differs():
    a, b = sim.run(short(), seed=11), sim.run(short(), seed=11)
    pd.testing.assert_frame_equal(a.calls, b.calls)
    assert a.kpis == b.kpis
    c = sim.run(short(), seed=12)
    assert c.kpis["sales"] != a.kpis["sales"]


def test_churned_customers_stop_calling_and_paying():

    model = sim.build_model(short(churn__max_probability=1.0, churn__threshold=0.9), seed=2)
    model.run_model()
    layer = model.behavior
    customers = layer.customers
    churned_at = customers.churned_at
    assert len(churned_at) > 100
    assert layer.lost_demand > 0  # value demand of churned customers never reaches the queue
    arrival = np.asarray(model.log.arrival)
    customer = np.asarray(model.log.customer)
    after = [t > churned_at[c] for t, c in zip(arrival, customer, strict=True) if c in churned_at]
    assert after and not any(after)  # no contact of a customer after they left
    # they stopped paying: the base's recurring value is exactly that of those who stay
    value = np.asarray(customers.monthly_value)
    gone = np.asarray(customers.churned).astype(bool)
    assert gone.sum() == len(churned_at)
    assert customers.active_monthly_value == pytest.approx(value[~gone].sum())


def test_manifest_records_the_resolved_policy(tmp_path):
    result = sim.run(short(policy__name="quality", policy__coaching_hours_per_week=2.0), seed=1)
    policy = result.manifest()["policy"]
    assert policy["class"] == "sim.behavior.policy.Policy"
    assert policy["coaching_hours_per_week"] == 2.0  # the override
    assert policy["closing_quality_gate"] == 0.55  # the preset's value


def test_sales_worth_nothing_run_and_earn_nothing():
    """A zero sale value is allowed (sales then add no revenue), not a math error."""
    result = sim.run(baseline(calendar__days=2, sales__value_mean=0.0), seed=1)
    assert result.kpis["sales"] > 0
    assert result.kpis["sales_revenue"] == 0.0


def test_a_center_that_answers_nobody_is_far_worse_than_one_that_answers():
    answering = sim.run(short(), seed=4).kpis
    dead = sim.run(short(staffing__scale=0.0), seed=4).kpis
    assert dead["handled"] == 0 and dead["sales_revenue"] == 0
    assert dead["cost"] < answering["cost"]  # nobody to pay ...
    assert dead["churned_value"] > 5 * answering["churned_value"]  # ... but customers leave
    # the lost sales and customers outweigh the wages saved many times over
    assert answering["profit_after_churn"] - dead["profit_after_churn"] > 3 * (
        answering["cost"] - dead["cost"]
    )
