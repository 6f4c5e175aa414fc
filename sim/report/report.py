"""`ccsim report`: a results folder as one offline HTML report, in English or Dutch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.statistics import paired_differences, summarize
from sim.metrics import kpi_info
from sim.report import figures
from sim.report.figures import Chart
from sim.report.figures.chart import NEUTRAL
from sim.report.headline import finding, headline, note_lines
from sim.report.language import Language
from sim.report.page import chart_html, render
from sim.report.palette import colours
from sim.report.results import Results, load_results
from sim.report.uncertainty import facts_line, kept_line, sections
from sim.version import __version__

REPORT_KPIS = [
    "profit_after_churn",
    "profit_and_base_value",
    "revenue",
    "cost",
    "acquired_value",
    "acquisition_cost",
    "csat",
    "nps",
    "base_nps",
    "newcomers",
    "net_customers",
    "reputation",
    "mean_reputation",
    "public_stories",
    "service_level",
    "aht",
    "fcr",
    "failure_demand_share",
    "expected_attrition_annual",
]
"""The key figures every comparison shows, in this order."""
OPEN_BASE_KPIS = (
    "profit_and_base_value",
    "acquired_value",
    "acquisition_cost",
    "newcomers",
    "reputation",
    "mean_reputation",
    "public_stories",
)
"""Word of mouth's KPIs (issue #23), shown only when the base was open in some run: in a closed
base they are 0 (nobody joins), or, for the valuation with no month counted twice, a figure
that only long runs need."""


def open_base(runs: pd.DataFrame) -> bool:
    """Whether customers joined, or reputation moved, in some run: an open base (reputation
    moves from the first closing on; a closed base, or a folder from before #23, keeps 0)."""
    moved = [runs[k].fillna(0).ne(0).any() for k in ("newcomers", "reputation") if k in runs]
    return bool(any(moved))


def report_kpis(runs: pd.DataFrame) -> list[str]:
    """The key figures `runs` has, in `REPORT_KPIS`'s order: word of mouth's only in an open
    base (a closed base's zeros say nothing)."""
    shown = open_base(runs)
    return [k for k in REPORT_KPIS if k in runs and (shown or k not in OPEN_BASE_KPIS)]


def comparison_charts(results: Results, lang: Language) -> list[Chart]:
    """The figures of a comparison (or of one run): what the report and the talk draw from."""
    runs, charts = results.ok_runs, []
    kpis = report_kpis(runs)
    if len(results.variants) > 1:
        summary = summarize(runs, kpis, results.variants)
        charts.append(figures.kpi_panel(summary, kpis, lang))
        found = finding(runs) if "profit_after_churn" in runs else None
        if found is not None:
            charts.append(figures.money_waterfall(runs, found.winner, found.other, lang))
    for split in dict.fromkeys(results.decomposition.get("split", [])):
        charts.append(figures.decomposition_waterfall(results.decomposition, split, lang))
    if not results.daily.empty and "profit_after_churn" in results.daily:
        charts.append(figures.weeks(results.daily, lang))
        if results.daily["variant"].nunique() > 1:
            charts.append(figures.race(results.daily, lang))
    if figures.shows_word_of_mouth(results.daily):
        charts.append(figures.customers(results.daily, lang))
    if not results.profile.empty:
        charts.append(figures.average_day(results.profile, lang))
    if len(results.variants) > 1 and {"csat", "revenue"} <= set(runs):
        charts.append(figures.revenue_vs_satisfaction(runs, lang))
    return charts


def study_charts(results: Results, lang: Language) -> list[Chart]:
    """The figures of a sweep (policy maps) or a sensitivity analysis (index bars)."""
    charts: list[Chart] = []
    if results.kind == "sweep" and not results.winners.empty and results.params:
        charts += figures.policy_maps(results.summary, results.winners, results.params, lang)
    if results.kind == "sensitivity" and not results.sensitivity.empty:
        for output in dict.fromkeys(results.sensitivity["output"]):
            charts.append(
                figures.sensitivity_bars(results.sensitivity, output, lang, results.base_samples)
            )
    return charts


def kpi_rows(results: Results, lang: Language) -> list[dict[str, Any]]:
    """The table of key figures: per KPI, each variant's mean with its 95 % CI."""
    runs = results.ok_runs
    kpis = report_kpis(runs)
    summary = summarize(runs, kpis, results.variants).set_index(["kpi", "variant"])
    rows = []
    for kpi in kpis:
        cells = []
        for variant in results.variants:
            s = summary.loc[(kpi, variant)]
            interval = (
                f"[{lang.value(kpi, s['ci_low'])}; {lang.value(kpi, s['ci_high'])}]"
                if s["n"] > 1
                else ""
            )
            cells.append({"value": lang.value(kpi, s["mean"]), "interval": interval})
        rows.append({"label": lang.kpi(kpi), "cells": cells})
    return rows


def difference_rows(results: Results, lang: Language) -> tuple[str, list[dict[str, Any]]]:
    """Paired differences of every other variant against the first, per KPI, with a verdict."""
    runs, variants = results.ok_runs, results.variants
    if len(variants) < 2:
        return "", []
    kpis = report_kpis(runs)
    reference = variants[0]
    diffs = paired_differences(runs, kpis, variants)
    rows = []
    for kpi in kpis:
        cells = []
        for variant in variants[1:]:
            row = diffs[
                (diffs["kpi"] == kpi)
                & (diffs["variant_a"] == reference)
                & (diffs["variant_b"] == variant)
            ].iloc[0]
            mean, low, high = -row["mean_diff"], -row["ci_high"], -row["ci_low"]  # variant - ref
            better = -mean if kpi_info(kpi).lower_is_better else mean
            clear = pd.notna(low) and (low > 0 or high < 0)
            if not clear:
                verdict = "unclear"
            elif kpi in NEUTRAL:  # different, but not better or worse in itself
                verdict = "higher" if mean > 0 else "lower"
            else:
                verdict = "better" if better > 0 else "worse"
            cells.append(
                {
                    "value": lang.difference(kpi, mean),
                    "interval": f"[{lang.difference(kpi, low)}; {lang.difference(kpi, high)}]"
                    if pd.notna(low)
                    else "",
                    "verdict": verdict,
                    "word": {"better": "▲ ", "worse": "▼ "}.get(verdict, "") + lang(verdict),
                }
            )
        rows.append({"label": lang.kpi(kpi), "cells": cells})
    return reference, rows


def title_of(results: Results, lang: Language) -> str:
    if results.kind == "run":
        return lang("run_title", name=results.name, days=results.days)
    if results.kind == "sweep":
        return lang("sweep_title", name=results.name, params=", ".join(results.params))
    if results.kind == "sensitivity":
        return lang("sensitivity_report_title", name=results.name)
    if results.kind == "uncertainty":
        return lang("uncertainty_report_title", name=results.name)
    return lang("report_title", name=results.name)


def context(results: Results, lang: Language) -> dict[str, Any]:
    """What the report template and the talk template both need."""
    variants = results.variants
    colour = colours(variants)
    notes = note_lines(results.notes, lang)
    said = (
        headline(results.ok_runs, lang, variants[0] if variants else None)
        if results.kind in ("compare", "run")
        else kept_line(results, lang)
        if results.kind == "uncertainty"
        else ""
    )
    return {
        "lang": lang,
        "code": lang.code,
        "title": title_of(results, lang),
        "notes": notes,  # the folder is partial or unchecked: said first, on the page and deck
        "headline": " ".join([*notes, said]).strip(),
        "runs_line": lang(
            "runs_line",
            runs=len(results.ok_runs),
            replications=results.replications,
            days=results.days,
        ),
        "generated": lang(
            "generated",
            date=lang.date(dt.date.today()),
            version=__version__,
            folder=results.folder.name,
        ),
        "policies": [{"name": lang.policy(v), "colour": colour[v]} for v in variants],
    }


def chart_items(charts: list[Chart]) -> list[dict[str, str]]:
    """Charts as the template draws them: the plot's HTML, the caption and the name."""
    return [{"html": chart_html(c), "caption": c.caption, "name": c.name} for c in charts]


def write_report(folder: str | Path, lang: str = "en", out: str | Path | None = None) -> Path:
    """Write the report of results `folder` (default: `folder`/report[-xx].html)."""
    results = load_results(folder)
    language = Language(lang, results.currency)
    single = results.kind in ("compare", "run")  # one scenario: tables over all its runs
    charts = comparison_charts(results, language) if single else []
    charts += study_charts(results, language)
    reference, differences = difference_rows(results, language) if single else ("", [])
    worlds = results.kind == "uncertainty"
    page = context(results, language) | {
        "intro": [facts_line(results, language)] if worlds else [],
        "sections": [
            {
                "name": s.name,
                "title": s.title,
                "lines": s.lines,
                "charts": chart_items(s.charts),
            }
            for s in (sections(results, language) if worlds else [])
        ],
        "kpi_rows": kpi_rows(results, language) if single and results.variants else [],
        "reference": language.policy(reference) if reference else "",
        "others": [language.policy(v) for v in results.variants[1:]],
        "difference_rows": differences,
        "charts": chart_items(charts),
    }
    suffix = "" if lang == "en" else f"-{lang}"
    path = Path(out) if out else Path(folder) / f"report{suffix}.html"
    return render("report.html.j2", path, **page)
