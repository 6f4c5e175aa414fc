"""Turning charts into one self-contained HTML page: plotly.js embedded once, no request
leaves the page, so it opens by double-click, offline, and can be mailed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from plotly.offline import get_plotlyjs

from sim.files import write_atomic
from sim.report.figures import Chart

PLOT_CONFIG = {"displaylogo": False, "responsive": True}


@cache
def environment() -> jinja2.Environment:
    """The templates of `sim/report/templates`, HTML-escaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def chart_html(chart: Chart) -> str:
    """The chart's div and its drawing script (plotly.js comes once, with the page)."""
    return chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.name,
        config=PLOT_CONFIG,
        auto_play=False,  # an animation starts when asked (the talk starts it on its slide)
    )


def render(template: str, out: Path, **context: Any) -> Path:
    """Render `template` with plotly.js and `context` into `out`, atomically."""
    html = environment().get_template(template).render(plotlyjs=get_plotlyjs(), **context)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, lambda tmp: Path(tmp).write_text(html, encoding="utf-8"))
    return out
