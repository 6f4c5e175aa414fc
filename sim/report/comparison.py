"""The comparison page of an experiment: per KPI, each variant's mean with its 95 % CI.

The page embeds plotly.js, so it opens offline (a conference hall, a train) and can be mailed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.files import write_atomic


def comparison_figure(summary: pd.DataFrame, title: str) -> go.Figure:
    """A plotly figure: per KPI, each variant's mean with its 95% CI as an error bar."""
    kpis = list(dict.fromkeys(summary["kpi"]))
    cols = 3
    rows = -(-len(kpis) // cols)
    figure = make_subplots(rows=rows, cols=cols, subplot_titles=kpis)
    for i, kpi in enumerate(kpis):
        part = summary[summary["kpi"] == kpi]
        figure.add_trace(
            go.Bar(
                x=part["variant"],
                y=part["mean"],
                error_y={"type": "data", "array": part["ci_high"] - part["mean"], "visible": True},
                showlegend=False,
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
    figure.update_layout(title=f"{title}: mean and 95% CI per KPI", height=260 * rows)
    return figure


def write_comparison_page(summary: pd.DataFrame, title: str, out: Path) -> Path | None:
    """Write `out`/comparison.html (plotly.js embedded) from the summary of a comparison (no
    design points); returns its path, or None when there is nothing to show."""
    if summary.empty:
        return None
    figure = comparison_figure(summary, title)
    path = Path(out) / "comparison.html"
    write_atomic(path, lambda tmp: figure.write_html(tmp, include_plotlyjs=True, full_html=True))
    return path
