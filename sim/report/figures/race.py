"""The race: each policy's cumulative profit after churn, animated day by day."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.figures.chart import Chart, money_axis, styled
from sim.report.language import Language
from sim.report.palette import colours

FRAME_MS = 350


def cumulative(daily: pd.DataFrame, column: str = "profit_after_churn") -> pd.DataFrame:
    """Mean over replications of the running sum of `column`: rows days, columns variants."""
    running = daily.sort_values("day").assign(
        _sum=lambda d: d.groupby(["variant", "seed"])[column].cumsum()
    )
    table = running.groupby(["day", "variant"])["_sum"].mean().unstack("variant")
    return table[list(dict.fromkeys(daily["variant"]))]


def race(daily: pd.DataFrame, lang: Language) -> Chart:
    """Horizontal bars, one per policy, growing with the days; play, pause and a day slider."""
    table = cumulative(daily)
    variants = list(table.columns)
    colour = colours(variants)
    names = [lang.policy(v) for v in variants]

    def bars(day: int) -> go.Bar:
        values = table.loc[day]
        return go.Bar(
            x=values.to_numpy(),
            y=names,
            orientation="h",
            marker_color=[colour[v] for v in variants],
            text=[lang.money(v) for v in values],
            textposition="inside",
            insidetextanchor="end",
            textfont={"color": "white", "size": 16},
            hoverinfo="y+text",
        )

    days = list(table.index)
    high = float(table.to_numpy().max()) if len(table) else 1.0
    low = min(0.0, float(table.to_numpy().min())) if len(table) else 0.0
    figure = go.Figure(
        data=[bars(days[-1])],  # a still image (and a PNG) shows the finish
        frames=[go.Frame(data=[bars(d)], name=str(d)) for d in days],
    )
    play = {"frame": {"duration": FRAME_MS, "redraw": True}, "fromcurrent": True}
    figure.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "buttons": [
                    {"label": "▶ " + lang("play"), "method": "animate", "args": [None, play]},
                    {
                        "label": "❚❚ " + lang("pause"),
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", "frame": {"duration": 0}}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": len(days) - 1,
                "x": 0.25,
                "len": 0.75,
                "y": -0.08,
                "currentvalue": {"prefix": lang("day_axis") + ": "},
                "steps": [
                    {
                        "label": str(d),
                        "method": "animate",
                        "args": [[str(d)], {"mode": "immediate", "frame": {"duration": 0}}],
                    }
                    for d in days
                ],
            }
        ],
    )
    styled(figure, lang, lang("race_title"), height=480)
    figure.update_layout(margin={"l": 230, "b": 140}, showlegend=False)
    figure.update_xaxes(
        title=lang("cumulative_profit"), range=[low * 1.1, high * 1.12], **money_axis(lang)
    )
    figure.update_yaxes(autorange="reversed")
    return Chart("race", figure, lang("race_caption"))
