"""What each KPI is called, how it is shown, and which way is better (tables, figures, reports).

The KPI values themselves come from `queue.py` and `behavior.py`; this is their catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KpiInfo:
    """A KPI's readable label, its display format (shares as percentages), and its direction;
    `neutral`: no better direction (a longer AHT is neither better nor worse in itself), so no
    policy ever "wins" on it."""

    label: str
    format: str
    lower_is_better: bool = False
    neutral: bool = False


KPIS: dict[str, KpiInfo] = {
    "offered": KpiInfo("calls offered", "{:,.0f}"),
    "handled": KpiInfo("calls handled", "{:,.0f}"),
    "abandoned": KpiInfo("calls abandoned", "{:,.0f}", lower_is_better=True),
    "redials": KpiInfo("redials", "{:,.0f}"),
    "abandonment_rate": KpiInfo("abandonment rate", "{:.1%}", lower_is_better=True),
    "delayed_fraction": KpiInfo("delayed (waited > 0 s)", "{:.1%}"),
    "service_level": KpiInfo("service level", "{:.1%}"),
    "asa": KpiInfo("ASA, answered calls (s)", "{:.1f}", lower_is_better=True),
    "mean_wait": KpiInfo("mean wait, all calls (s)", "{:.1f}", lower_is_better=True),
    "aht": KpiInfo("AHT (s)", "{:.1f}", neutral=True),
    "occupancy": KpiInfo("occupancy", "{:.1%}"),
    "mean_queue_length": KpiInfo("mean queue length while open", "{:.2f}", lower_is_better=True),
    "max_queue_length": KpiInfo("max queue length", "{:,.0f}", lower_is_better=True),
    "staffed_hours": KpiInfo("staffed hours", "{:,.1f}"),
    "revenue": KpiInfo("revenue", "{:,.0f}"),
    "sales_revenue": KpiInfo("  from sales", "{:,.0f}"),
    "recurring_revenue": KpiInfo("  recurring (retained base)", "{:,.0f}"),
    "cost": KpiInfo("cost", "{:,.0f}", lower_is_better=True),
    "labour_cost": KpiInfo("  labour", "{:,.0f}", lower_is_better=True),
    "employee_cost": KpiInfo("    employees", "{:,.0f}", lower_is_better=True),
    "team_leader_cost": KpiInfo("    team leaders", "{:,.0f}", lower_is_better=True),
    "other_cost": KpiInfo("  other", "{:,.0f}", lower_is_better=True),
    "hiring_cost": KpiInfo("    hiring", "{:,.0f}", lower_is_better=True),
    "overhead_cost": KpiInfo("    seats, IT, facilities", "{:,.0f}", lower_is_better=True),
    "telephony_cost": KpiInfo("    telephony", "{:,.0f}", lower_is_better=True),
    # neutral: more of it is the price of more customers, neither better nor worse in itself
    "acquisition_cost": KpiInfo("    new customers", "{:,.0f}", neutral=True),
    "labour_share": KpiInfo("labour share of cost", "{:.1%}"),
    "profit": KpiInfo("profit", "{:,.0f}"),
    "profit_after_churn": KpiInfo(
        "profit after churn and acquisition (less the value lost, plus the value won)", "{:,.0f}"
    ),
    "paid_hours": KpiInfo("paid employee hours", "{:,.1f}"),
    "shrinkage": KpiInfo("shrinkage (paid, not on the phones)", "{:.1%}"),
    "sales": KpiInfo("sales (inbound and outbound)", "{:,.0f}"),
    "offers": KpiInfo("offers (closing question asked, or buyer asked)", "{:,.0f}"),
    "conversion_rate": KpiInfo("conversion of inbound offers", "{:.1%}"),
    "csat": KpiInfo("CSAT (share of 4-5)", "{:.1%}"),
    "nps": KpiInfo("NPS", "{:+.0f}"),
    "fcr": KpiInfo("first-contact resolution", "{:.1%}"),
    "failure_demand_share": KpiInfo("failure demand", "{:.1%}", lower_is_better=True),
    "mean_quality": KpiInfo("mean conversation quality", "{:.2f}"),
    "mean_experience": KpiInfo("mean experience, every contact (0-1)", "{:.3f}"),
    "survey_answers": KpiInfo("survey answers", "{:,.0f}"),
    "churned_customers": KpiInfo("customers churned", "{:,.0f}", lower_is_better=True),
    "churned_value": KpiInfo("future value lost to churn", "{:,.0f}", lower_is_better=True),
    "acquired_value": KpiInfo("future value won with new customers", "{:,.0f}"),
    "active_customers": KpiInfo("customers remaining", "{:,.0f}"),
    "newcomers": KpiInfo("new customers", "{:,.0f}"),
    "net_customers": KpiInfo("new customers less churned", "{:+,.0f}"),
    "public_stories": KpiInfo("public stories of bad service", "{:,.0f}", lower_is_better=True),
    "churned_value_beyond_run": KpiInfo(
        "value lost to churn beyond the run (no month counted twice)",
        "{:,.0f}",
        lower_is_better=True,
    ),
    "acquired_value_beyond_run": KpiInfo(
        "value won with new customers beyond the run (no month counted twice)", "{:,.0f}"
    ),
    "profit_and_base_value": KpiInfo(
        "profit plus the change of the base's value beyond the run", "{:,.0f}"
    ),
    "base_nps": KpiInfo("NPS of the whole base, at the end", "{:+.1f}"),
    "reputation": KpiInfo("reputation at the end (net promoter share vs neutral)", "{:+.3f}"),
    "mean_reputation": KpiInfo("mean reputation over the measured days", "{:+.3f}"),
    "lost_demand": KpiInfo("calls not made (churned)", "{:,.0f}", lower_is_better=True),
    "attrition": KpiInfo("employees who quit", "{:,.0f}", lower_is_better=True),
    "attrition_rate_annual": KpiInfo("attrition, annualised", "{:.0%}", lower_is_better=True),
    "expected_attrition_annual": KpiInfo(
        "attrition expected from the team's quit hazard, annualised", "{:.0%}", lower_is_better=True
    ),
    "hires": KpiInfo("hires", "{:,.0f}"),
    "mean_skill": KpiInfo("mean service skill", "{:.3f}"),
    "mean_sales_skill": KpiInfo("mean sales skill", "{:.3f}"),
    "mean_stress": KpiInfo("mean stress", "{:.3f}", lower_is_better=True),
    "mean_engagement": KpiInfo("mean engagement", "{:.3f}"),
    "coaching_hours": KpiInfo("coaching hours", "{:,.1f}"),
    "coaching_shortfall": KpiInfo(
        "coaching asked for but not given", "{:.1%}", lower_is_better=True
    ),
    "team_leaders": KpiInfo("team leaders", "{:,.0f}"),
    "unfilled_shift_hours": KpiInfo("shift hours nobody worked", "{:,.0f}", lower_is_better=True),
    "training_hours": KpiInfo("training hours", "{:,.1f}"),
    "meeting_hours": KpiInfo("meeting hours", "{:,.1f}"),
    "outbound_attempts": KpiInfo("outbound attempts", "{:,.0f}"),
    "outbound_connects": KpiInfo("outbound connects", "{:,.0f}"),
    "outbound_sales": KpiInfo("outbound sales", "{:,.0f}"),
    "opportunities": KpiInfo("sales opportunities (inbound contacts)", "{:,.0f}"),
    "inbound_sales": KpiInfo("inbound sales", "{:,.0f}"),
    "inbound_sales_revenue": KpiInfo("sales revenue from inbound contacts", "{:,.0f}"),
    "outbound_sales_revenue": KpiInfo("sales revenue from outbound calls", "{:,.0f}"),
}


QUEUE_KPIS = (
    "offered",
    "handled",
    "abandoned",
    "redials",
    "abandonment_rate",
    "delayed_fraction",
    "service_level",
    "asa",
    "mean_wait",
    "aht",
    "occupancy",
    "mean_queue_length",
    "max_queue_length",
    "staffed_hours",
)
"""The KPIs of every run, in the order a run reports them."""
LEDGER_KPIS = (
    "revenue",
    "sales_revenue",
    "recurring_revenue",
    "cost",
    "labour_cost",
    "other_cost",
    "employee_cost",
    "team_leader_cost",
    "hiring_cost",
    "overhead_cost",
    "telephony_cost",
    "acquisition_cost",
    "labour_share",
    "profit",
    "churned_value",
    "acquired_value",
    "profit_after_churn",
    "paid_hours",
)
"""The ledger's lines that are KPIs, in the order a run reports them."""
MONEY_KPIS = frozenset(LEDGER_KPIS) - {"labour_share", "paid_hours"} | {
    "churned_value_beyond_run",
    "acquired_value_beyond_run",
    "profit_and_base_value",
}
"""The KPIs in money (every ledger line but a share and an hour count, and the valuation with
no month counted twice)."""
BEHAVIOR_KPIS = (
    *LEDGER_KPIS,
    "shrinkage",
    "sales",
    "conversion_rate",
    "csat",
    "nps",
    "fcr",
    "failure_demand_share",
    "offers",
    "mean_quality",
    "mean_experience",
    "survey_answers",
    "churned_customers",
    "active_customers",
    "newcomers",
    "net_customers",
    "public_stories",
    "base_nps",
    "reputation",
    "mean_reputation",
    "churned_value_beyond_run",
    "acquired_value_beyond_run",
    "profit_and_base_value",
    "lost_demand",
    "attrition",
    "attrition_rate_annual",
    "expected_attrition_annual",
    "hires",
    "mean_skill",
    "mean_sales_skill",
    "mean_stress",
    "mean_engagement",
    "coaching_hours",
    "coaching_shortfall",
    "team_leaders",
    "unfilled_shift_hours",
    "training_hours",
    "meeting_hours",
    "outbound_attempts",
    "outbound_connects",
    "outbound_sales",
    "opportunities",
    "inbound_sales",
    "inbound_sales_revenue",
    "outbound_sales_revenue",
)
"""The KPIs the behavioural layer adds after them, in that order (a test checks both)."""


def kpi_info(name: str) -> KpiInfo:
    """The entry of `name`; a KPI not listed shows its key and 4 significant digits."""
    return KPIS.get(name) or KpiInfo(name, "{:.4g}")


def format_kpi(name: str, value: float) -> tuple[str, str]:
    """(label, value as text) for a KPI; 'n/a' where it is undefined (NaN)."""
    info = kpi_info(name)
    if value != value:  # NaN: undefined, e.g. no calls answered
        return info.label, "n/a"
    return info.label, info.format.format(value)
