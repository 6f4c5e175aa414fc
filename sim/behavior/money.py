"""Money: revenue from sales and the retained customer base; cost of people and hiring."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.behavior.contact_center import ContactCenterBehavior


def ledger(layer: ContactCenterBehavior) -> dict[str, float]:
    """Revenue, cost and profit of the measured days, with their parts (they add up exactly)."""
    model, money, workforce = layer.model, layer.cfg.money, layer.workforce
    t = layer.measured()
    off_phone_hours = (
        t["meeting_hours"] + t["training_hours"] + t["coaching_hours"] + t["onboarding_hours"]
    )
    employee_hours = t["phone_hours"] + off_phone_hours
    team_leaders = math.ceil(workforce.initial_roster / money.team_size)
    hours = model.hours
    team_leader_hours = team_leaders * hours.measured_days * hours.open_per_day / 3600
    employee_cost = employee_hours * money.employee_hourly_cost
    team_leader_cost = team_leader_hours * money.team_leader_hourly_cost
    hiring_cost = t["hires"] * money.hiring_cost
    revenue = t["sales_revenue"] + t["recurring_revenue"]
    cost = employee_cost + team_leader_cost + hiring_cost
    since = model.measure_start.time
    churned_value = (
        sum(c.monthly_value for c in layer.customers.churned if c.churned_at >= since)
        * layer.cfg.churn.horizon_months
    )
    return {
        "revenue": revenue,
        "sales_revenue": t["sales_revenue"],
        "recurring_revenue": t["recurring_revenue"],
        "cost": cost,
        "employee_cost": employee_cost,
        "team_leader_cost": team_leader_cost,
        "hiring_cost": hiring_cost,
        "profit": revenue - cost,
        "churned_value": churned_value,
        "employee_hours": employee_hours,
        "team_leader_hours": team_leader_hours,
    }
