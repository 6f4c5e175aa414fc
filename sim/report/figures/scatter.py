"""Revenue against customer satisfaction: one point per replication and policy."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.report.figures.chart import Chart, money_axis, styled
from sim.report.language import Language
from sim.report.palette import colours, style


def top_right(runs: pd.DataFrame, x: str = "csat", y: str = "revenue") -> tuple[str, bool]:
    """The variant with the highest mean revenue, and whether it also has the highest CSAT."""
    means = runs.groupby("variant")[[x, y]].mean()
    best = str(means[y].idxmax())
    return best, bool(means[x].idxmax() == best)


def revenue_vs_satisfaction(runs: pd.DataFrame, lang: Language) -> Chart:
    """Each run as a point: CSAT across, revenue up."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    variants = list(dict.fromkeys(ok["variant"]))
    colour, look = colours(variants), style(variants)
    figure = go.Figure()
    for variant in variants:
        part = ok[ok["variant"] == variant]
        figure.add_trace(
            go.Scatter(
                x=part["csat"] * 100,
                y=part["revenue"],
                mode="markers",
                marker={
                    "color": colour[variant],
                    "symbol": look[variant][0],
                    "size": 11,
                    "line": {"width": 1, "color": "white"},
                },
                name=lang.policy(variant),
                text=[f"seed {s}" for s in part["seed"]],
                hovertemplate=f"{lang.policy(variant)} (%{{text}})<br>CSAT %{{x:.1f}}%<br>"
                "%{y:,.0f}<extra></extra>",
            )
        )
    best, alone = top_right(ok)
    where = lang("top_right") if alone else lang("not_top_right")
    styled(figure, lang, lang("scatter_title", best=lang.policy(best), where=where))
    figure.update_xaxes(title=lang.kpi("csat"), ticksuffix="%")
    figure.update_yaxes(title=lang.kpi("revenue"), **money_axis(lang))
    return Chart("scatter", figure, lang("scatter_caption"))
