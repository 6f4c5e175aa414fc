"""KPIs and daily series of the behavioural layer: money, sales, satisfaction, resolution,
failure demand, churn and the workforce. Definitions are in docs/MODEL.md (KPIs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.behavior.conversation_log import VALUE
from sim.behavior.money import ledger
from sim.metrics.binning import group_counter, ratio

if TYPE_CHECKING:
    from sim.behavior.contact_center import ContactCenterBehavior


def contact_measures(
    contacts: pd.DataFrame, group: np.ndarray | None = None, groups: int = 1
) -> dict[str, np.ndarray]:
    """Measures defined over contacts — survey scores, resolution, failure demand, offers —
    for each group 0..groups-1 (e.g. the arrival day); one group when `group` is None."""
    group = np.zeros(len(contacts), dtype=np.int64) if group is None else group
    count = group_counter(group, groups)

    csat, nps = contacts["csat"].to_numpy(), contacts["nps"].to_numpy()
    repeat = contacts["kind"].cat.codes.to_numpy() != VALUE  # codes: no string comparisons
    resolved = contacts["resolved"].to_numpy()
    offered = contacts["offered"].to_numpy()
    quality = contacts["quality"].to_numpy()
    first = ~repeat & (resolved >= 0)  # handled first contacts of an issue
    answers = count(~np.isnan(csat))
    everyone = count()
    handled = ~np.isnan(quality)
    return {
        "csat": ratio(count(csat >= 4), answers),
        "nps": 100 * ratio(count(nps >= 9) - count(nps <= 6), answers),
        "fcr": ratio(count(first & (resolved == 1)), count(first)),
        "failure_demand_share": ratio(count(repeat), everyone),
        "offers": count(offered),
        "conversion_rate": ratio(count(offered & contacts["sold"].to_numpy()), count(offered)),
        "mean_quality": ratio(count(handled, quality), count(handled)),
        "survey_answers": answers,
    }


def behavior_kpis(layer: ContactCenterBehavior, contacts: pd.DataFrame) -> dict[str, float]:
    """The run's behavioural KPIs (flat, snake_case)."""
    workforce = layer.workforce
    team = workforce.snapshot()
    days = layer.model.hours.days
    days_per_year = 52 * len(layer.cfg.calendar.weekdays)
    mean_roster = np.mean([row["roster"] for row in layer.daily]) if layer.daily else team["roster"]
    money = ledger(layer)
    measures = {k: float(v[0]) for k, v in contact_measures(contacts).items()}
    outbound = layer.outbound
    return {
        **{
            k: money[k]
            for k in (
                "revenue",
                "sales_revenue",
                "recurring_revenue",
                "cost",
                "employee_cost",
                "team_leader_cost",
                "hiring_cost",
                "profit",
            )
        },
        "sales": float(layer.sales),
        "conversion_rate": measures.pop("conversion_rate"),
        **measures,
        "churned_customers": float(len(layer.customers.churned)),
        "churned_value": money["churned_value"],
        "active_customers": float(layer.customers.active),
        "lost_demand": float(layer.lost_demand),
        "attrition": float(workforce.quits),
        "attrition_rate_annual": (
            workforce.quits / mean_roster * days_per_year / days if mean_roster else float("nan")
        ),
        "hires": float(workforce.hires),
        "mean_skill": team["mean_skill"],
        "mean_sales_skill": team["mean_sales_skill"],
        "mean_stress": team["mean_stress"],
        "mean_engagement": team["mean_engagement"],
        "coaching_hours": workforce.activity_hours["coaching"],
        "training_hours": workforce.activity_hours["training"] + workforce.onboarding_hours,
        "meeting_hours": workforce.activity_hours["meeting"],
        "outbound_attempts": float(outbound.attempts),
        "outbound_connects": float(outbound.connects),
        "outbound_sales": float(outbound.sales),
    }


def behavior_daily(
    layer: ContactCenterBehavior, contacts: pd.DataFrame, day: np.ndarray
) -> pd.DataFrame:
    """One row per day: counters of the day, team averages at its end, contact measures."""
    rows = pd.DataFrame(layer.daily)
    if rows.empty:
        return rows
    per_day = contact_measures(contacts, day, len(rows))
    measures = pd.DataFrame(per_day).drop(columns=["mean_quality", "survey_answers"])
    rows = pd.concat([rows.reset_index(drop=True), measures], axis=1)
    rows["revenue"] = rows["sales_revenue"] + rows["recurring_revenue"]
    return rows
