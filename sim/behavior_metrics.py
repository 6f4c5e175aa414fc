"""KPIs and daily series of the behavioural layer: money, sales, satisfaction, resolution,
failure demand, churn and the workforce. Definitions are in docs/MODEL.md (KPIs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.money import ledger

if TYPE_CHECKING:
    from sim.behavioral_model import BehavioralModel


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    n = int(of.sum())
    return float((mask & of).sum() / n) if n else float("nan")


def contact_measures(contacts: pd.DataFrame) -> dict[str, float]:
    """Measures defined over contacts: survey scores, resolution, failure demand, offers."""
    csat, nps = contacts["csat"].dropna(), contacts["nps"].dropna()
    kind = contacts["kind"].to_numpy()
    resolved = contacts["resolved"].to_numpy()
    offered = contacts["offered"].to_numpy()
    first = (kind == "value") & (resolved >= 0)  # handled first contacts of an issue
    return {
        "csat": float((csat >= 4).mean()) if len(csat) else float("nan"),
        "nps": float(100 * ((nps >= 9).mean() - (nps <= 6).mean())) if len(nps) else float("nan"),
        "fcr": _share(resolved == 1, first),
        "failure_demand_share": float((kind != "value").mean()) if len(kind) else float("nan"),
        "offers": float(offered.sum()),
        "conversion_rate": _share(contacts["sold"].to_numpy(), offered),
        "mean_quality": float(contacts["quality"].mean()) if len(contacts) else float("nan"),
        "survey_answers": float(len(csat)),
    }


def behavior_kpis(layer: BehavioralModel, contacts: pd.DataFrame) -> dict[str, float]:
    """The run's behavioural KPIs (flat, snake_case)."""
    workforce = layer.workforce
    team = workforce.snapshot()
    days = layer.model.hours.days
    days_per_year = 52 * len(layer.cfg.calendar.weekdays)
    mean_roster = np.mean([row["roster"] for row in layer.daily]) if layer.daily else team["roster"]
    money = ledger(layer)
    measures = contact_measures(contacts)
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


def behavior_daily(layer: BehavioralModel, contacts: pd.DataFrame, day: np.ndarray) -> pd.DataFrame:
    """One row per day: counters of the day, team averages at its end, contact measures."""
    rows = pd.DataFrame(layer.daily)
    if rows.empty:
        return rows
    per_day = [contact_measures(contacts[day == d]) for d in rows["day"]]
    measures = pd.DataFrame(per_day).drop(columns=["mean_quality", "survey_answers"])
    rows = pd.concat([rows.reset_index(drop=True), measures], axis=1)
    rows["revenue"] = rows["sales_revenue"] + rows["recurring_revenue"]
    return rows
