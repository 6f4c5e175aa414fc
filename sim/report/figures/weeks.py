"""The measured weeks unfolding, day by day, per policy."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures.chart import Chart, mean_band, money_axis, styled, transparent
from sim.report.language import MONEY_KPIS, PERCENT_KPIS, Language
from sim.report.palette import colours, style

LOWER_IS_BETTER = {"failure_demand_share", "mean_stress"}
MEASURES = [
    "profit_after_churn",
    "csat",
    "active_customers",
    "failure_demand_share",
    "mean_skill",
    "mean_stress",
]


def lead_share(daily: pd.DataFrame, column: str = "profit_after_churn") -> tuple[str, float]:
    """The variant with the best mean `column` (highest, or lowest where less is better) on
    most days, and its share of the days."""
    means = daily.groupby(["day", "variant"])[column].mean().unstack("variant").dropna(how="all")
    lower = column in LOWER_IS_BETTER
    leaders = (means.idxmin(axis=1) if lower else means.idxmax(axis=1)).dropna()
    if leaders.empty:
        return "", 0.0
    winner = leaders.value_counts().idxmax()
    return str(winner), float((leaders == winner).mean())


def gap(daily: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Per variant, seed and day: its cumulative profit after churn minus `reference`'s in the
    same replication (the reference's own rows are zero)."""
    running = daily.sort_values("day").assign(
        gap=lambda d: d.groupby(["variant", "seed"])["profit_after_churn"].cumsum()
    )
    base = running[running["variant"] == reference].set_index(["seed", "day"])["gap"]
    keyed = running.set_index(["seed", "day"])
    keyed["gap"] = keyed["gap"] - base.reindex(keyed.index).to_numpy()
    return keyed.reset_index()


def weeks(daily: pd.DataFrame, lang: Language, measures: list[str] | None = None) -> Chart:
    """Small multiples over the measured days: each policy's daily mean (over replications)
    with its 95 % band; the first panel is the cumulative profit after churn against the first
    policy, paired by replication (daily profit itself jumps with the weekend's revenue)."""
    variants = list(dict.fromkeys(daily["variant"]))
    measures = [m for m in (measures or MEASURES) if m in daily]
    frame = daily
    titles = {m: lang.kpi(m) for m in measures}
    if "profit_after_churn" in measures:
        frame = gap(daily, variants[0])
        titles["profit_after_churn"] = (
            lang("weeks_gap", reference=lang.policy(variants[0]))
            if len(variants) > 1
            else lang("cumulative_profit")
        )
        if len(variants) == 1:
            frame = frame.assign(gap=daily.sort_values("day")["profit_after_churn"].cumsum())
    colour, look = colours(variants), style(variants)
    cols = 1 if len(measures) == 1 else 2
    rows = -(-len(measures) // cols)
    figure = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[titles[m] for m in measures],
        shared_xaxes=True,
        vertical_spacing=0.09,
    )
    for i, measure in enumerate(measures):
        row, col = i // cols + 1, i % cols + 1
        scale = 100.0 if measure in PERCENT_KPIS else 1.0
        column = "gap" if measure == "profit_after_churn" else measure
        band = mean_band(frame, ["variant", "day"], column)
        for variant in variants:
            part = band[band["variant"] == variant]
            x = part["day"].tolist()
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
        elif measure == "active_customers":
            figure.update_yaxes(tickformat=",.0f", row=row, col=col)
    figure.update_xaxes(title=lang("day_axis"), row=rows)
    figure.update_xaxes(tick0=0, dtick=max(1, int(daily["day"].max() // 10 + 1)))
    winner, share = lead_share(daily, measures[0])
    if measures[0] == "profit_after_churn":
        title = lang("weeks_title", winner=lang.policy(winner), share=lang.percent(share, 0))
    else:
        measure = lang.kpi(measures[0])
        title = lang(
            "weeks_lead", measure=measure, winner=lang.policy(winner), share=lang.percent(share, 0)
        )
    styled(figure, lang, title, height=270 * rows + 150)
    return Chart("weeks", figure, lang("weeks_caption"))
