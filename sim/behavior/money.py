"""Money: revenue from sales and the retained customer base; cost of people, hiring and new
customers; the value of the customers lost and won."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import TYPE_CHECKING

from sim.behavior.customer import DAYS_PER_MONTH

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sim.behavior.contact_center import ContactCenterBehavior


def ledger(
    layer: ContactCenterBehavior, t: dict[str, float], inbound_line_seconds: float
) -> dict[str, float]:
    """Revenue, cost and profit of the measured days, with their parts (they add up exactly).

    `t`: the layer's totals over the measured days (`layer.measured()`);
    `inbound_line_seconds`: time inbound callers of the measured days were on the line,
    waiting or talking (telephony is paid for both)."""
    since, customers = layer.model.measure_start.time, layer.customers
    horizon = layer.cfg.churn.horizon_months
    churned_value = customers.churned_value_since(since) * horizon
    acquired_value = customers.acquired_value_since(since) * horizon
    return money_lines(layer, t, inbound_line_seconds, churned_value, acquired_value)


def beyond_run(layer: ContactCenterBehavior) -> dict[str, float]:
    """The value of the customers lost and won in the measured days, counted only for the
    months of `churn.horizon_months` after each event that the run's own recurring revenue
    does not already count: with profit, a total with no overlap (churned_value and
    acquired_value count the whole horizon from the event, so a newcomer's first months are in
    recurring revenue and in acquired value both)."""
    since, customers = layer.model.measure_start.time, layer.customers
    times = [time for time, _ in layer.accruals]
    # after[k]: calendar days of recurring revenue the closings from the k-th on charged
    after = [*reversed([*accumulate(reversed([days for _, days in layer.accruals]))]), 0]
    horizon = layer.cfg.churn.horizon_months

    def value(events: Iterable[tuple[float, float]]) -> float:
        """Σ v × (horizon − months of revenue the run counted after the event, at least 0)."""
        total = 0.0
        for time, monthly in events:
            counted = after[bisect_right(times, time)] / DAYS_PER_MONTH
            total += monthly * max(0.0, horizon - counted)
        return total

    value_of = customers.monthly_value
    churned = value((at, value_of[i]) for i, at in customers.churned_at.items() if at >= since)
    acquired = value((at, monthly) for at, _, monthly in customers.joined if at >= since)
    return {"churned_value_beyond_run": churned, "acquired_value_beyond_run": acquired}


def money_lines(
    layer: ContactCenterBehavior,
    t: dict[str, float],
    inbound_line_seconds: float,
    churned_value: float,
    acquired_value: float,
) -> dict[str, float]:
    """The ledger of any stretch of the run (the measured days, or one day) from the layer's
    totals over it, the inbound line time and the value of the customers lost and won in it
    (each `churn.horizon_months` of their monthly value)."""
    money, workforce = layer.cfg.money, layer.workforce
    if workforce.rota:  # rostered hours with leave and sick pay, and onboarding
        paid_hours = t["paid_hours"]
    else:  # a flexible pool: paid for time on the phones and off-phone activities only
        paid_hours = (
            t["phone_hours"]
            + t["meeting_hours"]
            + t["training_hours"]
            + t["coaching_hours"]
            + t["onboarding_hours"]
        )
    team_leader_hours = t["team_leader_hours"]
    employee_cost = paid_hours * money.employee_hourly_cost
    team_leader_cost = team_leader_hours * money.team_leader_hourly_cost
    hiring_cost = t["hires"] * money.hiring_cost
    overhead_cost = paid_hours * money.overhead_per_paid_hour
    line_minutes = (inbound_line_seconds + t["outbound_line_seconds"]) / 60
    telephony_cost = line_minutes * money.telephony_per_minute
    labour_cost = employee_cost + team_leader_cost
    acquisition_cost = t["newcomers"] * money.acquisition_cost
    other_cost = hiring_cost + overhead_cost + telephony_cost + acquisition_cost
    revenue = t["sales_revenue"] + t["recurring_revenue"]
    cost = labour_cost + other_cost
    profit = revenue - cost
    return {
        "revenue": revenue,
        "sales_revenue": t["sales_revenue"],
        "recurring_revenue": t["recurring_revenue"],
        "cost": cost,
        "labour_cost": labour_cost,
        "other_cost": other_cost,
        "employee_cost": employee_cost,
        "team_leader_cost": team_leader_cost,
        "hiring_cost": hiring_cost,
        "overhead_cost": overhead_cost,
        "telephony_cost": telephony_cost,
        "acquisition_cost": acquisition_cost,
        "labour_share": labour_cost / cost if cost else float("nan"),
        "profit": profit,
        "churned_value": churned_value,
        "acquired_value": acquired_value,
        "profit_after_churn": profit - churned_value + acquired_value,
        "paid_hours": paid_hours,
        "team_leader_hours": team_leader_hours,
    }
