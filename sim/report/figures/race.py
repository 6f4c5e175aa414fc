"""The race: each policy's cumulative profit after churn against the first policy's, animated
day by day (all bars start level, so the gap is what grows)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.figures.chart import Chart, money_axis, styled
from sim.report.figures.weeks import cumulative, finish
from sim.report.language import Language
from sim.report.palette import colours

FRAME_MS = 350


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
            text=[lang.money(v, signed=True) for v in values],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 17},
            hoverinfo="y+text",
        )

    days = list(table.index)
    values = table.to_numpy()
    high, low = max(0.0, float(values.max())), min(0.0, float(values.min()))
    span = (high - low) or 1.0

    def day_label(day: int) -> dict:
        """The day, large, in the top right corner (it changes with the frames)."""
        return {
            "annotations": [
                {
                    "text": f"{lang('day_axis')} {day + 1}",  # measured days 1..n
                    "xref": "paper",
                    "yref": "paper",
                    "x": 1.0,
                    "y": 1.02,
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 20, "color": "#444"},
                }
            ]
        }

    figure = go.Figure(
        data=[bars(days[-1])],  # a still image (and a PNG) shows the finish
        frames=[go.Frame(data=[bars(d)], name=str(d), layout=day_label(d)) for d in days],
        layout=day_label(days[-1]),
    )
    play = {"frame": {"duration": FRAME_MS, "redraw": True}, "fromcurrent": False}
    figure.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.5,
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
                "x": 0.0,
                "len": 1.0,
                "y": -0.2,
                "yanchor": "top",
                "currentvalue": {"prefix": lang("day_axis") + ": "},
                "steps": [
                    {
                        "label": str(d + 1),
                        "method": "animate",
                        "args": [[str(d)], {"mode": "immediate", "frame": {"duration": 0}}],
                    }
                    for d in days
                ],
            }
        ],
    )
    title = lang("race_title", finish=finish(table, lang))
    styled(figure, lang, title, height=560)
    figure.update_layout(margin={"l": 230, "r": 60, "b": 230}, showlegend=False)
    figure.update_xaxes(
        title=lang("gap_axis", reference=lang.policy(variants[0])),
        range=[low - 0.08 * span, high + 0.25 * span],
        tickangle=0,
        nticks=6,
        **money_axis(lang),
    )
    figure.update_yaxes(autorange="reversed")
    return Chart("race", figure, lang("race_caption", reference=lang.policy(variants[0])))
