"""The measured weeks unfolding, day by day, per policy."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures.chart import Chart, mean_band, money_axis, styled, transparent
from sim.report.language import MONEY_KPIS, PERCENT_KPIS, Language
from sim.report.palette import colours, style

LOWER_IS_BETTER = {"failure_demand_share", "mean_stress", "customers_lost"}
MEASURES = [
    "profit_after_churn",
    "csat",
    "customers_lost",
    "failure_demand_share",
    "mean_skill",
    "mean_stress",
]
"""The panels, in order; profit after churn is drawn as the cumulative gap to the first
policy, customers lost as a running sum of the day's churned customers."""


def running(daily: pd.DataFrame, column: str) -> pd.Series:
    """The running sum of `column` over the days of each run (variant and seed)."""
    ordered = daily.sort_values("day")
    return ordered.groupby(["variant", "seed"])[column].cumsum().reindex(daily.index)


def gap(daily: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Per variant, seed and day: its cumulative profit after churn minus `reference`'s in the
    same replication (the reference's own rows are zero), in column `gap`."""
    keyed = daily.assign(gap=running(daily, "profit_after_churn")).set_index(["seed", "day"])
    base = keyed.loc[keyed["variant"] == reference, "gap"]
    keyed["gap"] = keyed["gap"] - base.reindex(keyed.index).to_numpy()
    return keyed.reset_index()


def cumulative(daily: pd.DataFrame) -> pd.DataFrame:
    """Mean over replications of each variant's cumulative profit after churn minus the first
    variant's in the same replication: rows days, columns variants."""
    variants = list(dict.fromkeys(daily["variant"]))
    table = gap(daily, variants[0]).groupby(["day", "variant"])["gap"].mean().unstack("variant")
    return table[variants]


def finish(table: pd.DataFrame, lang: Language) -> str:
    """The finish in words, from `cumulative`: who leads the first policy by how much (or that
    it stays ahead, and how close the next one is)."""
    final = table.iloc[-1]
    reference = table.columns[0]
    leader = str(final.idxmax())
    days = len(table)
    if leader != reference:
        return lang(
            "finish_ahead",
            days=days,
            winner=lang.policy(leader),
            reference=lang.policy(reference),
            delta=lang.money(float(final[leader])),
        )
    others = final.drop(index=reference).dropna()
    if others.empty:  # one policy only: nothing to be ahead of
        return lang("finish_alone", days=days, reference=lang.policy(reference))
    closest = str(others.idxmax())
    return lang(
        "finish_reference",
        days=days,
        reference=lang.policy(reference),
        other=lang.policy(closest),
        delta=lang.money(-float(final[closest])),
    )


def clear_lead_share(band: pd.DataFrame, lower: bool) -> tuple[str, float]:
    """The variant that is best on most days, and the share of days on which it is clearly
    best: its 95 % band does not overlap any other variant's."""
    days = sorted(band["day"].unique())
    best: dict[str, int] = {}
    leader_by_day = []
    for day in days:
        part = band[band["day"] == day].set_index("variant")
        if part["mean"].isna().all():
            continue
        leader = part["mean"].idxmin() if lower else part["mean"].idxmax()
        others = part.drop(index=leader)
        if lower:
            clear = bool((part.at[leader, "high"] < others["low"]).all())
        else:
            clear = bool((part.at[leader, "low"] > others["high"]).all())
        leader_by_day.append(leader)
        if clear:
            best[leader] = best.get(leader, 0) + 1
    if not leader_by_day:
        return "", 0.0
    winner = max(set(leader_by_day), key=leader_by_day.count)
    return str(winner), best.get(winner, 0) / len(days)


def weeks(daily: pd.DataFrame, lang: Language, measures: list[str] | None = None) -> Chart:
    """Small multiples over the measured days: each policy's daily mean (over replications)
    with its 95 % band. Profit after churn is the cumulative gap to the first policy, paired
    by replication (daily profit itself jumps with the weekend's revenue)."""
    variants = list(dict.fromkeys(daily["variant"]))
    frame = daily
    if "churned_customers" in daily:
        frame = frame.assign(customers_lost=running(daily, "churned_customers"))
    measures = [m for m in (measures or MEASURES) if m in frame]
    titles = {m: lang.kpi(m) for m in measures}
    if "profit_after_churn" in measures:
        frame = gap(frame, variants[0])
        titles["profit_after_churn"] = lang("cumulative_gap", reference=lang.policy(variants[0]))
    colour, look = colours(variants), style(variants)
    cols = 1 if len(measures) <= 2 else 2  # two panels stack: each keeps the full width
    rows = -(-len(measures) // cols)
    figure = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[titles[m] for m in measures],
        shared_xaxes=True,
        vertical_spacing=0.09,
    )
    bands = {}
    for i, measure in enumerate(measures):
        row, col = i // cols + 1, i % cols + 1
        scale = 100.0 if measure in PERCENT_KPIS else 1.0
        column = "gap" if measure == "profit_after_churn" else measure
        band = bands[measure] = mean_band(frame, ["variant", "day"], column)
        for variant in variants:
            part = band[band["variant"] == variant]
            x = (part["day"] + 1).tolist()  # measured days 1..n, as the race counts
            figure.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=(part["high"] * scale).tolist() + (part["low"] * scale).tolist()[::-1],
                    fill="toself",
                    mode="lines",
                    fillcolor=transparent(colour[variant], 0.18),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row=row,
                col=col,
            )
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=part["mean"] * scale,
                    mode="lines",
                    line={"color": colour[variant], "dash": look[variant][1], "width": 2.2},
                    name=lang.policy(variant),
                    legendgroup=variant,
                    showlegend=i == 0,
                    hovertemplate=f"{lang.policy(variant)}<br>%{{x}}: %{{y:,.3~r}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        if measure in MONEY_KPIS:
            figure.update_yaxes(money_axis(lang), row=row, col=col)
        elif measure in PERCENT_KPIS:
            figure.update_yaxes(ticksuffix="%", row=row, col=col)
        elif measure == "customers_lost":
            figure.update_yaxes(tickformat=",.0f", rangemode="tozero", row=row, col=col)
    figure.update_xaxes(title=lang("day_axis"), row=rows)
    figure.update_xaxes(tick0=1, dtick=max(1, int(daily["day"].max() // 10 + 1)))
    first = measures[0]
    if first == "profit_after_churn":
        title = lang("weeks_title", finish=finish(cumulative(daily), lang))
    else:
        winner, share = clear_lead_share(bands[first], first in LOWER_IS_BETTER)
        # a share of days is a finding only when it is every day; else the title says what
        # the panel shows, not a share that reads like a result
        title = (
            lang("weeks_every_day", measure=lang.kpi(first), winner=lang.policy(winner))
            if share >= 1.0
            else lang("weeks_plain", measure=lang.kpi(first))
        )
    styled(figure, lang, title, height=270 * rows + 150)
    return Chart("weeks", figure, lang("weeks_caption"))
