"""The default scenario stays calibrated: under aht, over 120 measured days, the reference
figures of docs/MODEL.md ("Default scenario") hold. A change of defaults that moves the typical
center out of them fails here, and says which figure moved."""

from __future__ import annotations

import pytest

import sim
from tests.helpers import SCENARIOS, baseline

RANGES = {  # docs/STYLIZED_FACTS.md: a typical center, each range with its sources
    "service_level": (0.70, 0.90),
    "abandonment_rate": (0.03, 0.10),
    "fcr": (0.65, 0.75),
    "failure_demand_share": (0.30, 0.50),
    "expected_attrition_annual": (0.25, 0.45),
    "labour_share": (0.60, 0.75),
}


@pytest.mark.slow
def test_the_aht_center_is_in_the_reference_ranges() -> None:
    kpis = sim.run(baseline(calendar__days=120), seed=1).kpis
    outside = {
        k: round(kpis[k], 3) for k, (low, high) in RANGES.items() if not low <= kpis[k] <= high
    }
    assert not outside, f"outside the reference ranges {RANGES}: {outside}"
    contacts_per_year = kpis["offered"] / 250_000 * 260 / 120
    assert 1.0 <= contacts_per_year <= 6.0


@pytest.mark.slow
def test_where_speed_is_all_that_counts_the_aht_policy_wins() -> None:
    """The model's own logic: with sales worth nothing and resolution that barely depends on
    the time a conversation gets, the aht policy's speed (fewer paid hours for the same service
    level, as each policy is staffed to the same target) should beat the quality policy's care
    on profit after churn (paired, common random numbers)."""
    region = {
        "calendar.days": 10,
        "sales.value_mean": 0.0,
        "sales.monthly_value_uplift": 0.0,
        "conversation.completeness_exponent": 0.1,
    }
    experiment = {
        "scenario": str(SCENARIOS / "baseline.toml"),
        "replications": 4,
        "seed": 1,
        "kpis": ["profit_after_churn"],
        "base": region,
        "policies": ["aht", "quality"],
    }
    diff = sim.compare(experiment, workers=2).differences.iloc[0]
    sign = 1 if diff["variant_a"] == "aht" else -1
    low, high = sorted((sign * diff["ci_low"], sign * diff["ci_high"]))  # aht - quality
    assert low > 0, f"aht - quality: {sign * diff['mean_diff']:,.0f} [{low:,.0f}; {high:,.0f}]"


@pytest.mark.slow
def test_every_policy_is_staffed_to_the_same_service() -> None:
    """Equal service: weekly Erlang A sizing staffs each policy for its own load, and the
    warm-up settles each team to it, so realised service levels differ by a few points at most
    (the aht center's higher attrition leaves a few more shifts empty) and no team runs short
    for weeks (unfilled shifts under 3 % of paid hours on average)."""
    experiment = {
        "scenario": str(SCENARIOS / "baseline.toml"),
        "replications": 4,
        "seed": 1,
        "kpis": ["service_level", "unfilled_shift_hours", "paid_hours"],
        "base": {"calendar.days": 10},
        "policies": ["aht", "volume", "quality"],
    }
    result = sim.compare(experiment, workers=2)
    levels = result.differences[result.differences["kpi"] == "service_level"]
    assert (levels["mean_diff"].abs() <= 0.05).all(), levels
    mean = result.runs.groupby("variant")[["unfilled_shift_hours", "paid_hours"]].mean()
    assert (mean["unfilled_shift_hours"] <= 0.03 * mean["paid_hours"]).all(), mean
