"""What drives the quality - aht difference: the paired difference in profit after churn (and
its parts) with each channel switched off in turn, against the baseline. Prints a Markdown
table for docs/MODEL.md ("What drives the result").

    .venv/bin/python experiments/what_drives_the_result.py [--replications 5] [--days 20]

A channel's contribution is how much of the difference disappears when it alone is switched
off (in both policies, with common random numbers). Channels interact, so the contributions do
not add up to the whole exactly; the table says by how much they miss.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim

SCENARIO = str(Path(__file__).resolve().parent / "scenarios" / "baseline.toml")
AHT_OFF_PHONE = {  # the quality policy with the aht policy's off-phone time and team size
    "policy.meeting_hours_per_week": 1.5,
    "policy.training_hours_per_week": 0.25,
    "policy.coaching_hours_per_week": 0.25,
    "policy.team_size": 12,
}
CHANNELS: dict[str, tuple[str, dict, dict]] = {
    # name: (what is switched off, overrides for both policies, extra for quality only)
    "time pressure": (
        "targets press on nobody (`employees.target_pressure` = 0, `policy.review_push` = 0)",
        {"employees.target_pressure": 0.0, "policy.review_push": 0.0},
        {},
    ),
    "asking": (
        "everyone asks with the same habit (no skill, pressure or queue effect; no quality gate)",
        {
            "sales.ask_skill_effect": 0.0,
            "sales.ask_pressure_skip": 0.0,
            "sales.ask_queue_effect": 0.0,
            "policy.closing_quality_gate": 0.0,
        },
        {},
    ),
    "conversion": (
        "conversion does not depend on conversation quality (`sales.quality_exponent` → 0)",
        {"sales.quality_exponent": 1e-9},
        {},
    ),
    "failure demand": (
        "unresolved customers do not call again (`demand.callback_probability` = 0)",
        {"demand.callback_probability": 0.0},
        {},
    ),
    "churn": ("nobody churns (`churn.max_probability` = 0)", {"churn.max_probability": 0.0}, {}),
    "staff cost": (
        "people and seats cost nothing (hourly costs and overhead = 0)",
        {
            "money.employee_hourly_cost": 0.0,
            "money.team_leader_hourly_cost": 0.0,
            "money.overhead_per_paid_hour": 0.0,
        },
        {},
    ),
    "coaching and training": (
        "the quality policy gets the aht policy's off-phone hours and team size",
        {},
        AHT_OFF_PHONE,
    ),
}
TARGETS = (240.0, 260.0, 285.0, 320.0, 400.0)  # 260: the preset; 285: the team's unpressed AHT
KPIS = ["profit_after_churn", "sales_revenue", "recurring_revenue", "cost", "churned_value"]


def difference(
    base: dict, quality_extra: dict, replications: int, days: int, aht_extra: dict | None = None
) -> dict:
    """Paired quality - aht means (with 95% CI) of KPIS under these overrides."""
    experiment = {
        "scenario": SCENARIO,
        "replications": replications,
        "seed": 1,
        "kpis": KPIS,
        "base": {"calendar.days": days, **base},
        "variants": {
            "aht": {"policy.name": "aht", **(aht_extra or {})},
            "quality": {"policy.name": "quality", **quality_extra},
        },
    }
    result = sim.compare(experiment, workers=2)
    rows = result.differences.set_index("kpi")
    sign = 1.0 if rows["variant_a"].iloc[0] == "quality" else -1.0
    out = {}
    for kpi in KPIS:
        r = rows.loc[kpi]
        low, high = sorted((sign * r["ci_low"], sign * r["ci_high"]))
        out[kpi] = (sign * r["mean_diff"], low, high)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--days", type=int, default=20)
    args = parser.parse_args()
    full = difference({}, {}, args.replications, args.days)
    total = full["profit_after_churn"][0]
    print(f"quality - aht, {args.days} measured days, {args.replications} paired replications\n")
    print(
        "| channel switched off | what that means | quality − aht profit after churn [95% CI] "
        "| share of the difference it explains |"
    )
    print("| --- | --- | --- | --- |")
    print(f"| none (the baseline) | | {_ci(full['profit_after_churn'])} | |")
    explained = 0.0
    for name, (what, both, quality_only) in CHANNELS.items():
        d = difference(both, quality_only, args.replications, args.days)
        share = (total - d["profit_after_churn"][0]) / total if total else float("nan")
        explained += share
        print(f"| {name} | {what} | {_ci(d['profit_after_churn'])} | {share:+.0%} |")
    print(f"\nThe channels' shares add up to {explained:.0%} of the whole (interactions).")
    print("\nThe whole difference by part (quality − aht):\n")
    for kpi in KPIS:
        print(f"- `{kpi}`: {_ci(full[kpi])}")
    print("\nHow tight the AHT target is (the aht policy with other targets; quality unchanged):\n")
    print("| aht target (s) | quality − aht profit after churn [95% CI] |")
    print("| --- | --- |")
    for target in TARGETS:
        d = difference({}, {}, args.replications, args.days, {"policy.aht_target_seconds": target})
        print(f"| {target:.0f} | {_ci(d['profit_after_churn'])} |")


def _ci(value: tuple[float, float, float]) -> str:
    mean, low, high = value
    return f"{mean:+,.0f} [{low:+,.0f}; {high:+,.0f}]"


if __name__ == "__main__":
    main()
