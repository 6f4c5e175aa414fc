"""A figure with its caption, the common layout, and per-group means with confidence bands."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.experiments.statistics import CONFIDENCE
from sim.metrics import KPIS
from sim.report.language import Language
from sim.report.palette import INK

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


@dataclass
class Chart:
    """A figure, its caption, and a short name (HTML ids, PNG file names)."""

    name: str
    figure: go.Figure
    caption: str

    @property
    def title(self) -> str:
        return self.figure.layout.title.text or ""


def wrap(text: str, width: int) -> str:
    """`text` broken into lines of at most about `width` characters (plotly titles do not
    wrap by themselves)."""
    lines, line = [], ""
    for word in text.replace("<br>", " ").split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join([*lines, line])


def styled(figure: go.Figure, lang: Language, title: str, height: int = 460) -> go.Figure:
    """The layout every figure shares: the title, the language's separators, plain fonts."""
    title = wrap(title, 95)
    extra = 24 * title.count("<br>")  # pixels each further line of the title takes
    figure.update_layout(  # title, then the legend, then the plots, from the top down
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - (28 + extra / 2) / height,
            "yanchor": "middle",
            "font": {"size": 19},
        },
        separators=lang.plotly_separators,
        font={"family": FONT, "size": 14, "color": INK},
        template="plotly_white",
        height=height,
        margin={"l": 80, "r": 30, "t": 115 + extra, "b": 60},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - (64 + extra) / height,
            "yanchor": "middle",
            "x": 0.0,
        },
        hoverlabel={"font": {"family": FONT}},
        uniformtext={"minsize": 11, "mode": "show"},
    )
    return figure


NEUTRAL = {name for name, info in KPIS.items() if info.neutral}
"""KPIs with no better direction (the catalogue's `neutral`): a longer AHT is neither better nor
worse in itself."""


def money_axis(lang: Language) -> dict:
    """Axis settings for euros: the language's currency sign and thousands."""
    return {"tickprefix": lang.currency_prefix, "tickformat": ",.0f"}


def mean_band(frame: pd.DataFrame, by: list[str], column: str) -> pd.DataFrame:
    """Mean of `column` over the rows of each group `by`, with a Student-t 95 % CI (n, low,
    high; no interval with one value)."""
    from scipy import stats  # imported when used: scipy.stats is slow to import

    grouped = frame.groupby(by, sort=True)[column]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(n > 1, stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)), np.nan)
        half = t * out["std"].to_numpy() / np.sqrt(n)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def transparent(colour: str, alpha: float) -> str:
    """`#rrggbb` as an rgba() string with opacity `alpha`."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
