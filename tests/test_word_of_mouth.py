"""Word of mouth in whole runs (docs/MODEL.md §6.11): a base of promoters grows and a base of
detractors shrinks by the counts the documented equations give, each recomputed here from the
run's daily shares; a neutral reputation balances churn with the exogenous inflow; the k-th
newcomer is the same under every policy; the daily money adds up to the KPIs; a closed base
refuses the channel's settings.

Counts are Poisson given the reputation path, so every statistical check allows 4 standard
deviations of its expected count (sqrt of it), and each run has a fixed seed."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import sim
from sim.cli import main
from sim.metrics import gather
from tests.helpers import SCENARIOS, baseline

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
N0 = 20_000
WARMUP = 2


def small(**overrides: Any) -> sim.Scenario:
    """30 measured days after a 2-day warm-up, a base of 20,000 and a quarter of the baseline's
    calls and staff (fast), a fixed schedule; newcomers at 1 % of the base a month."""
    return baseline(
        **{
            "calendar__days": 30,
            "calendar__warmup_days": WARMUP,
            "staffing__target_service_level": "none",
            "customers__population": N0,
            "arrivals__rate_per_hour": 50.0,
            "staffing__scale": 0.25,
            "word_of_mouth__baseline_monthly_share": 0.01,
            **overrides,
        }
    )


def pinned(satisfaction: float, **overrides: Any) -> sim.Scenario:
    """Every customer at `satisfaction` for good (a narrow beta, contacts do not move it), the
    neutral shares of the default base (0.226, 0.392) and short lags, so reputation settles
    within a week at the base's signal."""
    return small(
        **{
            "customers__satisfaction_mean": satisfaction,
            "customers__satisfaction_concentration": 1e6,
            "satisfaction__memory": 0.0,
            "word_of_mouth__neutral_promoter_share": 0.226,
            "word_of_mouth__neutral_detractor_share": 0.392,
            "word_of_mouth__spread_days": 2.0,
            "word_of_mouth__memory_days": 3.0,
            **overrides,
        }
    )


class Run:
    """A finished run: its result (KPIs and measured tables), every day's row (warm-up days
    too) and the customer base."""

    def __init__(self, scenario: sim.Scenario, seed: int):
        model = sim.build_model(scenario, seed)
        model.run_model()
        self.scenario = scenario
        self.result = gather(model, time.perf_counter())
        self.kpis = self.result.kpis
        layer = model.behavior
        self.rows = [row | {"weekday": model.hours.weekday(row["day"])} for row in layer.daily]
        self.customers = layer.customers
        self.warmup = model.hours.warmup


def calendar_gap(weekday: str, open_days: list[str]) -> int:
    """Calendar days from a closing on `weekday` to the next opening."""
    start = WEEK.index(weekday)
    return next(gap for gap in range(1, 8) if WEEK[(start + gap) % 7] in open_days)


def expected_newcomers(run: Run) -> float:
    """The measured newcomers the equations expect, from every closing's base shares and
    public stories (warm-up closings move reputation but their newcomers are not counted):
    x = 2 [(p - p*) - alpha (q - q*)] / (1 + alpha); Q += (1 - e^{-D/ts}) (x - Q);
    R += (1 - e^{-D/tm}) (Q - R);
    P = P e^{-D/tp} + s; R_eff = R - h P; E[n] = N0 max(0, a0 + gamma R_eff / 12) D / (365.25/12).
    Also checks the run's reputation column against R_eff."""
    s = run.scenario
    w, open_days = s.word_of_mouth, list(s.calendar.weekdays)
    spreading = remembered = stories = 0.0
    expected = 0.0
    for row in run.rows:
        gap = calendar_gap(row["weekday"], open_days)
        alpha = w.detractor_weight  # weights 2 / (1 + alpha) and 2 alpha / (1 + alpha)
        x = (row["base_promoters"] - w.neutral_promoter_share) - alpha * (
            row["base_detractors"] - w.neutral_detractor_share
        )
        x *= 2 / (1 + alpha)
        spreading += (1 - math.exp(-gap / w.spread_days)) * (x - spreading)
        remembered += (1 - math.exp(-gap / w.memory_days)) * (spreading - remembered)
        stories = stories * math.exp(-gap / w.public_story_days) + row["public_stories"]
        reputation = remembered - w.public_story_hit * stories
        assert row["reputation"] == pytest.approx(reputation, rel=1e-9, abs=1e-12)
        share = max(0.0, w.baseline_monthly_share + w.strength * reputation / 12)
        if row["day"] >= run.warmup:
            expected += s.customers.population * share * gap / (365.25 / 12)
    return expected


def baseline_only(run: Run) -> float:
    """The measured newcomers at the baseline rate alone (neutral reputation)."""
    s = run.scenario
    gaps = [
        calendar_gap(row["weekday"], list(s.calendar.weekdays))
        for row in run.rows
        if row["day"] >= run.warmup
    ]
    return s.customers.population * s.word_of_mouth.baseline_monthly_share * sum(gaps) / 30.4375


