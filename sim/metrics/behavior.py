"""KPIs and daily series of the behavioural layer: money, sales, satisfaction, resolution,
failure demand, churn and the workforce. Definitions are in docs/MODEL.md (KPIs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.behavior.conversation_log import VALUE
from sim.behavior.money import beyond_run, ledger, money_lines
from sim.metrics.binning import group_counter, ratio
from sim.metrics.kpi_catalog import LEDGER_KPIS

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
    experience = contacts["experience"].to_numpy()
    ended = ~np.isnan(experience)
    return {
        "csat": ratio(count(csat >= 4), answers),
        "nps": 100 * ratio(count(nps >= 9) - count(nps <= 6), answers),
        "fcr": ratio(count(first & (resolved == 1)), count(first)),
        "failure_demand_share": ratio(count(repeat), everyone),
        "offers": count(offered),
        "conversion_rate": ratio(count(offered & contacts["sold"].to_numpy()), count(offered)),
        "mean_quality": ratio(count(handled, quality), count(handled)),
        "mean_experience": ratio(count(ended, np.where(ended, experience, 0.0)), count(ended)),
        "survey_answers": answers,
    }


def behavior_kpis(
    layer: ContactCenterBehavior, contacts: pd.DataFrame, day: np.ndarray, line_seconds: float
) -> dict[str, float]:
    """The run's behavioural KPIs over the measured days (flat, snake_case); `day` is each
    contact's measured arrival day (negative in the warm-up), `line_seconds` the time inbound
    callers were on the line (for telephony cost)."""
    workforce = layer.workforce
    team = workforce.snapshot()
    days = layer.model.hours.measured_days
    contract_per_day = layer.cfg.employees.contract_hours_per_week / len(
        layer.cfg.calendar.weekdays
    )
    days_per_year = 52 * len(layer.cfg.calendar.weekdays)
    rows = measured_rows(layer)
    mean_roster = np.mean([row["roster"] for row in rows]) if rows else team["roster"]
    t = layer.measured()
    money = ledger(layer, t, line_seconds)
    keep = day >= 0
    measured = contacts if keep.all() else contacts[keep]
    measures = {k: float(v[0]) for k, v in contact_measures(measured).items()}
    return {
        **{k: money[k] for k in LEDGER_KPIS},
        "shrinkage": 1.0 - t["phone_hours"] / money["paid_hours"]
        if money["paid_hours"]
        else float("nan"),
        "sales": t["sales"],
        "conversion_rate": measures.pop("conversion_rate"),
        **measures,
        "churned_customers": t["churned_customers"],
        "active_customers": float(layer.customers.active),
        "newcomers": t["newcomers"],
        "net_customers": t["newcomers"] - t["churned_customers"],
        "public_stories": t["public_stories"],
        **word_of_mouth(layer, rows),
        **no_overlap(layer, money["profit"]),
        "lost_demand": t["lost_demand"],
        "attrition": t["quits"],
        "attrition_rate_annual": (
            t["quits"] / mean_roster * days_per_year / days if mean_roster else float("nan")
        ),
        "expected_attrition_annual": (
            float(np.mean([row["quit_hazard"] for row in rows])) * days_per_year
            if rows
            else float("nan")
        ),
        "hires": t["hires"],
        "mean_skill": team["mean_skill"],
        "mean_sales_skill": team["mean_sales_skill"],
        "mean_stress": team["mean_stress"],
        "mean_engagement": team["mean_engagement"],
        "coaching_hours": t["coaching_hours"],
        "coaching_shortfall": (
            max(0.0, 1.0 - t["coaching_hours"] / t["coaching_requested"])
            if t["coaching_requested"]
            else 0.0
        ),
        "team_leaders": t["team_leader_hours"] / contract_per_day / days if days else 0.0,
        "unfilled_shift_hours": t["unfilled_shift_hours"],
        "training_hours": t["training_hours"] + t["onboarding_hours"],
        "meeting_hours": t["meeting_hours"],
        "outbound_attempts": t["outbound_attempts"],
        "outbound_connects": t["outbound_connects"],
        "outbound_sales": t["outbound_sales"],
        **inbound_sales(measured, money["sales_revenue"], t["outbound_sales"]),
    }


def word_of_mouth(layer: ContactCenterBehavior, rows: list[dict[str, float]]) -> dict[str, float]:
    """The base's net promoter score at the end (from every customer's satisfaction, not the
    survey) and reputation at the end and over the measured days (0 in a closed base)."""
    reputation = layer.reputation
    return {
        "base_nps": 100 * (reputation.promoters - reputation.detractors),
        "reputation": reputation.effective,
        "mean_reputation": float(np.mean([row["reputation"] for row in rows])) if rows else 0.0,
    }


def no_overlap(layer: ContactCenterBehavior, profit: float) -> dict[str, float]:
    """Profit and the change of the base's value beyond the run, with no month counted twice
    (`sim.behavior.money.beyond_run`): the valuation to quote when runs are long, since the
    headline's churned and acquired values count the whole horizon from each event."""
    values = beyond_run(layer)
    change = values["acquired_value_beyond_run"] - values["churned_value_beyond_run"]
    return values | {"profit_and_base_value": profit + change}


