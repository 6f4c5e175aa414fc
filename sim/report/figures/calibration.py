"""The calibration report's figures: a KPI across the intervals of the day, data against the
calibrated scenario's simulation (a weekday at a time), and the fitted distributions against
the data (handle times' histograms with the lognormal density, patience's Kaplan-Meier survival
with the fitted survival)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.calibration.records import Estimate
from sim.calibration.validation import SHARES, KpiCheck, Validation
from sim.report.figures.chart import Chart, styled, transparent
from sim.report.language import Language
from sim.report.palette import OKABE_ITO

LABELS = {
    "offered": ("Contacts offered per interval", "", "Contacts per interval"),
    "service_level": ("Service level (answered within target, of offered)", "%", "Service level"),
    "abandonment_rate": ("Abandonment (abandoned, of offered)", "%", "Abandoned"),
    "asa": ("Average speed of answer (s)", " s", "Average speed of answer"),
    "aht": ("Average handle time (s)", " s", "Average handle time"),
}
"""Each validated KPI's label, the suffix of its values and its axis title."""
SIMULATED, DATA = OKABE_ITO[0], OKABE_ITO[1]


def show(kpi: str, x: float, lang: Language, signed: bool = False) -> str:
    """A KPI's value (or, signed, a difference) as the page shows it."""
    if kpi in SHARES:
        return lang.number(100 * x, 1, signed) + (" pp" if signed else "%")
    decimals = 0 if abs(x) >= 100 else 1
    return lang.number(x, decimals, signed) + LABELS[kpi][1]


def finding(check: KpiCheck, lang: Language) -> str:
    """One line: simulated against data, the discrepancy and whether chance explains it."""
    k = check.kpi
    verdict = "beyond chance" if check.flagged else "within chance"
    return (
        f"{LABELS[k][0]}: simulated {show(k, check.simulated, lang)} against "
        f"{show(k, check.data, lang)} in the data; discrepancy "
        f"{show(k, check.discrepancy, lang, True)} (95 % CI "
        f"{show(k, check.discrepancy_low, lang, True)} to "
        f"{show(k, check.discrepancy_high, lang, True)}: {verdict})"
    )


def kpi_by_interval(validation: Validation, check: KpiCheck, lang: Language) -> Chart:
    """Per interval of the day: the data, the simulated mean and the band one replication
    falls in (95 %), one weekday at a time (a menu picks it)."""
    kpi, scale = check.kpi, 100.0 if check.kpi in SHARES else 1.0
    table = validation.intervals[validation.intervals["kpi"] == kpi]
    weekdays = list(dict.fromkeys(table["weekday"]))
    figure, groups = go.Figure(), []
    for w, weekday in enumerate(weekdays):
        part = table[table["weekday"] == weekday]
        x, name = part["start"].tolist(), lang.weekday(weekday)
        hover = f"{name} %{{x}}: %{{y:,.1f}}{LABELS[kpi][1]}<extra>%{{fullData.name}}</extra>"
        traces = [
            go.Scatter(
                x=x, y=part["band_low"] * scale, mode="lines", line={"width": 0},
                showlegend=False, hoverinfo="skip",
            ),
            go.Scatter(
                x=x, y=part["band_high"] * scale, mode="lines", line={"width": 0},
                fill="tonexty", fillcolor=transparent(SIMULATED, 0.18),
                name="one replication, 95 % band", hoverinfo="skip",
            ),
            go.Scatter(
                x=x, y=part["simulated"] * scale, mode="lines",
                line={"color": SIMULATED, "width": 2.5},
                name=f"simulated (mean of {validation.replications})", hovertemplate=hover,
            ),
            go.Scatter(
                x=x, y=part["data"] * scale, mode="markers",
                marker={"color": DATA, "size": 8, "symbol": "diamond"},
                name="data", hovertemplate=hover,
            ),
        ]  # fmt: skip
        for trace in traces:
            trace.visible = w == 0
            figure.add_trace(trace)
        groups.append(len(traces))
    if len(weekdays) > 1:
        buttons = []
        for w, weekday in enumerate(weekdays):
            visible = [k == w for k, n in enumerate(groups) for _ in range(n)]
            buttons.append(
                {"label": lang.weekday(weekday), "method": "update", "args": [{"visible": visible}]}
            )
        figure.update_layout(
            updatemenus=[
                {
                    "buttons": buttons,
                    "direction": "down",
                    "x": 1.0,
                    "xanchor": "right",
                    "y": 1.02,
                    "yanchor": "bottom",
                    "showactive": True,
                }
            ]
        )
    figure.update_xaxes(title="Interval of the day (start)", nticks=16)
    figure.update_yaxes(title=LABELS[kpi][2], ticksuffix=LABELS[kpi][1], rangemode="tozero")
    styled(figure, lang, finding(check, lang), height=480)
    caption = (
        "Diamonds: the export; line: the calibrated scenario's mean over its replications; "
        "shaded: where one replication falls with 95 % probability. Data outside the band in "
        f"{1 - check.inside:.0%} of {check.cells} intervals (about 5 % by chance); "
        "pick the weekday in the menu."
    )
    return Chart(f"validation-{kpi}", figure, caption)


def _value(estimates: list[Estimate], key: str) -> Any:
    """The value estimated for scenario `key`, None when not estimated."""
    return next((e.value for e in estimates if e.key == key), None)


