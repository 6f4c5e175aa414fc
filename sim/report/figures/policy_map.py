"""The policy map of a sweep: which policy wins where, with the margin, per pair of swept
parameters."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.metrics import kpi_info
from sim.report.figures.chart import Chart, styled, transparent
from sim.report.language import Language
from sim.report.palette import colours


def cells(summary: pd.DataFrame, winners: pd.DataFrame, x: str, y: str, kpi: str) -> pd.DataFrame:
    """Per (x, y): the variant with the best mean over the other swept parameters, its margin
    over the runner-up, and the share of the design points behind the cell where that variant
    won with a CI that excludes zero. A cell whose design points all had no difference
    (identical runs: an empty winner in winners.csv), whose best two means are equal, or whose
    KPI has no better direction (AHT) has no winner (empty)."""
    part = summary[summary["kpi"] == kpi]
    means = part.groupby([x, y, "variant"])["mean"].mean().unstack("variant")
    lower = kpi_info(kpi).lower_is_better
    won = winners[winners["kpi"] == kpi]
    rows = []
    for (xv, yv), values in means.iterrows():
        ranked = values.dropna().sort_values(ascending=lower)
        if len(ranked) < 2:
            continue
        best = str(ranked.index[0])
        margin = abs(float(ranked.iloc[0] - ranked.iloc[1]))
        behind = won[(won[x] == xv) & (won[y] == yv)]
        named = behind["winner"].fillna("").astype(str) != "" if len(behind) else behind
        if margin == 0 or kpi_info(kpi).neutral or (len(behind) and not named.any()):
            best, margin = "", 0.0  # no difference: never a winner among identical results
        decided = (
            float(((behind["winner"] == best) & behind["decided"]).mean()) if len(behind) else 0.0
        )
        rows.append({x: xv, y: yv, "winner": best, "margin": margin, "decided": decided})
    return pd.DataFrame(rows)


def policy_maps(
    summary: pd.DataFrame,
    winners: pd.DataFrame,
    params: list[str],
    lang: Language,
    kpi: str = "profit_after_churn",
) -> list[Chart]:
    """One heatmap per pair of swept parameters: the cell's colour is the winning policy (pale
    where most of its margins are not clear), its text the margin. One swept parameter: a line
    per policy over it (`along_parameter`)."""
    if len(params) == 1:
        return [along_parameter(summary, winners, params[0], lang, kpi)]
    variants = list(dict.fromkeys(summary["variant"]))
    colour = colours(variants)
    # two colours per variant: clear (full) and not clear (pale), as a discrete colour scale
    palette = [c for v in variants for c in (colour[v], transparent(colour[v], 0.35))]
    n = len(palette)
    scale = []
    for k, c in enumerate(palette):
        scale += [[k / n, c], [(k + 1) / n, c]]
    charts = []
    for x, y in combinations(params, 2):
        table = cells(summary, winners, x, y, kpi)
        if table.empty:
            continue
        xs, ys = sorted(table[x].unique()), sorted(table[y].unique())
        z = np.full((len(ys), len(xs)), np.nan)
        text = [["" for _ in xs] for _ in ys]
        for row in table.itertuples(index=False):
            x_value, y_value, winner, margin, decided = row
            i, j = ys.index(y_value), xs.index(x_value)
            if not winner:  # no difference: an empty cell that says so
                text[i][j] = lang("map_no_difference")
                continue
            z[i, j] = 2 * variants.index(winner) + (0 if decided >= 0.5 else 1) + 0.5
            text[i][j] = f"{lang.policy(winner)}<br>{lang('map_margin')} {lang.value(kpi, margin)}"
        figure = go.Figure(
            go.Heatmap(
                x=[str(v) for v in xs],
                y=[str(v) for v in ys],
                z=z,
                zmin=0,
                zmax=n,
                colorscale=scale,
                showscale=False,
                text=text,
                texttemplate="%{text}",
                textfont={"size": 12, "color": "#1a1a1a"},
                hovertemplate=f"{x} = %{{x}}<br>{y} = %{{y}}<br>%{{text}}<extra></extra>",
                xgap=2,
                ygap=2,
            )
        )
        for v in variants:  # the legend: a colour per policy
            figure.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=lang.policy(v),
                    marker={"color": colour[v], "size": 14, "symbol": "square"},
                )
            )
        counts = table.loc[table["winner"] != "", "winner"].value_counts()
        styled(figure, lang, lang("map_title") + f": {x} × {y}", height=520)
        figure.update_xaxes(title=x, type="category")
        figure.update_yaxes(title=y, type="category")
        figure.update_layout(plot_bgcolor="white")
        name = f"map-{x}-{y}".replace(".", "_")
        caption = (
            lang("map_caption")
            + " "
            + ", ".join(f"{lang.policy(v)}: {int(c)}" for v, c in counts.items())
        )
        charts.append(Chart(name, figure, caption))
    return charts


def along_parameter(
    summary: pd.DataFrame, winners: pd.DataFrame, x: str, lang: Language, kpi: str
) -> Chart:
    """A one-parameter sweep: the KPI's mean per policy over the swept parameter, a line each;
    the caption counts the points where each policy won with a CI that excludes zero (none on a
    KPI with no better direction)."""
    part = summary[summary["kpi"] == kpi]
    variants = list(dict.fromkeys(part["variant"]))
    colour = colours(variants)
    figure = go.Figure()
    for v in variants:
        line = part[part["variant"] == v].groupby(x)["mean"].mean().sort_index()
        figure.add_trace(
            go.Scatter(
                x=line.index.tolist(),
                y=line.to_numpy(),
                mode="lines+markers",
                name=lang.policy(v),
                line={"color": colour[v]},
                hovertemplate=f"{x} = %{{x}}<br>%{{y:,.4g}}<extra>{lang.policy(v)}</extra>",
            )
        )
    won = winners[(winners["kpi"] == kpi) & winners["decided"].astype(bool)]
    named = won["winner"].fillna("").astype(str)
    counts = named[named != ""].value_counts()
    styled(figure, lang, lang("map_title") + f": {x}", height=460)
    figure.update_xaxes(title=x)
    figure.update_yaxes(title=lang.kpi(kpi))
    caption = lang("map_line_caption") + (
        " " + ", ".join(f"{lang.policy(v)}: {int(c)}" for v, c in counts.items())
        if not kpi_info(kpi).neutral
        else ""
    )
    return Chart(f"map-{x}".replace(".", "_"), figure, caption)