def within(observed: float, expected: float, what: str) -> None:
    """A Poisson count within 4 standard deviations of its expectation."""
    sigma = math.sqrt(expected)
    print(f"{what}: expected {expected:.1f}, observed {observed:.0f}, sigma {sigma:.1f}")
    assert abs(observed - expected) < 4 * sigma, (what, observed, expected, sigma)


def measured_rows_match_the_daily_table(run: Run) -> None:
    """The rows used here are the result's daily table on the measured days."""
    measured = [row for row in run.rows if row["day"] >= run.warmup]
    daily = run.result.daily
    assert len(daily) == len(measured) == run.scenario.calendar.days
    for name in ("base_promoters", "base_detractors", "reputation", "newcomers"):
        assert daily[name].tolist() == [row[name] for row in measured], name


# --- promoters grow, detractors shrink --------------------------------------------------------


def test_a_center_of_promoters_grows_as_the_equations_say() -> None:
    strong = pinned(0.95, word_of_mouth__strength=0.15)
    run = Run(strong, seed=3)
    measured_rows_match_the_daily_table(run)
    assert min(row["base_promoters"] for row in run.rows) > 0.7  # promoters all along
    assert max(row["base_detractors"] for row in run.rows) < 0.05
    expected = expected_newcomers(run)
    observed = run.kpis["newcomers"]
    within(observed, expected, "promoters: newcomers")
    neutral = Run(pinned(0.95, word_of_mouth__strength=0.0), seed=3)
    only = baseline_only(neutral)
    assert expected_newcomers(neutral) == pytest.approx(only, rel=1e-12)
    within(neutral.kpis["newcomers"], only, "promoters' baseline only: newcomers")
    assert expected > 1.5 * only  # the channel's effect is large against the noise
    margin = 4 * math.sqrt(observed + neutral.kpis["newcomers"])
    print(f"promoters - baseline only: {observed - neutral.kpis['newcomers']:.0f} > {margin:.1f}")
    assert observed > neutral.kpis["newcomers"] + margin
    assert run.kpis["net_customers"] > 0 and run.kpis["reputation"] > 0.5


@pytest.fixture(scope="module")
def detractors() -> dict[float, Run]:
    """Bases of detractors at detractor weights 1 and 3 (seed 4)."""
    return {
        alpha: Run(
            pinned(
                0.3,
                word_of_mouth__strength=0.6,
                word_of_mouth__detractor_weight=alpha,
                word_of_mouth__baseline_monthly_share=0.06,
            ),
            seed=4,
        )
        for alpha in (1.0, 3.0)
    }


@pytest.mark.parametrize("alpha", [1.0, 3.0])
def test_a_center_of_detractors_shrinks_as_the_equations_say(detractors, alpha) -> None:
    run = detractors[alpha]
    measured_rows_match_the_daily_table(run)
    assert min(row["base_detractors"] for row in run.rows) > 0.95
    expected, only = expected_newcomers(run), baseline_only(run)
    assert 0 < expected < only - 4 * math.sqrt(only)  # above the floor, below the baseline
    observed = run.kpis["newcomers"]
    within(observed, expected, f"detractors (weight {alpha:g}): newcomers")
    print(f"detractors (weight {alpha:g}): baseline only {only:.1f}, sigma {math.sqrt(only):.1f}")
    assert observed < only - 4 * math.sqrt(only)
    assert run.kpis["reputation"] < -0.5 and run.kpis["net_customers"] < 0
    active = [row["active_customers"] for row in run.rows]
    assert active[-1] < min(active[run.warmup], N0)  # the base shrinks


def test_a_heavier_detractor_weight_brings_fewer_newcomers(detractors) -> None:
    light, heavy = detractors[1.0].kpis["newcomers"], detractors[3.0].kpis["newcomers"]
    margin = 4 * math.sqrt(light + heavy)
    print(f"detractor weight 1 - 3: {light:.0f} - {heavy:.0f} > {margin:.1f}")
    assert light - heavy > margin
    assert expected_newcomers(detractors[1.0]) - expected_newcomers(detractors[3.0]) > margin


# --- a neutral reputation ---------------------------------------------------------------------


@pytest.mark.slow
def test_at_a_neutral_reputation_the_inflow_balances_churn_and_does_not_replace_it() -> None:
    """The default aht center, its base of 250,000, 60 measured days, reputation moving nobody
    (strength 0): the baseline inflow was calibrated to this center's churn, so the two balance;
    with four times the churn the newcomers are the same, day for day (exogenous)."""
    scenario = baseline(calendar__days=60, word_of_mouth__strength=0.0)
    run = sim.run(scenario, seed=2)
    newcomers, churned = run.kpis["newcomers"], run.kpis["churned_customers"]
    sigma = math.sqrt(newcomers + churned)
    print(f"neutral: newcomers {newcomers:.0f}, churned {churned:.0f}, sigma {sigma:.1f}")
    assert newcomers > 200 and churned > 200
    assert abs(newcomers - churned) < 4 * sigma
    leaky = sim.run(scenario.with_overrides({"churn.max_probability": 0.6}), seed=2)
    print(f"neutral, churn x4: churned {leaky.kpis['churned_customers']:.0f}")
    assert leaky.kpis["churned_customers"] > 2 * churned  # the change bites
    assert leaky.kpis["newcomers"] == newcomers
    assert leaky.daily["newcomers"].tolist() == run.daily["newcomers"].tolist()


