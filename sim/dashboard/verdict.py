"""What an answer says first: the question it answered (each lever moved, from → to), a
one-line verdict with its horizon and certainty, and which KPIs the horizon cannot carry."""

from __future__ import annotations

import math

from sim.dashboard.service import BASELINE, WHATIF, Answer
from sim.dashboard.whatif import OTHER_LEVERS, POLICY_LEVERS, WhatIf, policy_values
from sim.report import Language
from sim.scenario import Scenario

HORIZON_SHARE = 1.0
"""A KPI whose 95 % CI of the difference is wider than this share of the baseline's value
(in absolute terms) shows "needs a longer horizon" instead of a number: over a few days the
noise is larger than the figure itself (annual attrition over 5 days, for one)."""

HEADLINE = "profit_after_churn"
BESIDE = "service_level"


def needs_longer_horizon(answer: Answer, kpi: str) -> bool:
    """Whether `kpi`'s CI in `answer` is wider than HORIZON_SHARE of its baseline value."""
    diff = answer.differences.set_index("kpi").loc[kpi]
    width = float(diff["ci_high"] - diff["ci_low"])
    summary = answer.summary.set_index(["variant", "kpi"])
    value = abs(float(summary.loc[(BASELINE, kpi), "mean"]))
    if math.isnan(width):
        return False
    return width > HORIZON_SHARE * value


def _trim(text: str) -> str:
    """'1.50' → '1.5', '3.00' → '3', '10' stays."""
    if any(sep in text for sep in ".,"):
        text = text.rstrip("0").rstrip(".,")
    return text


def shown(name: str, value: float | str | None, lang: Language) -> str:
    """A lever's value as the question line shows it, with its unit."""
    if name == "policy":
        return lang.policy(str(value))
    if value is None:
        return lang("ui_q_schedule")
    if isinstance(value, str):
        return value
    if name == "aht_target_seconds":
        return lang("ui_q_no_target") if value == 0 else f"{_trim(lang.number(value, 0))} s"
    if name.endswith("_hours_per_week"):
        return f"{_trim(lang.number(value, 2))} {lang('ui_q_hours')}"
    if name in ("staffing_scale", "arrival_scale"):
        return f"× {_trim(lang.number(value, 2))}"
    if name in ("sale_value", "hourly_cost"):
        return lang.money(value, 0 if value == int(value) else 2)
    if name == "service_target":
        return lang.percent(value, 0)
    if name == "word_of_mouth_strength":
        return _trim(lang.number(value, 3))
    return _trim(lang.number(value, 2))


def question(start: WhatIf, w: WhatIf, base: Scenario, lang: Language) -> str:
    """'aht → quality; coaching 1.5 → 3 h/week; AHT target 250 s → none': the policy, then
    each policy lever moved from the chosen policy's own value, then each other lever moved
    from today's; 'the center as it is today' when nothing moved."""
    parts = []
    if w.policy != start.policy:
        parts.append(f"{shown('policy', start.policy, lang)} → {shown('policy', w.policy, lang)}")
    policy_start = policy_values(w.policy, base)
    for name in POLICY_LEVERS:
        before, after = policy_start[name], getattr(w, name)
        if before != after:
            parts.append(
                f"{lang('ui_q_' + name)} {shown(name, before, lang)} → {shown(name, after, lang)}"
            )
    for name in ("staffing_scale", "arrival_scale", *OTHER_LEVERS):
        before, after = getattr(start, name), getattr(w, name)
        if before != after:
            parts.append(
                f"{lang('ui_q_' + name)} {shown(name, before, lang)} → {shown(name, after, lang)}"
            )
    if w.shift_people:
        parts.append(
            lang(
                "ui_q_stretch",
                people=lang.number(w.shift_people, 0, signed=True),
                start=w.shift_from,
                end=w.shift_to,
            )
        )
    return "; ".join(parts) if parts else lang("ui_q_today")


def _short(name: str) -> str:
    """'Profit after churn (€)' → 'profit after churn': a KPI's name inside a sentence."""
    name = name.split(" (")[0]
    return name[:1].lower() + name[1:]


def verdict(answer: Answer, days: int, lang: Language) -> str:
    """'Over 5 days: +€73,600 profit after churn (95 % CI +€55,000 to +€92,000); service
    level 85.0% → 89.0%'."""
    diff = answer.differences.set_index("kpi")
    summary = answer.summary.set_index(["variant", "kpi"])
    mean = -float(diff.loc[HEADLINE, "mean_diff"])  # differences are baseline - what-if
    low, high = -float(diff.loc[HEADLINE, "ci_high"]), -float(diff.loc[HEADLINE, "ci_low"])
    clear = low > 0 or high < 0
    return lang(
        "ui_verdict" if clear else "ui_verdict_unclear",
        days=days,
        change=lang.difference(HEADLINE, mean),
        kpi=_short(lang.kpi(HEADLINE)),
        low=lang.difference(HEADLINE, low),
        high=lang.difference(HEADLINE, high),
        beside=_short(lang.kpi(BESIDE)),
        before=lang.value(BESIDE, float(summary.loc[(BASELINE, BESIDE), "mean"])),
        after=lang.value(BESIDE, float(summary.loc[(WHATIF, BESIDE), "mean"])),
    )
