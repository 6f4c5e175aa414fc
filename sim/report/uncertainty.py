"""The report's sections for an uncertainty experiment: which worlds were kept and by what rule,
then per pair of variants and outcome the spread of the difference across the plausible
worlds, its median and 5-95 % range, the rule for where the rarer winner wins, and the
parameter the difference moves with most."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.report import figures
from sim.report.figures import Chart
from sim.report.figures.worlds import Pair
from sim.report.language import Language
from sim.report.results import Results

SHOWN = ("profit_after_churn", "csat")
"""The outcomes that get a section: the headline and customer satisfaction."""
RANKS_SHOWN = 5


@dataclass
class Section:
    """A heading, its sentences and its figures."""

    name: str
    title: str
    lines: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def kept_line(results: Results, lang: Language) -> str:
    """'150 of 200 drawn worlds look like a real center and are kept (...)'."""
    summary = results.uncertainty
    if not summary:
        return lang("uncertainty_unfinished")
    worlds = summary["worlds"]
    return lang(
        "uncertainty_kept",
        kept=worlds["kept"],
        drawn=worlds["drawn"],
        rejected=worlds["rejected"],
        failed=worlds["failed"],
        reference=lang.policy(summary["reference"]),
    )


def facts_line(results: Results, lang: Language) -> str:
    """The acceptance rule: each stylized fact as 'KPI low to high'."""
    accept = results.uncertainty.get("accept") or {}
    facts = [
        lang("uncertainty_fact", kpi=lang.kpi(k), low=lang.value(k, lo), high=lang.value(k, hi))
        for k, (lo, hi) in accept.items()
    ]
    return lang("uncertainty_facts", facts=lang.join(facts)) if facts else ""


def _significant(x: float) -> int:
    """Decimals that show `x` to three significant digits."""
    return max(0, 2 - math.floor(math.log10(abs(x)))) if x else 0


def rule_line(rule: dict[str, Any], lang: Language) -> str:
    """A rule of the tree in words: where the rarer winner wins, and how often."""
    conditions = [
        f"{c['parameter']} {c['op']} {lang.number(c['value'], _significant(c['value']))}"
        for c in rule["conditions"]
    ]
    return lang(
        "uncertainty_rule",
        winner=lang.policy(rule["winner"]),
        conditions=lang("uncertainty_and").join(conditions),
        wins=rule["wins"],
        worlds=rule["worlds"],
        share=lang.percent(rule["share"], 0),
    )


def _lines(pair: Pair, lang: Language, days: int) -> list[str]:
    summary, outcome = pair.summary, pair.outcome
    low, high = sorted((pair.sign * summary["q05"], pair.sign * summary["q95"]))
    lines = [
        lang(
            "uncertainty_range",
            a=lang.policy(pair.winner),
            b=lang.policy(pair.other),
            median=lang.difference(outcome, pair.sign * summary["median"]),
            low=lang.difference(outcome, low),
            high=lang.difference(outcome, high),
            worlds=summary["worlds"],
            days=days,
        )
    ]
    if summary.get("within_noise") is not None:
        lines.append(lang("uncertainty_noise", share=lang.percent(summary["within_noise"], 0)))
    rules = summary.get("rules") or []
    lines += [rule_line(rule, lang) for rule in rules]
    if summary.get("rules_note"):
        lines.append(lang("uncertainty_rules_missing"))
    elif not rules and pair.share < 1.0:
        lines.append(lang("uncertainty_no_rule", winner=lang.policy(pair.other)))
    ranks = summary.get("ranks") or []
    if ranks:
        named = [
            f"{r['parameter']} ({lang.number(pair.sign * r['rho'], 2, signed=True)})"
            for r in ranks[:RANKS_SHOWN]
        ]
        lines.append(lang("uncertainty_ranks", ranks=lang.join(named)))
    return lines


def clearest_first(pairs: list[dict]) -> list[dict]:
    """The summaries grouped by pair of variants, the pair whose winner wins most often in its
    first outcome first (a speaker's headline leads), each pair's outcomes in their order."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for summary in pairs:
        groups.setdefault((summary["variant_a"], summary["variant_b"]), []).append(summary)

    def clarity(group: list[dict]) -> float:
        first = group[0]
        return -max(first.get("p_a_wins") or 0.0, first.get("p_b_wins") or 0.0)

    return [s for group in sorted(groups.values(), key=clarity) for s in group]


def sections(results: Results, lang: Language, outcomes: tuple[str, ...] = SHOWN) -> list[Section]:
    """A section per pair of variants and outcome in `outcomes`, the clearest pair first."""
    out = []
    for summary in clearest_first(results.uncertainty.get("pairs", [])):
        if summary["outcome"] not in outcomes:
            continue
        a, b, outcome = summary["variant_a"], summary["variant_b"], summary["outcome"]
        title = lang(
            "uncertainty_section", a=lang.policy(a), b=lang.policy(b), kpi=lang.kpi(outcome)
        )
        section = Section(f"{a}-{b}-{outcome}", title)
        if not summary.get("worlds"):
            section.lines.append(lang("uncertainty_no_world"))
            out.append(section)
            continue
        pair = figures.pair_of(summary, results.world_differences)
        section.lines = _lines(pair, lang, results.uncertainty.get("days", results.days))
        section.charts.append(figures.difference_spread(pair, lang))
        scatter = figures.against_parameter(pair, results.worlds, lang)
        if scatter is not None:
            section.charts.append(scatter)
        out.append(section)
    return out
