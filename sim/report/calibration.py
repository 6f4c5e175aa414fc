"""calibration.html: what was read from the export, what was estimated from it (with CIs and
methods), and how well the calibrated scenario reproduces the data when simulated (per KPI,
per weekday and interval), with the fitted distributions against the data. One offline page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from sim.calibration.patience import fitted_survival, kaplan_meier
from sim.calibration.records import Estimate, Export
from sim.calibration.validation import MISFIT, Validation
from sim.report.figures import Chart
from sim.report.figures.calibration import LABELS, handle_time, kpi_by_interval, patience, show
from sim.report.language import Language
from sim.report.page import chart_html, render
from sim.scenario import Scenario
from sim.version import __version__


def _number(x: Any) -> str:
    """An estimate's value: four significant digits, whole numbers plain, text as it is."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        text = str(x)
        return text if len(text) <= 40 else "see the scenario file"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}"


def facts(export: Export, scenario: Scenario) -> list[tuple[str, str]]:
    """What was read: source, rows, dates, weekdays, opening hours, interval, time zone."""
    dates = pd.to_datetime(export.observed["date"])
    first, last = (d.date().isoformat() for d in (dates.min(), dates.max()))
    kind = "per-contact export" if export.kind == "contacts" else "interval export"
    return [
        ("Export", f"{export.source} ({kind})"),
        ("Rows read", f"{export.rows:,}"),
        ("Dates", f"{dates.nunique():,} dates, {first} to {last}"),
        ("Weekdays open", ", ".join(export.weekdays)),
        ("Opening hours", f"{export.open_from}–{export.open_until}"),
        ("Interval", f"{export.interval_minutes} minutes"),
        ("Time zone", export.timezone or "not given (local times as written)"),
        ("Service level target", f"answered within {export.service_level_seconds:g} s"),
        ("Scenario", scenario.name),
    ]


def estimate_rows(estimates: list[Estimate]) -> list[dict[str, str]]:
    """The estimates table: key, value, 95 % CI, method, rows, note."""
    rows = []
    for e in estimates:
        ci = (
            f"[{_number(e.low)}; {_number(e.high)}]"
            if e.low is not None and e.high is not None
            else ""
        )
        rows.append(
            {
                "key": e.key or "(reported only)",
                "value": _number(e.value),
                "ci": ci,
                "method": e.method,
                "rows": f"{e.rows:,}",
                "note": e.note,
            }
        )
    return rows


def summary_rows(validation: Validation, lang: Language) -> list[dict[str, str]]:
    """The validation table: per KPI data, simulated with CI, discrepancy with CI, verdict and
    the per-interval measures."""
    rows = []
    for c in validation.summary:
        k = c.kpi
        relative = f" ({c.relative:+.1%})" if c.relative is not None else ""
        rows.append(
            {
                "label": LABELS[k][0],
                "data": show(k, c.data, lang),
                "simulated": show(k, c.simulated, lang),
                "simulated_ci": f"[{show(k, c.low, lang)}; {show(k, c.high, lang)}]",
                "discrepancy": show(k, c.discrepancy, lang, True) + relative,
                "discrepancy_ci": f"[{show(k, c.discrepancy_low, lang, True)}; "
                f"{show(k, c.discrepancy_high, lang, True)}]",
                "verdict": "flagged" if c.flagged or c.undecided else "ok",
                "word": ("▲ " if c.discrepancy > 0 else "▼ ") + "beyond chance"
                if c.flagged
                else "too few replications to tell"
                if c.undecided
                else "within chance",
                "rmse": show(k, c.rmse, lang),
                "rmse_chance": f"chance alone: {show(k, c.rmse_chance, lang)}",
                "inside": f"{c.inside:.0%} of {c.cells}"
                + (f" ({c.dropped} left out)" if c.dropped else ""),
            }
        )
    return rows


def distribution_charts(export: Export, estimates: list[Estimate], lang: Language) -> list[Chart]:
    """Talk time, after-call work and patience: data against the fits (per-contact exports)."""
    contacts = export.contacts
    if contacts is None or contacts.empty:
        return []
    charts = [
        handle_time(contacts, estimates, "talk", "service", lang),
        handle_time(contacts, estimates, "acw", "after_call_work", lang),
    ]
    km = kaplan_meier(contacts)
    if len(km) > 1:
        fitted = fitted_survival(estimates, km["time"].to_numpy(dtype=float))
        kind = next((e.value for e in estimates if e.key == "patience.distribution"), "")
        charts.append(patience(km, fitted, f"{kind} patience".strip(), lang))
    return [c for c in charts if c is not None]


def chart_items(charts: list[Chart]) -> list[dict[str, str]]:
    """Charts as the template draws them."""
    return [{"html": chart_html(c), "caption": c.caption, "name": c.name} for c in charts]


def headline(validation: Validation, estimates: list[Estimate]) -> str:
    """The page's verdict: the KPIs beyond chance, and whether the behavioural fit converged
    (a fit that stopped short is said first, whatever the KPIs show)."""
    flagged = [LABELS[c.kpi][0] for c in validation.summary if c.flagged]
    undecided = [LABELS[c.kpi][0] for c in validation.summary if c.undecided]
    if flagged:
        text = "The calibrated scenario departs from the export beyond chance in: " + "; ".join(
            flagged
        )
        text += (
            "." if not undecided else f"; too few replications to tell for: {'; '.join(undecided)}."
        )
    elif undecided:
        text = (
            "Too few replications to tell whether the calibrated scenario matches the export "
            f"in: {'; '.join(undecided)} (the discrepancy's CI is wider than the data's value; "
            "run more with --replications)."
        )
    else:
        text = (
            f"The calibrated scenario reproduces the export's {len(validation.summary)} interval "
            "KPIs within the spread of its replications."
        )
    misfit = [LABELS[c.kpi][0] for c in validation.summary if c.misfit]
    if misfit:
        if text.startswith("The calibrated scenario reproduces"):
            text = (
                "On average over the day the calibrated scenario matches the export's "
                f"{len(validation.summary)} interval KPIs within chance, but not interval by "
                "interval."
            )
        text += (
            f" Per interval it misses by far more than chance in: {'; '.join(misfit)} (RMSE "
            f"over {MISFIT:g} times what chance alone gives)."
        )
    if any("NOT converged" in e.method for e in estimates):
        text = (
            "The behavioural fit did not converge: its fitted values miss the export's figures "
            f"(see What was estimated). {text}"
        )
    return text


def write_calibration_report(
    path: str | Path,
    export: Export,
    estimates: list[Estimate],
    scenario: Scenario,
    validation: Validation,
) -> Path:
    """Write calibration.html to `path`: the export read, the estimates, the validation by
    simulation and the fitted distributions; offline (plotly.js embedded)."""
    lang = Language("en")
    page = {
        "code": "en",
        "title": f"Calibration: {Path(export.source).name}",
        "headline": headline(validation, estimates),
        "facts": facts(export, scenario),
        "notes": [*export.notes, *validation.notes],
        "estimates": estimate_rows(estimates),
        "summary": summary_rows(validation, lang),
        "runs_line": f"{validation.replications} replications (seeds {validation.seeds[0]}–"
        f"{validation.seeds[-1]}) of {validation.days} days each, "
        f"{validation.interval_minutes}-minute intervals",
        "kpi_charts": chart_items(
            [kpi_by_interval(validation, c, lang) for c in validation.summary]
        ),
        "fit_charts": chart_items(distribution_charts(export, estimates, lang)),
        "generated": f"Made on {dt.date.today().isoformat()} by ccsim {__version__}.",
    }
    return render("calibration.html.j2", Path(path), **page)