# --- common random numbers, money, a closed base ------------------------------------------------


def test_the_kth_newcomer_is_the_same_under_every_policy() -> None:
    runs = {name: Run(small(policy__name=name), seed=6) for name in ("aht", "quality")}
    aht, quality = runs["aht"].customers, runs["quality"].customers
    assert aht.initial == quality.initial == N0
    k = min(aht.newcomers, quality.newcomers)
    assert k > 200
    rows = slice(N0, N0 + k)
    assert aht.patience_factor[rows] == quality.patience_factor[rows]
    uplift = runs["aht"].scenario.sales.monthly_value_uplift
    a_value, q_value = np.array(aht.monthly_value[rows]), np.array(quality.monthly_value[rows])
    a_buys, q_buys = np.array(aht.purchases[rows]), np.array(quality.purchases[rows])
    same = a_buys == q_buys  # the same sales (mostly none) on the same drawn value: same bits
    assert same.mean() > 0.9
    np.testing.assert_array_equal(a_value[same], q_value[same])
    a_potential, q_potential = np.array(aht.potential[rows]), np.array(quality.potential[rows])
    np.testing.assert_array_equal(a_potential[same], q_potential[same])  # a sale satiates
    np.testing.assert_allclose(a_value - uplift * a_buys, q_value - uplift * q_buys, rtol=1e-12)
    # satisfaction is the policies' own after the first contact, drawn the same before it
    untouched = (np.array(aht.contacts[rows]) == 0) & (np.array(quality.contacts[rows]) == 0)
    assert untouched.sum() > 50
    np.testing.assert_array_equal(
        np.array(aht.satisfaction[rows])[untouched], np.array(quality.satisfaction[rows])[untouched]
    )


def test_the_daily_acquisition_adds_up_to_the_measured_kpis() -> None:
    run = Run(small(), seed=8)
    kpis, daily = run.kpis, run.result.daily
    warmup = sum(row["newcomers"] for row in run.rows if row["day"] < run.warmup)
    assert warmup > 0 and kpis["newcomers"] > 100  # the window matters
    assert daily["newcomers"].sum() == kpis["newcomers"]
    assert run.customers.newcomers == kpis["newcomers"] + warmup
    cost = run.scenario.money.acquisition_cost
    assert daily["acquisition_cost"].sum() == pytest.approx(kpis["acquisition_cost"], rel=1e-12)
    assert kpis["acquisition_cost"] == pytest.approx(cost * kpis["newcomers"], rel=1e-12)
    assert daily["acquired_value"].sum() == pytest.approx(kpis["acquired_value"], rel=1e-12)
    # the measured newcomers' monthly value when they joined (before any sale), over 12 months
    customers, uplift = run.customers, run.scenario.sales.monthly_value_uplift
    first = customers.initial + int(warmup)
    joined = [
        customers.monthly_value[i] - uplift * customers.purchases[i]
        for i in range(first, customers.population)
    ]
    months = run.scenario.churn.horizon_months
    assert kpis["acquired_value"] == pytest.approx(months * sum(joined), rel=1e-9)
    assert kpis["profit_after_churn"] == pytest.approx(
        kpis["profit"] - kpis["churned_value"] + kpis["acquired_value"], rel=1e-12
    )
    assert kpis["net_customers"] == kpis["newcomers"] - kpis["churned_customers"]


CLOSED = {"word_of_mouth.strength": 0.0, "word_of_mouth.baseline_monthly_share": 0.0}


@pytest.mark.parametrize(
    ("key", "value"), [("word_of_mouth.detractor_weight", 2.0), ("money.acquisition_cost", 50.0)]
)
def test_a_closed_base_refuses_the_channels_settings(key, value) -> None:
    with pytest.raises(sim.ScenarioError, match=key.replace(".", r"\.")) as error:
        sim.load_scenario(SCENARIOS / "baseline.toml", {**CLOSED, key: value})
    assert "\n" not in str(error.value)
    closed = sim.load_scenario(SCENARIOS / "baseline.toml", CLOSED)  # the rates alone: fine
    assert not closed.word_of_mouth.open


def test_the_cli_refuses_a_closed_base_with_a_channel_setting(capsys, tmp_path: Path) -> None:
    args = ["run", SCENARIOS / "baseline.toml", "--out", tmp_path / "out"]
    for key, value in [*CLOSED.items(), ("word_of_mouth.detractor_weight", 2)]:
        args += ["--set", f"{key}={value}"]
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "word_of_mouth.detractor_weight" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
