"""Each policy's key figures side by side, with their 95 % confidence intervals."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.metrics import kpi_info
from sim.report.figures.chart import NEUTRAL, Chart, money_axis, styled
from sim.report.language import MONEY_KPIS, PERCENT_KPIS, Language
from sim.report.palette import colours


def best_counts(summary: pd.DataFrame, kpis: list[str]) -> dict[str, int]:
    """For each variant, on how many of `kpis` its mean is the best (higher, or lower where
    less is better)."""
    counts: dict[str, int] = {v: 0 for v in dict.fromkeys(summary["variant"])}
    for kpi in kpis:
        part = summary[summary["kpi"] == kpi].dropna(subset=["mean"])
        if part.empty or kpi in NEUTRAL:
            continue
        pick = part["mean"].idxmin() if kpi_info(kpi).lower_is_better else part["mean"].idxmax()
        counts[part.at[pick, "variant"]] += 1
    return counts


def kpi_panel(summary: pd.DataFrame, kpis: list[str], lang: Language) -> Chart:
    """One small chart per KPI: each variant's mean as a bar, its 95 % CI as a whisker."""
    kpis = [k for k in kpis if k in set(summary["kpi"])]
    variants = list(dict.fromkeys(summary["variant"]))
    colour = colours(variants)
    cols = 3
    rows = -(-len(kpis) // cols)
    figure = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[lang.kpi(k) for k in kpis],
        vertical_spacing=0.5 / max(rows, 1) / 2,
        horizontal_spacing=0.09,
    )
    for i, kpi in enumerate(kpis):
        part = summary[summary["kpi"] == kpi].set_index("variant").reindex(variants)
        scale = 100.0 if kpi in PERCENT_KPIS else 1.0
        figure.add_trace(
            go.Bar(
                x=[lang.policy(v) for v in variants],
                y=part["mean"] * scale,
                marker_color=[colour[v] for v in variants],
                error_y={
                    "type": "data",
                    "array": (part["ci_high"] - part["mean"]) * scale,
                    "arrayminus": (part["mean"] - part["ci_low"]) * scale,
                    "color": "#333",
                    "thickness": 1.5,
                },
                hovertext=[
                    f"{lang.policy(v)}: {lang.value(kpi, m)} "
                    f"[{lang.value(kpi, lo)}; {lang.value(kpi, hi)}]"
                    for v, m, lo, hi in zip(
                        variants, part["mean"], part["ci_low"], part["ci_high"], strict=True
                    )
                ],
                hoverinfo="text",
                showlegend=False,
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
        axis = {"ticksuffix": "%"} if kpi in PERCENT_KPIS else {}
        if kpi in MONEY_KPIS:
            axis = money_axis(lang)
        figure.update_yaxes(axis, row=i // cols + 1, col=i % cols + 1)
    figure.update_xaxes(showticklabels=False)
    counts = best_counts(summary, kpis)
    best = max(counts, key=counts.get) if counts else ""
    ranked = [k for k in kpis if k not in NEUTRAL]
    title = lang(
        "panel_title", best=lang.policy(best), count=counts.get(best, 0), total=len(ranked)
    )
    styled(figure, lang, title, height=250 * rows + 120)
    for v in variants:  # a legend of the colours, once
        figure.add_trace(
            go.Bar(x=[None], y=[None], marker_color=colour[v], name=lang.policy(v)),
            row=1,
            col=1,
        )
    return Chart("kpis", figure, lang("panel_caption"))