def inbound_sales(
    contacts: pd.DataFrame, sales_revenue: float, outbound_sales: float
) -> dict[str, float]:
    """The inbound sales funnel of the measured contacts — opportunities, sales and their
    revenue (offers are a KPI already) — and the outbound rest of the ledger's sales revenue.
    Revenue = opportunities × offers per opportunity × sales per offer × revenue per sale, the
    identity the decomposition of sales revenue splits (`sim.experiments.decomposition`)."""
    revenue = float(contacts["sale_value"].sum())
    return {
        "opportunities": float(contacts["opportunity"].sum()),
        "inbound_sales": float(contacts["sold"].sum()),
        "inbound_sales_revenue": revenue,
        # every sale is inbound or outbound; without outbound sales the rest is rounding only
        "outbound_sales_revenue": sales_revenue - revenue if outbound_sales else 0.0,
    }


def measured_rows(layer: ContactCenterBehavior) -> list[dict[str, float]]:
    """The daily rows of the measured days, numbered from 0 (the first after the warm-up)."""
    warmup = layer.model.hours.warmup
    if not warmup:
        return layer.daily
    return [row | {"day": row["day"] - warmup} for row in layer.daily if row["day"] >= warmup]


DAILY_MONEY = [
    "cost",
    "labour_cost",
    "other_cost",
    "acquisition_cost",
    "profit",
    "churned_value",
    "acquired_value",
    "profit_after_churn",
]
"""The ledger's lines in the daily table (revenue and its parts are counters there already)."""


def behavior_daily(
    layer: ContactCenterBehavior,
    contacts: pd.DataFrame,
    day: np.ndarray,
    line_seconds: np.ndarray,
) -> pd.DataFrame:
    """One row per measured day: counters of the day, team averages at its end, contact
    measures (by arrival day), and the day's money (`line_seconds`: inbound line time per
    measured day); the days' money adds up to the run's."""
    rows = pd.DataFrame(measured_rows(layer))
    if rows.empty:
        return rows
    keep = day >= 0
    if not keep.all():
        contacts, day = contacts[keep], day[keep]
    columns = {name: rows[name].to_numpy() for name in rows.columns}
    measures = contact_measures(contacts, day, len(rows))
    columns |= {k: v for k, v in measures.items() if k not in ("mean_quality", "survey_answers")}
    columns["revenue"] = columns["sales_revenue"] + columns["recurring_revenue"]
    totals = layer.daily_totals[len(layer.daily_totals) - len(rows) :]  # the measured days
    money = pd.DataFrame(
        [
            money_lines(layer, t, seconds, t["churned_value"], t["acquired_value"])
            for t, seconds in zip(totals, line_seconds, strict=True)
        ],
        columns=[*DAILY_MONEY, "paid_hours"],
    )
    columns |= {name: money[name].to_numpy() for name in money.columns}
    return pd.DataFrame(columns)  # one frame: concatenating frames cost more than the rest