def handle_time(
    contacts: pd.DataFrame, estimates: list[Estimate], column: str, section: str, lang: Language
) -> Chart | None:
    """Histogram (density) of `column` of the answered contacts with the lognormal fitted by
    `section`.mean_seconds and .cv (mu = ln(mean) − σ²/2, σ² = ln(1 + cv²))."""
    from scipy import stats  # imported when used: scipy.stats is slow to import

    values = contacts.loc[contacts["answered"], column].dropna().to_numpy(dtype=float)
    mean, cv = _value(estimates, f"{section}.mean_seconds"), _value(estimates, f"{section}.cv")
    if len(values) < 2 or values.max() <= 0:
        return None
    top = float(np.quantile(values, 0.99))
    density, edges = np.histogram(values[values <= top], bins=50, range=(0.0, top), density=True)
    density *= np.mean(values <= top)  # the share beyond the 99th percentile is not drawn
    name = "talk time" if column == "talk" else "after-call work"
    figure = go.Figure(
        go.Bar(
            x=(edges[:-1] + edges[1:]) / 2, y=density, width=np.diff(edges),
            marker={"color": transparent(DATA, 0.55), "line": {"width": 0}},
            name=f"data ({len(values):,} answered contacts)",
            hovertemplate="%{x:,.0f} s: %{y:.2e}<extra></extra>",
        )
    )  # fmt: skip
    title = f"{name.capitalize()}: {len(values):,} answered contacts, mean {values.mean():,.0f} s"
    if isinstance(mean, int | float) and isinstance(cv, int | float) and mean > 0 and cv > 0:
        sigma = math.sqrt(math.log(1 + cv**2))
        mu = math.log(mean) - sigma**2 / 2
        x = np.linspace(top / 400, top, 400)
        figure.add_trace(
            go.Scatter(
                x=x, y=stats.lognorm(s=sigma, scale=math.exp(mu)).pdf(x), mode="lines",
                line={"color": SIMULATED, "width": 3},
                name=f"fitted lognormal (mean {mean:,.0f} s, CV {cv:.2f})",
                hovertemplate="%{x:,.0f} s: %{y:.2e}<extra>fitted</extra>",
            )
        )  # fmt: skip
        title += f"; the fitted lognormal: mean {mean:,.0f} s, CV {cv:.2f}"
    figure.update_xaxes(title=f"{name.capitalize()} (s)", range=[0, top])
    figure.update_yaxes(title="Density (per second)", showexponent="all", exponentformat="e")
    styled(figure, lang, title, height=420)
    caption = (
        f"Bars: the {name} of the answered contacts (up to the 99th percentile); line: the "
        "fitted lognormal"
        + (
            " (the pure queue draws talk times from it; with the behavioural layer talk time "
            "comes from each conversation, whose need is fitted to the data's mean)."
            if column == "talk"
            else ", which the scenario draws after-call work from."
        )
    )
    return Chart(f"fit-{column}", figure, caption)


def patience(km: pd.DataFrame, fitted: np.ndarray | None, label: str, lang: Language) -> Chart:
    """Kaplan-Meier survival of patience (`km`: time, survival, low, high) with the fitted
    survival at the same times (`fitted`, None when no fit)."""
    if len(km) > 600:  # a long step curve: every k-th step is enough to draw
        km = km.iloc[np.unique(np.linspace(0, len(km) - 1, 600).astype(int))]
    t = km["time"].to_numpy(dtype=float)
    figure = go.Figure(
        [
            go.Scatter(
                x=t, y=km["low"], mode="lines", line={"width": 0, "shape": "hv"},
                showlegend=False, hoverinfo="skip",
            ),
            go.Scatter(
                x=t, y=km["high"], mode="lines", line={"width": 0, "shape": "hv"},
                fill="tonexty", fillcolor=transparent(DATA, 0.2), name="95 % CI",
                hoverinfo="skip",
            ),
            go.Scatter(
                x=t, y=km["survival"], mode="lines", line={"color": DATA, "shape": "hv"},
                name="Kaplan-Meier (data)", hovertemplate="%{x:,.0f} s: %{y:.1%}<extra></extra>",
            ),
        ]
    )  # fmt: skip
    if fitted is not None:
        figure.add_trace(
            go.Scatter(
                x=t, y=fitted, mode="lines", line={"color": SIMULATED, "width": 3, "dash": "dash"},
                name=f"fitted: {label}", hovertemplate="%{x:,.0f} s: %{y:.1%}<extra>fitted</extra>",
            )
        )  # fmt: skip
    figure.update_xaxes(title="Seconds waited", rangemode="tozero")
    figure.update_yaxes(title="Still willing to wait", tickformat=".0%", range=[0, 1.02])
    title = "Patience: share of callers still willing to wait after t seconds" + (
        f", against the fitted {label}" if fitted is not None else ""
    )
    styled(figure, lang, title, height=420)
    caption = (
        "Kaplan-Meier estimate from the waits (an abandonment reveals the caller's patience, an "
        "answer only that it was longer than the wait), with the fit (the pure queue uses it as "
        "it is; the behavioural model spreads it over the customers' own patience factors, as "
        "the scenario file says)."
    )
    return Chart("fit-patience", figure, caption)
