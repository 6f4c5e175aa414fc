"""Waterfalls of a difference between two policies: by line of the ledger, and by mechanism."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.statistics import paired_by_seed
from sim.report.figures.chart import Chart, money_axis, styled
from sim.report.language import Language
from sim.report.palette import DOWN, INK, UP

LEDGER = [  # (line, sign in profit after churn)
    ("sales_revenue", 1.0),
    ("recurring_revenue", 1.0),
    ("labour_cost", -1.0),
    ("other_cost", -1.0),
    ("churned_value", -1.0),
]


def _waterfall(
    labels: list[str], values: list[float], total_label: str, lang: Language
) -> go.Figure:
    return go.Figure(
        go.Waterfall(
            x=[*labels, total_label],
            y=[*values, sum(values)],
            measure=["relative"] * len(values) + ["total"],
            text=[lang.money(v, signed=True) for v in values]
            + [lang.money(sum(values), signed=True)],
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": UP}},
            decreasing={"marker": {"color": DOWN, "line": {"color": "#888", "width": 1}}},
            totals={"marker": {"color": INK}},
            connector={"line": {"color": "#888", "dash": "dot"}},
            hoverinfo="x+text",
        )
    )


def money_waterfall(runs: pd.DataFrame, a: str, b: str, lang: Language) -> Chart:
    """`a` − `b` in profit after churn, built up from the ledger's lines (paired means);
    the lines add up to the total exactly."""
    values = [sign * paired_by_seed(runs, line, a, b)["mean"] for line, sign in LEDGER]
    figure = _waterfall(
        [lang.money_line(line) for line, _ in LEDGER], values, lang.money_line("total"), lang
    )
    total = sum(values)
    largest = max(range(len(values)), key=lambda k: abs(values[k]))
    title = lang(
        "waterfall_title",
        winner=lang.policy(a),
        other=lang.policy(b),
        delta=lang.money(abs(total)),
        line=lang.money_line(LEDGER[largest][0]).lower(),
        amount=lang.money(values[largest], signed=True),
    )
    styled(figure, lang, title)
    figure.update_yaxes(title=lang("difference") + " (€)", **money_axis(lang))
    figure.update_layout(showlegend=False)
    return Chart("money", figure, lang("waterfall_caption"))


def channel_waterfall(channels: pd.DataFrame, lang: Language) -> Chart:
    """The difference split by mechanism (`sim.experiments.channels.channel_table`): a row per
    mechanism (`channel`, `contribution` in euros), one named `total` (the whole difference),
    and the pair in columns `a` and `b`."""
    total = float(channels.loc[channels["channel"] == "total", "contribution"].iloc[0])
    parts = channels[~channels["channel"].isin(["total", "interaction"])]
    labels = [lang.channel(c) for c in parts["channel"]]
    values = [float(v) for v in parts["contribution"]]
    labels.append(lang.channel("interaction"))
    values.append(total - sum(values))
    figure = _waterfall(labels, values, lang.money_line("total"), lang)
    top = max(range(len(values) - 1), key=lambda k: values[k]) if len(values) > 1 else 0
    share = lang.percent(values[top] / total, 0) if total else "n/a"
    replications = int(channels["n"].max()) if "n" in channels else 0
    a, b = (str(channels[c].iloc[0]) if c in channels else "" for c in ("a", "b"))
    title = lang(
        "channels_title",
        share=share,
        channel=labels[top].lower(),
        a=lang.policy(a),
        b=lang.policy(b),
    )
    styled(figure, lang, title)
    figure.update_yaxes(title=lang("difference") + " (€)", **money_axis(lang))
    figure.update_layout(showlegend=False)
    return Chart("channels", figure, lang("channels_caption", replications=replications))
