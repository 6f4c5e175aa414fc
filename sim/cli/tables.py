"""Tables on stdout: a run's KPIs, an experiment's means with CIs and paired differences, the
winner per design point of a sweep, and sensitivity indices."""

from __future__ import annotations

import math
import sys
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from sim.errors import printable
from sim.experiments import ExperimentResult
from sim.experiments.policy_map import COLUMNS as POLICY_MAP_COLUMNS
from sim.metrics import format_kpi

SUMMARY_COLUMNS = {"variant", "kpi", "mean", "std", "ci_low", "ci_high", "n"}


class SafeConsole(Console):
    """A rich console that writes control characters in text as escapes ('\\x1b'): a name
    that reached a table (titles, cells) can never clear or recolour the terminal."""

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Any:
        return super().render_str(printable(text, keep="\n"), *args, **kwargs)


def console() -> Console:
    """A console for stdout; written to a file or a pipe, 120 columns rather than 80, so KPI
    names and values are not cut."""
    return SafeConsole(width=None if sys.stdout.isatty() else 120)


def print_kpis(kpis: dict[str, float], title: str) -> None:
    """A readable KPI table on stdout."""
    table = Table(title=title, title_justify="left")
    table.add_column("KPI")
    table.add_column("key", style="dim")
    table.add_column("value", justify="right")
    for name, value in kpis.items():
        label, text = format_kpi(name, value)
        table.add_row(label, name, text)
    console().print(table)


