"""How a paired difference is spread across the plausible worlds of an uncertainty
experiment: a histogram of the worlds by the difference, coloured by who wins there, with the
zero line marked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.report.figures.chart import Chart, money_axis, styled
from sim.report.language import MONEY_KPIS, PERCENT_KPIS, Language
from sim.report.palette import INK, colours

BINS = 30


@dataclass
class Pair:
    """One pair and outcome of the summary, turned so that `winner` is the variant that wins
    in most plausible worlds: `values` is winner − other per world (one row per world)."""

    winner: str
    other: str
    outcome: str
    share: float  # of the worlds where the winner wins
    values: pd.DataFrame  # columns: world, difference
    lower_is_better: bool
    summary: dict[str, Any]

    @property
    def sign(self) -> float:
        """+1 where the summary's a − b is winner − other, else −1."""
        return 1.0 if self.winner == self.summary["variant_a"] else -1.0

    def winners(self) -> np.ndarray:
        """Who wins in each world (ties go to neither: the other's name is not used)."""
        better = -self.values["difference"] if self.lower_is_better else self.values["difference"]
        return np.where(better > 0, self.winner, np.where(better < 0, self.other, ""))


def pair_of(summary: dict[str, Any], differences: pd.DataFrame) -> Pair:
    """The pair of a summary record with its per-world differences, the usual winner first."""
    a, b, outcome = summary["variant_a"], summary["variant_b"], summary["outcome"]
    part = differences[
        (differences["variant_a"] == a)
        & (differences["variant_b"] == b)
        & (differences["outcome"] == outcome)
    ]
    flip = (summary.get("p_b_wins") or 0.0) > (summary.get("p_a_wins") or 0.0)
    winner, other = (b, a) if flip else (a, b)
    share = summary.get("p_b_wins" if flip else "p_a_wins") or 0.0
    values = pd.DataFrame(
        {"world": part["world"].to_numpy(), "difference": (-1 if flip else 1) * part["mean_diff"]}
    )
    lower = bool(summary.get("lower_is_better"))
    return Pair(winner, other, outcome, float(share), values, lower, summary)


def scaled(outcome: str, values: pd.Series | np.ndarray) -> np.ndarray:
    """Differences as shown on an axis: shares in percentage points."""
    factor = 100.0 if outcome in PERCENT_KPIS else 1.0
    return np.asarray(values, dtype=float) * factor


def difference_axis(pair: Pair, lang: Language, short: bool = False) -> dict[str, Any]:
    """The axis of a difference: its title (`short`: without the pair, which the figure's
    title names), and euros or percentage points."""
    title = lang(
        "uncertainty_axis",
        a=lang.policy(pair.winner),
        b=lang.policy(pair.other),
        kpi=lang.kpi(pair.outcome),
    )
    if short:
        title = f"{lang('difference')}: {lang.kpi(pair.outcome)}"
    if pair.outcome in MONEY_KPIS:
        return {"title": title, **money_axis(lang)}
    if pair.outcome in PERCENT_KPIS:
        return {"title": title, "ticksuffix": lang.format["points"]}
    return {"title": title}


def headline(pair: Pair, lang: Language) -> str:
    """'quality beats aht in 97 % of plausible worlds' (or in every one)."""
    names = {"winner": lang.policy(pair.winner), "other": lang.policy(pair.other)}
    if pair.share >= 1.0:
        return lang("uncertainty_every", **names)
    return lang("uncertainty_beats", share=lang.percent(pair.share, 0), **names)


def difference_spread(pair: Pair, lang: Language) -> Chart:
    """The worlds counted by the difference winner − other, a bar part per winner in that
    policy's colour; a line at zero."""
    x = scaled(pair.outcome, pair.values["difference"])
    who = pair.winners()
    low, high = (float(x.min()), float(x.max())) if len(x) else (0.0, 1.0)
    size = (max(high, 0.0) - min(low, 0.0)) / BINS or 1.0
    start = math.floor(min(low, 0.0) / size) * size  # zero falls on an edge between bins
    colour = colours([pair.winner, pair.other])
    figure = go.Figure()
    for name in (pair.winner, pair.other):
        picked = x[who == name]
        if len(picked):
            figure.add_trace(
                go.Histogram(
                    x=picked,
                    xbins={"start": start, "end": high + size, "size": size},
                    name=lang("uncertainty_wins", policy=lang.policy(name)),
                    marker={"color": colour[name], "line": {"width": 0.5, "color": "white"}},
                    hovertemplate="%{x}: %{y}<extra></extra>",
                )
            )
    figure.add_vline(x=0, line={"color": INK, "width": 2})
    styled(figure, lang, headline(pair, lang))
    figure.update_layout(barmode="stack", bargap=0.05, showlegend=True)
    figure.update_xaxes(**difference_axis(pair, lang))
    most = max(np.histogram(x, bins=np.arange(start, high + 2 * size, size))[0], default=1)
    figure.update_yaxes(  # whole worlds: no tick between 0 and 1
        title=lang("uncertainty_worlds_axis"), tickformat=",d", dtick=max(1, math.ceil(most / 5))
    )
    caption = lang(
        "uncertainty_spread_caption",
        a=lang.policy(pair.winner),
        b=lang.policy(pair.other),
        kpi=lang.kpi(pair.outcome),
    )
    name = f"worlds-{pair.summary['variant_a']}-{pair.summary['variant_b']}-{pair.outcome}"
    return Chart(name, figure, caption)
