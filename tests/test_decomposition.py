"""What drives a difference, split exactly (sim.experiments.decomposition): staff cost is
accounting only, `b` with all of `a`'s levers is `a`, and the three splits add up on a runs
table made by hand whose answers are known."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiments import levers, mechanisms
from sim.experiments.decomposition import (
    BASE,
    COLUMNS,
    FUNNEL,
    OUTBOUND,
    TOTAL,
    adds_up,
    decomposition_table,
    decomposition_variants,
)
from sim.metrics.kpi_catalog import MONEY_KPIS
from sim.scenario.policy import PRESETS, PolicyParameters
from tests.helpers import baseline

SMALL_RUN = {
    "calendar__days": 2,
    "calendar__warmup_days": 1,
    "customers__population": 5_000,
    "arrivals__rate_per_hour": 60.0,
    "staffing__target_service_level": "none",  # a 1-day warm-up: on the fixed schedule
}
FREE_STAFF = {
    "money__employee_hourly_cost": 0.0,
    "money__team_leader_hourly_cost": 0.0,
    "money__overhead_per_paid_hour": 0.0,
}


@pytest.mark.parametrize("policy", ["quality", "volume"])
def test_staff_cost_is_accounting_only(policy: str) -> None:
    # money parameters feed back into no behaviour: the same contacts, the same team, the
    # same everything but the staff-cost lines, which profit after churn no longer subtracts
    paid = sim.run(baseline(policy__name=policy, **SMALL_RUN), 2)
    free = sim.run(baseline(policy__name=policy, **SMALL_RUN, **FREE_STAFF), 2)
    pd.testing.assert_frame_equal(paid.calls, free.calls)
    pd.testing.assert_frame_equal(paid.intervals, free.intervals)
    money = set(MONEY_KPIS) | {"labour_share"}
    for name, value in paid.kpis.items():
        if name not in money:
            assert free.kpis[name] == value or (np.isnan(value) and np.isnan(free.kpis[name]))
    lines = mechanisms.STAFF_COST_LINES
    assert all(free.kpis[line] == 0.0 for line in lines)
    assert all(paid.kpis[line] > 0.0 for line in lines)
    for name in ("revenue", "sales_revenue", "hiring_cost", "telephony_cost", "churned_value"):
        assert free.kpis[name] == paid.kpis[name]
    added_back = mechanisms.profit_without_staff_cost(pd.DataFrame([paid.kpis])).iloc[0]
    # the same sum in another order: equal within a few roundings of the ledger's largest line
    tolerance = 8 * np.finfo(float).eps * paid.kpis["revenue"]
    assert free.kpis["profit_after_churn"] == pytest.approx(added_back, rel=0, abs=tolerance)
    not_money = [c for c in paid.daily if c not in money and c not in {"cost", "profit"}]
    pd.testing.assert_frame_equal(paid.daily[not_money], free.daily[not_money])


def test_every_policy_parameter_is_in_exactly_one_lever() -> None:
    grouped = [name for names in levers.LEVERS.values() for name in names]
    assert len(grouped) == len(set(grouped)), "a parameter in two levers"
    assert set(grouped) == set(PolicyParameters.model_fields), (
        f"add {levers.unassigned()} to LEVERS in sim/experiments/levers.py "
        "(a review parameter to REVIEW_PARAMETERS)"
    )


@pytest.mark.parametrize(("a", "b"), [("quality", "aht"), ("volume", "aht"), ("aht", "quality")])
def test_b_with_all_of_as_levers_is_a_bit_for_bit(a: str, b: str) -> None:
    changes = levers.differing_levers(a, b)
    assert changes
    overrides = {
        f"policy__{name}": va for lever in changes.values() for name, (va, _) in lever.items()
    }
    as_a = sim.run(baseline(policy__name=b, **SMALL_RUN, **overrides), 5)
    real_a = sim.run(baseline(policy__name=a, **SMALL_RUN), 5)
    assert as_a.kpis == real_a.kpis
    pd.testing.assert_frame_equal(as_a.calls, real_a.calls)


def test_levers_on_which_the_presets_agree_are_left_out() -> None:
    assert "outbound calling" not in levers.differing_levers("quality", "aht")
    assert "outbound calling" in levers.differing_levers("volume", "aht")
    _, which = levers.lever_variants("quality", "aht")
    assert len(which) == 2**3
    assert which[frozenset()] == "aht"
    assert which[frozenset(levers.differing_levers("quality", "aht"))] == "quality"
    with pytest.raises(ValueError, match="preset"):
        levers.differing_levers("quality", "nonsense")


def test_mechanism_coalitions_are_pairs_of_variants_with_the_same_switches() -> None:
    variants, which = mechanisms.mechanism_variants("quality", "aht")
    simulated = mechanisms.SIMULATED
    assert len(which) == 2 * 2 ** len(simulated)
    # b does not depend on the coaching switch (a gets b's off-phone hours): one variant
    assert len(variants) == 2 ** len(simulated) + 2 ** (len(simulated) - 1)
    everything = frozenset(simulated)
    assert which[("quality", everything)] == "quality" and which[("aht", everything)] == "aht"
    none = variants[which[("quality", frozenset())]]
    assert none["employees.target_pressure"] == 0.0 and none["demand.callback_probability"] == 0.0
    assert none["policy.team_size"] == PRESETS["aht"].parameters.team_size
    assert "policy.team_size" not in variants[which[("aht", frozenset())]]
    for on in itertools.combinations(simulated, 3):  # the same switches in both policies
        left, right = (variants[which[(p, frozenset(on))]] for p in ("quality", "aht"))
        shared = {k: v for k, v in left.items() if not k.startswith("policy.")}
        assert shared == {k: v for k, v in right.items() if not k.startswith("policy.")}
    names = decomposition_variants("quality", "aht")
    assert list(names)[:2] == ["quality", "aht"]
    assert set(variants) <= set(names)


# --- the splits on a runs table made by hand -----------------------------------------------

SEEDS = (1, 2, 3)
EFFECT = {  # what each mechanism adds to each policy's profit after churn, when on
    "quality": {"time pressure": 0.0, "asking": 40.0, "conversion": 100.0},
    "aht": {"time pressure": -200.0, "asking": 10.0, "conversion": 30.0},
}
STAFF = {"quality": 300.0, "aht": 250.0}  # staff cost lines (employees, leaders, seats) summed
LEVER_EFFECT = {
    "targets and reviews": 220.0,
    "offer instruction": 30.0,
    "coaching, training, meetings and team size": -20.0,
}


def profit(policy: str, on: frozenset[str], seed: int) -> float:
    """Profit after churn before staff cost: additive, plus failure demand × churn together
    (an interaction: both on give 60 to quality), plus noise shared by the pair (CRN)."""
    value = 1000.0 + sum(EFFECT[policy].get(m, 0.0) for m in on) + 7.0 * seed
    if policy == "quality" and {"failure demand", "churn"} <= on:
        value += 60.0
    return value


def runs_by_hand() -> pd.DataFrame:
    _, which = mechanisms.mechanism_variants("quality", "aht")
    _, lever_which = levers.lever_variants("quality", "aht")
    rows = {}
    for (policy, on), name in which.items():
        for seed in SEEDS:
            staff = STAFF[policy] / 3
            rows[(name, seed)] = {
                "profit_after_churn": profit(policy, on, seed) - STAFF[policy],
                "employee_cost": staff,
                "team_leader_cost": staff,
                "overhead_cost": staff,
            }
    for given, name in lever_which.items():
        for seed in SEEDS:
            if name in ("quality", "aht"):
                continue
            value = rows[("aht", seed)]["profit_after_churn"] + sum(
                LEVER_EFFECT[lever] for lever in given
            )
            rows[(name, seed)] = dict(rows[("aht", seed)], profit_after_churn=value)
    funnel = {  # opportunities, offers, inbound sales, their revenue, outbound sales revenue
        "quality": (1000.0, 600.0, 200.0, 36_000.0, 0.0),
        "aht": (1000.0, 500.0, 125.0, 22_500.0, 500.0),
    }
    out = []
    for (name, seed), row in rows.items():
        policy = name.split(" ")[0]
        opportunities, offers, sales, revenue, outbound = funnel[policy]
        out.append(
            {"variant": name, "seed": seed, "status": "ok", **row}
            | {
                "opportunities": opportunities,
                "offers": offers,
                "inbound_sales": sales,
                "inbound_sales_revenue": revenue,
                "outbound_sales_revenue": outbound,
                "sales_revenue": revenue + outbound,
            }
        )
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return decomposition_table(runs_by_hand(), "quality", "aht")


def part(table: pd.DataFrame, split: str, name: str) -> pd.Series:
    rows = table[(table["split"] == split) & (table["part"] == name)]
    assert len(rows) == 1, (split, name)
    return rows.iloc[0]


def test_the_table_has_its_columns_and_adds_up(table: pd.DataFrame) -> None:
    assert list(table.columns) == COLUMNS
    assert list(dict.fromkeys(table["split"])) == ["mechanisms", "levers", "sales"]
    assert adds_up(table) == []
    assert (table["n"] == len(SEEDS)).all()
    assert table[["mean", "ci_low", "ci_high"]].notna().all().all()
    assert (table["what"].str.len() > 0).all()


def test_mechanisms_split_is_shapley_with_a_base_term(table: pd.DataFrame) -> None:
    get = lambda name: part(table, "mechanisms", name)["mean"]  # noqa: E731
    whole = (1000 + 0 + 40 + 100 + 60 - 300) - (1000 - 200 + 10 + 30 - 250)
    assert get(TOTAL) == pytest.approx(whole, rel=1e-12)
    assert get(BASE) == pytest.approx(0.0, abs=1e-9)  # all off: the same 1000 + noise
    # additive mechanisms: each gets its own difference
    assert get("time pressure") == pytest.approx(200.0, rel=1e-12)
    assert get("asking") == pytest.approx(30.0, rel=1e-12)
    assert get("conversion") == pytest.approx(70.0, rel=1e-12)
    assert get("coaching and training") == pytest.approx(0.0, abs=1e-9)
    # failure demand and churn act only together: Shapley splits the 60 evenly
    assert get("failure demand") == pytest.approx(30.0, rel=1e-12)
    assert get("churn") == pytest.approx(30.0, rel=1e-12)
    assert get("staff cost") == pytest.approx(-50.0, rel=1e-12)  # accounting, from the same runs
    assert part(table, "mechanisms", "asking")["ci_low"] == pytest.approx(30.0)  # no noise left


def test_levers_split_has_no_base_and_ends_at_a_minus_b(table: pd.DataFrame) -> None:
    rows = table[table["split"] == "levers"]
    assert BASE not in set(rows["part"])
    assert part(table, "levers", TOTAL)["mean"] == part(table, "mechanisms", TOTAL)["mean"]
    # in this table b with every lever is not a: the last lever takes what the others leave
    assert part(table, "levers", "offer instruction")["mean"] == pytest.approx(
        30.0 + (310 - 230) / 3, rel=1e-12
    )


def test_sales_split_is_lmdi_plus_outbound(table: pd.DataFrame) -> None:
    get = lambda name: part(table, "sales", name)["mean"]  # noqa: E731
    assert get(TOTAL) == pytest.approx(36_000 - 23_000, rel=1e-12)
    assert get(OUTBOUND) == pytest.approx(-500.0, rel=1e-12)
    assert get("opportunities") == 0.0  # the same opportunities on both sides
    inbound = sum(get(name) for name in FUNNEL)
    assert inbound == pytest.approx(36_000 - 22_500, rel=1e-12)
    assert get("offers per opportunity") > 0 and get("sales per offer") > 0
    assert get("value per sale") == 0.0  # 180 a sale on both sides


def test_a_table_that_does_not_add_up_is_named(table: pd.DataFrame) -> None:
    broken = table.copy()
    broken.loc[(broken["split"] == "sales") & (broken["part"] == OUTBOUND), "mean"] += 1.0
    problems = adds_up(broken)
    assert len(problems) == 1 and problems[0].startswith("sales: the parts add up to")
    assert adds_up(table.drop(columns="n")) == ["columns missing: ['n']"]
    no_total = table[~((table["split"] == "levers") & (table["part"] == TOTAL))]
    assert adds_up(no_total) == ["levers: 0 total rows, not 1"]


def test_a_variant_without_runs_is_named() -> None:
    runs = runs_by_hand()
    runs = runs[runs["variant"] != "aht"]
    with pytest.raises(ValueError, match="no finished runs of \\['aht'\\]"):
        decomposition_table(runs, "quality", "aht")
