"""The what-if starts from today (#20): levers at the baseline's own values, a policy loads its
own values, every answer names its question and gives a verdict, a figure the horizon cannot
carry says so, the watched day follows the warm-up, and the staffing need comes from the runs."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.dashboard.day_view import DayView
from sim.dashboard.service import BASELINE, WHATIF, Answer
from sim.dashboard.verdict import needs_longer_horizon, question, verdict
from sim.dashboard.whatif import (
    WhatIf,
    away_from,
    changed,
    stretch_adjustment,
    today,
    with_policy,
)
from sim.errors import InputError
from sim.report import Language
from sim.scenario.policy import resolve_policy
from tests.helpers import baseline

EN, NL = Language("en", "EUR"), Language("nl", "EUR")


def test_the_levers_open_at_the_baselines_own_values() -> None:
    base = baseline()
    start = today(base)
    assert (start.policy, start.aht_target_seconds, start.coaching_hours_per_week) == (
        "aht",
        250.0,
        0.25,
    )
    assert start.sale_value == base.sales.value_mean
    assert start.service_target == base.staffing.target_service_level
    assert start.overrides(base) == {"policy.name": "aht", "calendar.days": 5}  # the baseline
    theirs = baseline(**{"policy.aht_target_seconds": 240, "policy.coaching_hours_per_week": 3})
    own = today(theirs)  # a --scenario with its own settings
    assert (own.aht_target_seconds, own.coaching_hours_per_week) == (240.0, 3.0)


def test_a_policy_brings_its_own_values_and_nothing_carries_over() -> None:
    base = baseline(**{"policy.aht_target_seconds": 240})
    w = changed(today(base), aht_target_seconds=240.0)
    quality = with_policy(w, "quality", base).model_copy(update={"coaching_hours_per_week": 3.0})
    assert quality.aht_target_seconds == 0.0  # the quality preset has no AHT target
    resolved = base.with_overrides(quality.overrides(base))
    _, parameters = resolve_policy(resolved.policy)
    assert parameters.aht_target_seconds == 0.0 and parameters.coaching_hours_per_week == 3.0
    assert away_from(today(base), quality)[:3] == [
        "policy",
        "aht_target_seconds",
        "coaching_hours_per_week",
    ]


def test_the_stretch_acts_by_default_and_times_must_be_real() -> None:
    base = baseline()
    w = changed(today(base), shift_people=-5)
    change = stretch_adjustment(base, w)
    assert change[:8] == [-5] * 8 and change[8:] == [0] * (len(change) - 8)  # 08:00-10:00
    for bad in ("25:99", "24:00", "12:60"):
        with pytest.raises(InputError, match="from 00:00 to 23:59"):
            changed(w, shift_to=bad)


def answer(whatif_profit: tuple[float, ...], attrition: tuple[float, ...]) -> Answer:
    """A made-up answer: per KPI the baseline's and the what-if's runs."""
    rows = []
    for variant, profit, sl, att in (
        (BASELINE, (100.0, 110.0, 90.0), 0.85, (0.3, 0.3, 0.3)),
        (WHATIF, whatif_profit, 0.89, attrition),
    ):
        for r in range(3):
            rows.append(
                {
                    "variant": variant,
                    "replication": r,
                    "status": "ok",
                    "profit_after_churn": profit[r],
                    "service_level": sl,
                    "expected_attrition_annual": att[r],
                    "paid_hours": 500.0 if variant == BASELINE else 450.0,
                }
            )
    from sim.experiments.statistics import paired_differences, summarize

    runs = pd.DataFrame(rows).assign(run_id=lambda f: f["replication"].astype(str))
    kpis = ["profit_after_churn", "service_level", "expected_attrition_annual"]
    profile = pd.DataFrame(
        [
            {"variant": v, "start": s, "staffed": n + (v == WHATIF), "wanted": n - 1}
            for v in (BASELINE, WHATIF)
            for s, n in (("08:00", 10.0), ("08:15", 12.0))
        ]
    )
    return Answer(
        None,  # type: ignore[arg-type]
        {},
        runs,
        pd.DataFrame(),
        profile,
        summarize(runs, kpis, [BASELINE, WHATIF]),
        paired_differences(runs, kpis, [BASELINE, WHATIF]),
        1.0,
        0,
    )


def test_an_answer_names_its_question_and_gives_a_verdict() -> None:
    base = baseline()
    start = today(base)
    w = with_policy(start, "quality", base).model_copy(
        update={"coaching_hours_per_week": 3.0, "shift_people": -5}
    )
    assert question(start, w, base, EN) == (
        "AHT-driven → Quality-driven; coaching 1.5 h/week → 3 h/week; "
        "−5 people on the phones 08:00-10:00"
    )
    assert question(start, start, base, EN).startswith("the center as it is today")
    assert "1,5 u/week → 3 u/week" in question(start, w, base, NL)
    clear = verdict(answer((150.0, 161.0, 139.0), (0.3, 0.3, 0.3)), 5, EN)
    assert clear.startswith("Over 5 days: +")
    assert "profit after churn and acquisition (95 % CI" in clear
    assert clear.endswith("service level 85.0% → 89.0%")
    unclear = verdict(answer((90.0, 130.0, 80.0), (0.3, 0.3, 0.3)), 5, NL)
    assert unclear.startswith("Gemeten over 5 dagen: geen duidelijk verschil in winst")


def test_a_kpi_whose_ci_is_wider_than_itself_needs_a_longer_horizon() -> None:
    noisy = answer((150.0, 161.0, 139.0), (-0.4, 1.6, 0.2))  # CI far wider than 0.3
    assert needs_longer_horizon(noisy, "expected_attrition_annual")
    assert not needs_longer_horizon(noisy, "profit_after_churn")
    assert not needs_longer_horizon(noisy, "service_level")


def test_the_staffing_need_is_read_from_the_runs(monkeypatch) -> None:
    from sim.dashboard import app

    need = app.staffing_need(answer((150.0, 161.0, 139.0), (0.3, 0.3, 0.3)), 5)
    assert need[WHATIF]["staff"] == [11.0, 13.0] and need[WHATIF]["peak"] == 13.0
    assert need[WHATIF]["wanted"] == [9.0, 11.0] and need[WHATIF]["wanted_peak"] == 11.0
    assert need[BASELINE]["paid"] == 100.0 and need[WHATIF]["paid"] == 90.0
    assert need[WHATIF]["service_level"] == pytest.approx(0.89)


def test_the_watched_day_is_the_first_measured_day() -> None:
    small = baseline(
        **{
            "calendar.warmup_days": 1,
            "customers.population": 20_000,
            "staffing.target_service_level": "none",
        }
    )
    view = DayView(small, step_seconds=3600)
    assert view.warmup == 1 and view.model.time == view.model.hours.opens_at(1)
    first = view.history[0]
    assert first.offered == 0 and first.clock == "08:00"  # the warm-up's calls are not its own
    floor = view.step()
    assert 0 < floor.offered < len(view.model.log)


def test_a_whatif_at_todays_values_is_the_baseline() -> None:
    base = baseline()
    assert WhatIf.model_validate(today(base).model_dump()) == today(base)
    assert away_from(today(base), today(base)) == []
