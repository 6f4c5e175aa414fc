"""The default scenario against the reference ranges it was calibrated to (docs/MODEL.md,
"Default scenario"): 120 measured days under each preset, seed 1, printed as a Markdown table.

    .venv/bin/python experiments/calibration_check.py [--days 120] [--seed 1]

Only the aht column is calibrated (the typical center); volume and quality are outcomes.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sim

BASELINE = Path(__file__).resolve().parent / "scenarios" / "baseline.toml"
POLICIES = ("aht", "volume", "quality")
# KPI, reference range for the aht center (None: reported, not calibrated), format
RANGES = {  # docs/STYLIZED_FACTS.md: a typical center, each range with its sources
    "service_level": ((0.70, 0.90), "{:.1%}"),
    "abandonment_rate": ((0.03, 0.10), "{:.1%}"),
    "fcr": ((0.65, 0.75), "{:.1%}"),
    "failure_demand_share": ((0.30, 0.50), "{:.1%}"),
    "expected_attrition_annual": ((0.25, 0.45), "{:.0%}"),
    "attrition_rate_annual": (None, "{:.0%}"),
    "labour_share": ((0.60, 0.75), "{:.1%}"),
    "shrinkage": ((0.25, 0.35), "{:.1%}"),
    "contacts_per_customer_year": ((1.0, 6.0), "{:.1f}"),
    "aht": (None, "{:.0f}"),
    "occupancy": (None, "{:.1%}"),
    "csat": (None, "{:.1%}"),
    "nps": (None, "{:.0f}"),
    "mean_experience": (None, "{:.3f}"),
    "conversion_rate": (None, "{:.1%}"),
    "sales": (None, "{:,.0f}"),
    "churned_customers": (None, "{:,.0f}"),
    "revenue": (None, "{:,.0f}"),
    "cost": (None, "{:,.0f}"),
    "profit": (None, "{:,.0f}"),
    "churned_value": (None, "{:,.0f}"),
    "profit_after_churn": (None, "{:,.0f}"),
    "mean_skill": (None, "{:.3f}"),
    "mean_stress": (None, "{:.2f}"),
    "mean_engagement": (None, "{:.2f}"),
    "coaching_hours": (None, "{:,.0f}"),
    "outbound_attempts": (None, "{:,.0f}"),
}


def kpis(policy: str, days: int, seed: int) -> dict[str, float]:
    scenario = sim.load_scenario(BASELINE, {"calendar.days": days, "policy.name": policy})
    k = dict(sim.run(scenario, seed).kpis)
    weeks_per_year = 52 * len(scenario.calendar.weekdays)
    k["contacts_per_customer_year"] = (
        k["offered"] / scenario.customers.population * weeks_per_year / days
    )
    return k


def cell(value: float, reference: tuple[float, float] | None, fmt: str) -> str:
    """A value as the table shows it; outside its reference range it says so, visibly."""
    text = fmt.format(value).replace("-", "−")
    if reference is None or reference[0] <= value <= reference[1]:
        return text
    side = "below" if value < reference[0] else "above"
    return f"**{text} ✗ outside ({side})**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with ProcessPoolExecutor(2) as pool:
        runs = dict(
            zip(POLICIES, pool.map(kpis, POLICIES, [args.days] * 3, [args.seed] * 3), strict=True)
        )
    print("| KPI | reference (aht) | " + " | ".join(POLICIES) + " |")
    print("| --- | --- |" + " --- |" * len(POLICIES))
    for name, (reference, fmt) in RANGES.items():
        ref = "" if reference is None else f"{fmt.format(reference[0])}–{fmt.format(reference[1])}"
        # only the aht column is calibrated: the others are outcomes, never marked
        values = " | ".join(
            cell(runs[p][name], reference if p == "aht" else None, fmt) for p in POLICIES
        )
        print(f"| `{name}` | {ref} | {values} |")
    print("\n✗: outside the reference range the aht center was calibrated to.")


if __name__ == "__main__":
    main()
