"""Waterfalls of a difference between two policies: by line of the ledger, and the exact splits
by mechanism, by policy lever and by step of the sales funnel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.experiments.decomposition import BASE, TOLERANCE, TOTAL
from sim.experiments.statistics import paired_by_seed
from sim.report.figures.chart import Chart, money_axis, styled, wrap
from sim.report.language import Language
from sim.report.palette import DOWN, INK, NEUTRAL, UP

WHISKER_OFFSET = 0.38
"""Where a part's CI whisker stands, right of its bar's centre (bars are 0.8 wide), clear of
the label above the bar."""
LEDGER = [  # (line, sign in profit after churn and acquisition)
    ("sales_revenue", 1.0),
    ("recurring_revenue", 1.0),
    ("labour_cost", -1.0),
    ("other_cost", -1.0),  # the cost of winning new customers included
    ("churned_value", -1.0),
    ("acquired_value", 1.0),
]
"""profit_after_churn = sales + recurring revenue − labour − other cost − the value lost to churn
+ the value won with new customers (`sim.behavior.money`); a folder from before word of mouth
(issue #23) has no acquired_value, and its profit after churn has no such term."""


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


def lay_flat(figure: go.Figure, values: list[float]) -> None:
    """Room for a horizontal waterfall's labels: the value axis reaches past every step's end
    by a quarter of the span (labels stand outside the bars), with few ticks."""
    ends = [0.0, *np.cumsum(values), float(np.sum(values))]
    low, high = min(ends), max(ends)
    span = (high - low) or 1.0
    figure.update_xaxes(range=[low - 0.25 * span, high + 0.3 * span], nticks=4, tickangle=0)


def money_waterfall(
    runs: pd.DataFrame, a: str, b: str, lang: Language, horizontal: bool = False
) -> Chart:
    """`a` − `b` in profit after churn and acquisition, built up from the ledger's lines
    (paired means); the lines add up to the total exactly. `horizontal` lays the lines top to
    bottom."""
    ledger = [(line, sign) for line, sign in LEDGER if line in runs]
    values = [sign * paired_by_seed(runs, line, a, b)["mean"] for line, sign in ledger]
    names = [lang.money_line(line) for line, _ in ledger]
    figure = _waterfall(names, values, lang.money_line("total"), lang)
    if horizontal:
        figure.update_traces(
            x=[*values, sum(values)],
            y=[*names, lang.money_line("total")],
            orientation="h",
            selector={"type": "waterfall"},
        )
        figure.update_yaxes(autorange="reversed")
        lay_flat(figure, values)
    else:  # names wrapped to stand level under their bars, as the splits' do
        width = max(10, 110 // (len(names) + 1))
        figure.update_xaxes(
            tickvals=[*names, lang.money_line("total")],
            ticktext=[wrap(n, width) for n in [*names, lang.money_line("total")]],
            tickangle=0,
        )
    total = sum(values)
    largest = max(range(len(values)), key=lambda k: abs(values[k]))
    title = lang(
        "waterfall_title",
        winner=lang.policy(a),
        other=lang.policy(b),
        delta=lang.money(abs(total)),
        line=lang.money_line(ledger[largest][0]).lower(),
        amount=lang.money(values[largest], signed=True),
    )
    styled(figure, lang, title)
    axis = figure.update_xaxes if horizontal else figure.update_yaxes
    axis(title=lang("difference") + " (€)", **money_axis(lang))
    figure.update_layout(showlegend=False)
    return Chart("money", figure, lang("waterfall_caption"))


def decomposition_waterfall(
    table: pd.DataFrame, split: str, lang: Language, horizontal: bool = False
) -> Chart:
    """One exact split of `a` − `b` (`sim.experiments.decomposition`, a table that adds up):
    the base term first where there is one, then each part with its 95 % CI as a whisker at
    the end of its step, then the total; the title names the largest part and its share.
    `horizontal` lays the steps top to bottom, their names on the left (a 4:3 slide has no
    width for nine names side by side)."""
    rows = table[table["split"] == split]
    total = rows[rows["part"] == TOTAL].iloc[0]
    steps = rows[rows["part"] != TOTAL]
    labels = [lang.part(split, p) for p in steps["part"]]
    values = [float(v) for v in steps["mean"]]
    names = [*labels, lang.part(split, TOTAL)]
    figure = _waterfall(labels, values, names[-1], lang)
    # bars at 0, 1, ... named by ticks, so each whisker can stand beside its bar's label
    slots = list(range(len(names)))
    if horizontal:
        figure.update_traces(
            x=[*values, sum(values)], y=slots, orientation="h", selector={"type": "waterfall"}
        )
        figure.update_yaxes(tickvals=slots, ticktext=names, autorange="reversed")
        lay_flat(figure, values)
    else:
        figure.update_traces(x=slots, selector={"type": "waterfall"})
        width = max(10, 110 // len(names))  # characters a line, so that labels stand level
        figure.update_xaxes(tickvals=slots, ticktext=[wrap(n, width) for n in names], tickangle=0)
    ends = [*np.cumsum(values), float(np.sum(values))]
    middle = [*values, float(total["mean"])]
    low = [*steps["ci_low"], total["ci_low"]]
    high = [*steps["ci_high"], total["ci_high"]]
    beside = [k + WHISKER_OFFSET for k in slots]
    error = {
        "type": "data",
        "array": [h - m for h, m in zip(high, middle, strict=True)],
        "arrayminus": [m - lo for lo, m in zip(low, middle, strict=True)],
        "color": INK,
        "thickness": 1.5,
        "width": 5,
    }
    figure.add_trace(
        go.Scatter(
            x=ends if horizontal else beside,
            y=beside if horizontal else ends,
            mode="markers",
            marker={"size": 1, "color": NEUTRAL},
            **({"error_x": error} if horizontal else {"error_y": error}),
            hovertext=[
                f"{name}: {lang.money(m, signed=True)} "
                f"[{lang.money(lo, signed=True)}; {lang.money(h, signed=True)}]"
                for name, m, lo, h in zip(names, middle, low, high, strict=True)
            ],
            hoverinfo="text",
        )
    )
    figure.update_traces(hoverinfo="skip", selector={"type": "waterfall"})
    styled(figure, lang, _title(steps, float(total["mean"]), split, lang))
    if horizontal:
        figure.update_xaxes(title=lang("difference") + " (€)", **money_axis(lang))
    else:
        figure.update_yaxes(title=lang("difference") + " (€)", **money_axis(lang))
    figure.update_layout(showlegend=False)
    replications = int(rows["n"].max())
    a, b = (lang.policy(str(rows[c].iloc[0])) for c in ("a", "b"))
    caption = lang(f"{split}_caption", replications=replications, a=a, b=b)
    return Chart(f"decomposition-{split}", figure, caption)


def _title(steps: pd.DataFrame, total: float, split: str, lang: Language) -> str:
    """The finding: the part (not the base) that carries most, and its share of the total."""
    parts = steps[steps["part"] != BASE]
    top = parts.iloc[int(np.argmax(np.abs(parts["mean"].to_numpy(dtype=float))))]
    a, b = (lang.policy(str(steps[c].iloc[0])) for c in ("a", "b"))
    name = lang.part(split, str(top["part"])).lower()
    if abs(total) <= TOLERANCE * max(1.0, float(np.abs(steps["mean"]).max())):
        return lang("parts_cancel_title", part=name, amount=lang.money(top["mean"], signed=True))
    share = lang.percent(float(top["mean"]) / total, 0)
    return lang(f"{split}_title", part=name, share=share, a=a, b=b)
