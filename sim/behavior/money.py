"""Money: revenue from sales and the retained customer base; cost of people and hiring."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.behavior.contact_center import ContactCenterBehavior


def ledger(layer: ContactCenterBehavior) -> dict[str, float]:
    """Revenue, cost and profit of the run, with their parts (they add up exactly)."""
    model, money, workforce = layer.model, layer.cfg.money, layer.workforce
    phone_seconds, _ = model.staffing.totals()
    off_phone_hours = sum(workforce.activity_hours.values()) + workforce.onboarding_hours
    employee_hours = phone_seconds / 3600 + off_phone_hours
    team_leaders = math.ceil(workforce.initial_roster / money.team_size)
    team_leader_hours = team_leaders * model.hours.days * model.hours.open_per_day / 3600
    employee_cost = employee_hours * money.employee_hourly_cost
    team_leader_cost = team_leader_hours * money.team_leader_hourly_cost
    hiring_cost = workforce.hires * money.hiring_cost
    revenue = layer.sales_revenue + layer.recurring_revenue
    cost = employee_cost + team_leader_cost + hiring_cost
    churned_value = (
        sum(c.monthly_value for c in layer.customers.churned) * layer.cfg.churn.horizon_months
    )
    return {
        "revenue": revenue,
        "sales_revenue": layer.sales_revenue,
        "recurring_revenue": layer.recurring_revenue,
        "cost": cost,
        "employee_cost": employee_cost,
        "team_leader_cost": team_leader_cost,
        "hiring_cost": hiring_cost,
        "profit": revenue - cost,
        "churned_value": churned_value,
        "employee_hours": employee_hours,
        "team_leader_hours": team_leader_hours,
    }
