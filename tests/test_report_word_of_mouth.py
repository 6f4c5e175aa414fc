"""Word of mouth (issue #23) in the report, the talk and the dashboard: new customers,
reputation and the value they bring in the key figures, the money waterfall (which still adds
up exactly), the folder checks, a figure of customers and reputation per day, a talk slide
only for runs long enough to show it, and a lever for its strength. Hand-made tables: fast."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.dashboard.service import card_kpis
from sim.dashboard.verdict import question
from sim.dashboard.whatif import changed, today
from sim.errors import UsageError
from sim.experiments.statistics import paired_by_seed
from sim.report import figures
from sim.report.checks import adds_up
from sim.report.language import Language
from sim.report.report import OPEN_BASE_KPIS, REPORT_KPIS, report_kpis
from sim.report.results import Results
from sim.report.talk import WORD_OF_MOUTH_DAYS, slides
from tests.helpers import baseline

EN, NL = Language("en"), Language("nl")


def runs_table(newcomers: tuple[float, float] = (10.0, 40.0)) -> pd.DataFrame:
    """Two policies, three paired replications, every key figure; quality wins more new
    customers (their value in acquired_value, their cost inside other_cost)."""
    rows = []
    for seed, noise in zip((1, 2, 3), (0.0, 10.0, -5.0), strict=True):
        for variant, sales, joined, churned, reputation in (
            ("aht", 1000.0, newcomers[0], 80.0, -0.02),
            ("quality", 1100.0, newcomers[1], 20.0, 0.03),
        ):
            row = {k: 0.5 for k in REPORT_KPIS}
            row |= {
                "sales_revenue": sales + noise,
                "recurring_revenue": 5000.0,
                "labour_cost": 700.0,
                "other_cost": 300.0 + 100.0 * joined,
                "acquisition_cost": 100.0 * joined,
                "churned_value": 3.0 * churned,
                "acquired_value": 36.0 * joined + noise,
                "newcomers": joined,
                "churned_customers": churned,
                "net_customers": joined - churned,
                "reputation": reputation if joined else 0.0,
                "mean_reputation": reputation / 2 if joined else 0.0,
                "public_stories": 0.0,
            }
            row["revenue"] = row["sales_revenue"] + row["recurring_revenue"]
            row["profit_after_churn"] = (
                row["revenue"]
                - row["labour_cost"]
                - row["other_cost"]
                - row["churned_value"]
                + row["acquired_value"]
            )
            rows.append({"variant": variant, "seed": seed, "replication": seed - 1, **row})
    return pd.DataFrame(rows).assign(status="ok", run_id=lambda d: d.index.astype(str))


def daily_table(days: int, reputation: float = 0.001) -> pd.DataFrame:
    """`days` measured days of two policies, two seeds: quality keeps its customers and its
    reputation climbs by `reputation` a day; aht loses 5 customers a day, reputation falls."""
    rows = []
    for seed in (1, 2):
        for day in range(days):
            for variant, lost, climb in (("aht", 5, -reputation), ("quality", 0, reputation)):
                rows.append(
                    {
                        "variant": variant,
                        "seed": seed,
                        "day": day,
                        "profit_after_churn": 100.0 + day + seed,
                        "active_customers": 20_000.0 - lost * (day + 1) + seed,
                        "reputation": climb * (day + 1),
                        "newcomers": 1.0,
                    }
                )
    return pd.DataFrame(rows)


def test_the_key_figures_hold_word_of_mouth_only_in_an_open_base() -> None:
    shown = report_kpis(runs_table())
    assert [k for k in shown if k in OPEN_BASE_KPIS] == list(OPEN_BASE_KPIS)
    assert shown.index("acquired_value") < shown.index("csat") < shown.index("newcomers")
    closed = report_kpis(runs_table(newcomers=(0.0, 0.0)))  # nobody joined: a closed base
    assert not set(closed) & set(OPEN_BASE_KPIS)
    assert {"base_nps", "net_customers", "profit_after_churn"} <= set(closed)
    old = runs_table().drop(columns=[*OPEN_BASE_KPIS, "base_nps", "net_customers"])
    assert report_kpis(old)[0] == "profit_after_churn"  # a folder from before #23


def test_the_dashboard_cards_follow_the_report() -> None:
    runs = runs_table().assign(abandonment_rate=0.05, mean_stress=0.3)
    assert card_kpis(runs) == [*report_kpis(runs), "abandonment_rate", "mean_stress"]
    assert "newcomers" not in card_kpis(runs_table(newcomers=(0.0, 0.0)))


def test_the_money_waterfall_adds_the_value_won_and_still_adds_up() -> None:
    runs = runs_table()
    chart = figures.money_waterfall(runs, "quality", "aht", EN)
    trace = chart.figure.data[0]
    assert list(trace.measure) == ["relative"] * 6 + ["total"]
    assert list(chart.figure.layout.xaxis.ticktext)[5].replace("<br>", " ") == (
        "Value of new customers"
    )
    total = paired_by_seed(runs, "profit_after_churn", "quality", "aht")["mean"]
    assert sum(trace.y[:6]) == pytest.approx(total) and trace.y[6] == pytest.approx(total)
    assert trace.y[5] == pytest.approx(36.0 * 30)  # the value won, plus
    assert trace.y[3] == pytest.approx(-100.0 * 30)  # their cost, inside other cost
    old = runs.drop(columns=["acquired_value"])  # its profit after churn had no such term
    old["profit_after_churn"] = runs["profit_after_churn"] - runs["acquired_value"]
    before = figures.money_waterfall(old, "quality", "aht", EN).figure.data[0]
    assert len(before.y) == 6  # a folder from before #23: five lines and the total
    assert sum(before.y[:5]) == pytest.approx(before.y[5])


@pytest.mark.parametrize(
    "kpi", ["newcomers", "acquired_value", "acquisition_cost", "public_stories"]
)
def test_a_word_of_mouth_total_that_its_days_do_not_add_up_to_is_named(kpi: str) -> None:
    days = [{kpi: 2.0}, {kpi: 3.0}]
    assert adds_up({kpi: 5.0}, days) is None
    assert adds_up({kpi: 6.0}, days) == f"{kpi} = 6, its days add up to 5"


def test_reputation_and_the_base_nps_are_shown_with_their_sign() -> None:
    assert EN.value("reputation", 0.0034) == "+0.003"
    assert NL.value("mean_reputation", -0.0761) == "−0,076"
    assert EN.value("base_nps", 21.94) == "+21.9"
    assert EN.value("net_customers", -493.7) == "−494"
    assert EN.kpi("profit_after_churn") == "Profit after churn and acquisition (€)"
    assert NL.kpi("profit_after_churn") == "Winst na klantverloop en nieuwe klanten (€)"
    assert NL.money_line("acquired_value") and EN.kpi("newcomers") == "New customers"


def test_the_customers_figure_shows_customers_and_reputation_per_day() -> None:
    daily = daily_table(30)
    assert figures.shows_word_of_mouth(daily)
    chart = figures.customers(daily, EN)
    assert chart.name == "customers"
    panels = [a.text for a in chart.figure.layout.annotations]
    assert panels == ["Customers remaining", "Reputation (0: neutral)"]
    lines = [t for t in chart.figure.data if t.mode == "lines" and t.fill is None]
    assert [t.name for t in lines] == ["AHT-driven", "Quality-driven"] * 2
    assert lines[0].y[-1] == pytest.approx(20_000 - 150 + 1.5)  # mean of the two seeds
    assert lines[3].y[-1] == pytest.approx(0.03)
    assert chart.title.replace("<br>", " ") == (
        "Word of mouth: after 30 days Quality-driven keeps 150 more customers than AHT-driven, "
        "at a reputation of +0.030 against −0.030"
    )
    assert "months" in chart.caption
    alone = figures.customers(daily[daily["variant"] == "quality"], NL)
    assert "Gestuurd op kwaliteit heeft na 30 dagen" in alone.title.replace("<br>", " ")


def test_no_customers_figure_without_word_of_mouth() -> None:
    assert not figures.shows_word_of_mouth(daily_table(30, reputation=0.0))  # a closed base
    assert not figures.shows_word_of_mouth(daily_table(30).drop(columns=["reputation"]))
    assert not figures.shows_word_of_mouth(pd.DataFrame())


def results_of(tmp_path: Path, daily: pd.DataFrame) -> Results:
    folder = tmp_path / "results"
    folder.mkdir()
    days = int(daily["day"].nunique())
    manifest = {
        "name": "wom",
        "replications": 3,
        "variants": {"aht": {}, "quality": {}},
        "base_scenario": {"calendar": {"days": days, "warmup_days": 10}},
    }
    return Results(folder, "compare", manifest, runs=runs_table(), daily=daily)


@pytest.mark.parametrize("lang", [EN, NL])
def test_the_talk_shows_word_of_mouth_only_over_months(tmp_path: Path, lang: Language) -> None:
    def customers_slides(daily: pd.DataFrame, where: str) -> list:
        deck = slides(results_of(tmp_path / where, daily), lang)
        return [s for s in deck if s.chart is not None and s.chart.name == "customers"]

    (tmp_path / "long").mkdir(), (tmp_path / "short").mkdir(), (tmp_path / "flat").mkdir()
    long = customers_slides(daily_table(WORD_OF_MOUTH_DAYS + 20), "long")
    assert len(long) == 1
    caption = long[0].chart.caption
    assert ("4-week run cannot show" if lang is EN else "4 weken kan dit kanaal niet") in caption
    assert str(WORD_OF_MOUTH_DAYS + 20) in caption and long[0].notes
    assert customers_slides(daily_table(WORD_OF_MOUTH_DAYS), "short") == []  # four weeks: no
    assert customers_slides(daily_table(80, reputation=0.0), "flat") == []  # a closed base


def test_the_word_of_mouth_lever_opens_at_the_scenarios_strength() -> None:
    base = baseline()
    start = today(base)
    assert start.word_of_mouth_strength == base.word_of_mouth.strength
    assert "word_of_mouth.strength" not in start.overrides(base)  # today: the baseline
    stronger = changed(start, word_of_mouth_strength=0.15)
    assert stronger.overrides(base)["word_of_mouth.strength"] == 0.15
    assert question(start, stronger, base, EN) == "word of mouth 0.075 → 0.15"
    assert question(start, stronger, base, NL) == "mond-tot-mondreclame 0,075 → 0,15"
    off = changed(start, word_of_mouth_strength=0)
    assert off.overrides(base)["word_of_mouth.strength"] == 0


@pytest.mark.parametrize("value", [0.2, -0.01, "strong", None, float("nan"), [0.1]])
def test_a_word_of_mouth_strength_the_lever_cannot_take_is_one_line(value: object) -> None:
    with pytest.raises(UsageError) as caught:
        changed(today(baseline()), word_of_mouth_strength=value)
    message = str(caught.value)
    assert message.startswith("word_of_mouth_strength = ") and "\n" not in message
    assert "allowed: a number from 0 to 0.15" in message


def test_every_new_key_figure_has_a_label_in_both_languages() -> None:
    for kpi in (*OPEN_BASE_KPIS, "base_nps", "net_customers"):
        assert "_" not in EN.kpi(kpi) and "_" not in NL.kpi(kpi)
        assert EN.kpi(kpi) != NL.kpi(kpi)
