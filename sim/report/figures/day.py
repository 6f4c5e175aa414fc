"""An average day: demand, staff and service level per interval, per policy."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.report.figures.chart import Chart, styled
from sim.report.language import Language
from sim.report.palette import colours, style


def average_day(profile: pd.DataFrame, lang: Language) -> Chart:
    """`profile`: rows per (variant, run) and interval (`sim.metrics.average_day`); shows the
    mean over runs of contacts offered, staff on the phones and service level."""
    variants = list(dict.fromkeys(profile["variant"]))
    colour, look = colours(variants), style(variants)
    rows = [("offered", 1.0, ""), ("staffed", 1.0, ""), ("service_level", 100.0, "%")]
    figure = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        subplot_titles=[lang.kpi(m) for m, _, _ in rows],
        vertical_spacing=0.08,
    )
    starts = profile.groupby("interval")["start"].first()
    means = profile.groupby(["variant", "interval"])[["offered", "staffed"]].mean()
    pooled = (
        profile.assign(_w=profile["service_level"] * profile["offered"])
        .groupby(["variant", "interval"])[["_w", "offered"]]
        .sum()
    )
    means["service_level"] = pooled["_w"] / pooled["offered"].where(pooled["offered"] > 0)
    for variant in variants:
        part = means.loc[variant]
        x = [starts[k] for k in part.index]
        for r, (measure, scale, suffix) in enumerate(rows, start=1):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=part[measure] * scale,
                    mode="lines",
                    line={"color": colour[variant], "dash": look[variant][1], "shape": "hv"},
                    name=lang.policy(variant),
                    legendgroup=variant,
                    showlegend=r == 1,
                    hovertemplate=f"{lang.policy(variant)} %{{x}}: %{{y:,.1f}}{suffix}"
                    "<extra></extra>",
                ),
                row=r,
                col=1,
            )
    figure.update_yaxes(ticksuffix="%", row=3, col=1)
    figure.update_xaxes(title=lang("interval_axis"), row=3, col=1, nticks=14)
    total = means["offered"].groupby(level="interval").mean()
    peak = int(total.idxmax()) if len(total) else 0
    at_peak = means["offered"].xs(peak, level="interval") if len(total) else pd.Series([0.0])
    low, high = (lang.number(float(v)) for v in (at_peak.min(), at_peak.max()))
    title = lang(
        "day_title", peak=low if low == high else f"{low}–{high}", time=starts.get(peak, "")
    )
    styled(figure, lang, title, height=720)
    return Chart("day", figure, lang("day_caption"))
