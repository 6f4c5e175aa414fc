"""The dashboard's own line charts (the staffing card, the watched day): plain lines in fixed
colours, no policy colours, in the page's number format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from sim.report.language import Language

Line = tuple[str, Sequence[Any], Sequence[float], str, str]
"""A line: its name, x values, y values, colour and dash."""


def line_chart(lines: Sequence[Line], lang: Language, height: int, steps: bool = False) -> Any:
    """A figure of `lines` (`steps`: drawn as steps, for values that hold over an interval)."""
    chart = go.Figure()
    for name, x, y, colour, dash in lines:
        chart.add_trace(
            go.Scatter(
                x=list(x),
                y=list(y),
                mode="lines",
                line_shape="hv" if steps else "linear",
                name=name,
                line={"color": colour, "dash": dash, "width": 2.5},
            )
        )
    chart.update_layout(
        height=height,
        template="plotly_white",
        separators=lang.plotly_separators,
        margin={"t": 20 if steps else 30, "l": 50, "r": 20, "b": 40},
        legend={"orientation": "h"} if steps else {},
    )
    return chart