def _fmt(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    return f"{value:.3f}"


def print_winners(result: ExperimentResult) -> None:
    """For a sweep of several variants: per design point and KPI, the variant with the best
    mean and its margin over the runner-up with the paired 95 % CI; "≈" marks a tie (the CI
    includes zero)."""
    frame = result.winners
    if frame is None or frame.empty:
        return
    params = [c for c in frame.columns if c not in POLICY_MAP_COLUMNS]
    kpis = list(dict.fromkeys(frame["kpi"]))
    table = Table(title="the policy map: who wins where, by how much (paired 95% CI)")
    for column in [*params, *kpis]:
        table.add_column(column, overflow="fold")
    for keys, part in frame.groupby(params, sort=False):
        cells = []
        by_kpi = {row["kpi"]: row for _, row in part.iterrows()}
        for kpi in kpis:
            row = by_kpi.get(kpi)
            if row is None:
                cells.append("n/a")
                continue
            if not row["winner"]:
                cells.append("no difference")
                continue
            mark = "" if row["decided"] else "≈ "
            cells.append(
                f"{mark}{row['winner']} +{_fmt(row['margin'])} "
                f"[{_fmt(row['ci_low'])}; {_fmt(row['ci_high'])}]"
            )
        table.add_row(*[str(k) for k in (keys if isinstance(keys, tuple) else (keys,))], *cells)
    console().print(table)


def print_comparison(result: ExperimentResult, title: str, differences: bool = True) -> None:
    """Means with 95% CIs per KPI and variant, then paired differences, as tables on stdout."""
    out = console()
    summary = result.summary
    params = [c for c in summary.columns if c not in SUMMARY_COLUMNS]
    variants = list(dict.fromkeys(summary["variant"]))
    table = Table(title=f"{title}: mean ± half-width of the 95% CI", title_justify="left")
    counts = summary.groupby("variant", sort=False)["n"].min()
    heads = [f"{v} (n={counts[v]})" for v in variants]
    for column in [*params, "KPI", *heads]:
        table.add_column(column, justify="left" if column == "KPI" else "right")
    for keys, part in summary.groupby([*params, "kpi"], sort=False):
        by_variant = {row["variant"]: row for _, row in part.iterrows()}
        cells = []
        for v in variants:
            row = by_variant[v]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cells.append(f"{_fmt(row['mean'])} ± {_fmt(half)}")
        table.add_row(*[str(k) for k in (keys if isinstance(keys, tuple) else (keys,))], *cells)
    out.print(table)
    if not differences or result.differences.empty:
        return
    differences = result.differences
    table = Table(
        title="paired differences A − B (same seeds): mean [95% CI]",
        caption="* the 95% CI excludes 0",
        title_justify="left",
    )
    for column in [*params, "KPI", "A", "B", "difference"]:
        table.add_column(column, justify="right" if column == "difference" else "left")
    for _, row in differences.iterrows():
        low, high = row["ci_low"], row["ci_high"]
        star = " *" if math.isfinite(low) and (low > 0 or high < 0) else ""
        text = f"{_fmt(row['mean_diff'])} [{_fmt(low)}, {_fmt(high)}]{star}"
        cells = [str(row[p]) for p in params]
        table.add_row(*cells, row["kpi"], row["variant_a"], row["variant_b"], text)
    out.print(table)


def print_headline(result: ExperimentResult, title: str) -> None:
    """The short summary of a comparison: the headline in words and the key figures with their
    95 % CIs (every KPI and paired difference: --full, summary.json and the report)."""
    from sim.report.headline import headline
    from sim.report.language import Language
    from sim.report.report import REPORT_KPIS

    summary = result.summary
    kpis = [k for k in REPORT_KPIS if k in set(summary["kpi"])] or list(
        dict.fromkeys(summary["kpi"])
    )[:10]
    short = ExperimentResult(
        result.runs,
        result.daily,
        result.profile,
        summary[summary["kpi"].isin(kpis)],
        result.differences,
        None,
        result.out,
        result.failed,
    )
    print_comparison(short, title, differences=False)
    variants = list(dict.fromkeys(summary["variant"]))
    line = headline(result.runs, Language("en"), variants[0] if variants else None)
    if line:
        console().print(line, highlight=False)
    print("paired differences of every KPI: summary.json and the report (--full prints them)")


def print_sensitivity(frame: pd.DataFrame) -> None:
    """The sensitivity indices as a table on stdout."""
    table = Table(title="sensitivity indices (value ± 95% CI)")
    sobol = "S1" in frame.columns
    heads = ["S1", "ST"] if sobol else ["mu_star", "sigma"]
    for column in ["variant", "output", "parameter", *heads, "note"]:
        table.add_column(column)
    for _, row in frame.iterrows():
        if sobol:
            values = [
                f"{row['S1']:.3f} ± {row['S1_conf']:.3f}",
                f"{row['ST']:.3f} ± {row['ST_conf']:.3f}",
            ]
        else:
            values = [f"{_fmt(row['mu_star'])} ± {_fmt(row['mu_star_conf'])}", _fmt(row["sigma"])]
        if not isinstance(row.get("parameter"), str):
            values = ["", ""]
        cells = [row["variant"], row["output"], str(row.get("parameter") or "")]
        table.add_row(*cells, *values, str(row.get("note") or ""))
    console().print(table)


def _decides(pair: dict) -> str:
    """What decides a pair's winner, in words: the rules, or why there are none, and the
    parameter the difference moves with most."""
    parts = [rule["text"] for rule in pair.get("rules") or []]
    parts += [text for text in (pair.get("statement"), pair.get("rules_note")) if text]
    ranks = pair.get("ranks") or []
    if ranks:
        top = ranks[0]
        parts.append(f"moves most with {top['parameter']} (Spearman {top['rho']:+.2f})")
    return "; ".join(parts)


def print_uncertainty(summary: dict, title: str) -> None:
    """The worlds drawn and kept, then per pair and outcome: each variant's probability of
    winning across the kept worlds, the median difference with its 5-95 % range, and what
    decides the winner."""
    out = console()
    worlds = summary["worlds"]
    facts = ", ".join(f"{k} {lo:g}–{hi:g}" for k, (lo, hi) in summary["accept"].items())
    out.print(
        f"{title}: {worlds['drawn']} worlds drawn, {worlds['kept']} kept, {worlds['rejected']} "
        f"rejected, {worlds['failed']} failed (kept: {summary['reference']}'s means within "
        f"{facts or 'no fact'})",
        highlight=False,
    )
    table = Table(
        title="across the kept worlds: who wins, the difference A − B median [5%; 95%]",
        title_justify="left",
    )
    for column in ["A − B", "outcome", "P(A wins)", "P(B wins)", "difference"]:
        table.add_column(column, no_wrap=True)
    table.add_column("what decides", overflow="fold", ratio=1)
    for pair in summary["pairs"]:
        names = f"{pair['variant_a']} − {pair['variant_b']}"
        if not pair["worlds"]:
            table.add_row(names, pair["outcome"], "", "", pair.get("note") or "no kept world", "")
            continue
        table.add_row(
            names,
            pair["outcome"],
            f"{pair['p_a_wins']:.0%}",
            f"{pair['p_b_wins']:.0%}",
            f"{_fmt(pair['median'])} [{_fmt(pair['q05'])}; {_fmt(pair['q95'])}]",
            _decides(pair),
        )
    out.print(table)
