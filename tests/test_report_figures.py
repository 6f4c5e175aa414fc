"""Figure builders on small hand-made tables: the right traces and the right numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.experiments.sensitivity_indices import (
    MIN_BASE_SAMPLES,
    index_note,
    indices,
    sobol_needed,
)
from sim.experiments.sensitivity_indices import sample as sensitivity_sample
from sim.experiments.statistics import summarize
from sim.report import figures
from sim.report.figures.race import cumulative
from sim.report.figures.weeks import clear_lead_share, finish, gap
from sim.report.headline import finding, headline
from sim.report.language import Language
from sim.report.palette import DOWN, FIXED, UP, colours
from tests.helpers import decomposition

EN = Language("en")
LEDGER = ["sales_revenue", "recurring_revenue", "labour_cost", "other_cost", "churned_value"]


def runs_table() -> pd.DataFrame:
    """Two policies, three paired replications; quality earns 100 more sales revenue and
    costs 30 more labour in every replication."""
    rows = []
    for seed, noise in zip((1, 2, 3), (0.0, 10.0, -5.0), strict=True):
        base = {
            "sales_revenue": 1000.0 + noise,
            "recurring_revenue": 5000.0,
            "labour_cost": 700.0,
            "other_cost": 300.0,
            "churned_value": 50.0,
            "csat": 0.6,
            "service_level": 0.85,
        }
        for variant, extra_sales, extra_labour, csat in (
            ("aht", 0.0, 0.0, 0.0),
            ("quality", 100.0, 30.0, 0.2),
        ):
            row = dict(base)
            row["sales_revenue"] += extra_sales
            row["labour_cost"] += extra_labour
            row["csat"] += csat
            row["revenue"] = row["sales_revenue"] + row["recurring_revenue"]
            row["profit_after_churn"] = (
                row["revenue"] - row["labour_cost"] - row["other_cost"] - row["churned_value"]
            )
            rows.append({"variant": variant, "seed": seed, "replication": seed - 1, **row})
    return pd.DataFrame(rows).assign(status="ok", run_id=lambda d: d.index.astype(str))


def daily_table() -> pd.DataFrame:
    """Four days: quality's daily profit is 10 above aht's on each day."""
    rows = []
    for seed in (1, 2):
        for day in range(4):
            for variant, lift in (("aht", 0.0), ("quality", 10.0)):
                rows.append(
                    {
                        "variant": variant,
                        "seed": seed,
                        "day": day,
                        "profit_after_churn": 100.0 + day + seed + lift,
                        "csat": 0.5 + lift / 100,
                        "failure_demand_share": 0.3 - lift / 100,
                    }
                )
    return pd.DataFrame(rows)


def test_headline_names_the_winner_the_margin_and_the_interval() -> None:
    runs = runs_table()
    found = finding(runs)
    assert (found.winner, found.other) == ("quality", "aht")
    assert found.delta == pytest.approx(70.0) and found.low == pytest.approx(70.0)
    text = headline(runs, EN)
    assert text.startswith("Quality-driven: +\u2060€70 profit after churn and acquisition")
    assert "AHT-driven" in text and "85.0% against 85.0%" in text


def test_headline_says_when_there_is_no_clear_winner() -> None:
    runs = runs_table()
    noise = np.array([1.0, -1.0, 0.5, -0.5, 0.2, -0.2]) * 500
    runs["profit_after_churn"] = runs["profit_after_churn"] + noise
    assert headline(runs, EN).startswith("No clear winner")


def test_money_waterfall_adds_up_to_the_paired_difference() -> None:
    chart = figures.money_waterfall(runs_table(), "quality", "aht", EN)
    trace = chart.figure.data[0]
    assert list(trace.measure) == ["relative"] * 5 + ["total"]
    assert list(trace.y[:5]) == pytest.approx([100.0, 0.0, -30.0, 0.0, 0.0])
    assert trace.y[5] == pytest.approx(70.0)
    assert chart.title == (
        "Quality-driven earns €70 more than AHT-driven; the largest part: sales (+\u2060€100)"
    )
    assert chart.caption


def test_decomposition_waterfall_starts_at_the_base_and_ends_at_the_total() -> None:
    chart = figures.decomposition_waterfall(decomposition(), "mechanisms", EN)
    bars, whiskers = chart.figure.data
    assert [t.replace("<br>", " ") for t in chart.figure.layout.xaxis.ticktext] == [
        "Every mechanism off",
        "Asking for the sale",
        "Churn",
        "Profit after churn and acquisition",
    ]
    assert list(bars.y[:3]) == [10.0, 60.0, 30.0] and list(bars.measure)[-1] == "total"
    assert {bars.increasing.marker.color, bars.decreasing.marker.color} <= {UP, DOWN}
    # each part's CI as a whisker at the end of its step; the total's around the total
    assert list(whiskers.y) == pytest.approx([10.0, 70.0, 100.0, 100.0])
    assert list(whiskers.error_y.array) == pytest.approx([0.0, 20.0, 35.0, 10.0])
    assert list(whiskers.error_y.arrayminus) == pytest.approx([0.0, 20.0, 35.0, 10.0])
    assert "[+\u2060€40; +\u2060€80]" in whiskers.hovertext[1]
    assert chart.title.replace("<br>", " ") == (
        "60% of the Quality-driven − AHT-driven difference in profit after churn and acquisition "
        "runs through "
        "asking for the sale"
    )
    assert "3 paired replications" in chart.caption


def test_decomposition_waterfall_without_a_base_and_in_dutch() -> None:
    chart = figures.decomposition_waterfall(decomposition(), "sales", Language("nl"))
    assert [t.replace("<br>", " ") for t in chart.figure.layout.xaxis.ticktext] == [
        "Verkoopkansen",
        "Verkopen per aanbieding",
        "Omzet uit verkoop",
    ]
    assert chart.title.replace("<br>", " ").startswith(
        "180% van het verschil in omzet uit verkoop tussen Gestuurd op kwaliteit"
    )
    cancel = decomposition()
    cancel.loc[(cancel["split"] == "sales") & (cancel["part"] == "sales per offer"), "mean"] = 40.0
    cancel.loc[(cancel["split"] == "sales") & (cancel["part"] == "total"), "mean"] = 0.0
    chart = figures.decomposition_waterfall(cancel, "sales", EN)
    assert chart.title == "The parts cancel out; the largest is sales opportunities (−\u2060€40)"


def test_kpi_panel_has_a_bar_per_policy_and_kpi_with_its_interval() -> None:
    runs = runs_table()
    summary = summarize(runs, ["profit_after_churn", "csat"], ["aht", "quality"])
    chart = figures.kpi_panel(summary, ["profit_after_churn", "csat"], EN)
    bars = [t for t in chart.figure.data if t.x[0] is not None]
    assert len(bars) == 2 and list(bars[1].y) == pytest.approx([60.0, 80.0])  # percent
    assert "Quality-driven is best on 2 of the 2" in chart.title


def test_weeks_gap_is_paired_by_replication() -> None:
    frame = gap(daily_table(), "aht")
    quality = frame[frame["variant"] == "quality"].sort_values(["seed", "day"])
    assert list(quality["gap"]) == pytest.approx([10, 20, 30, 40] * 2)
    assert (frame.loc[frame["variant"] == "aht", "gap"] == 0).all()
    assert (
        finish(cumulative(daily_table()), EN)
        == "after 4 days Quality-driven is €40 ahead of AHT-driven"
    )
    behind = daily_table()
    behind.loc[behind["variant"] == "quality", "profit_after_churn"] -= 20.0  # 10 a day below
    assert finish(cumulative(behind), EN) == (
        "after 4 days AHT-driven stays ahead; the closest, Quality-driven, is €40 behind"
    )


def test_a_clear_lead_needs_bands_that_do_not_overlap() -> None:
    band = pd.DataFrame(
        {
            "variant": ["a", "b"] * 2,
            "day": [0, 0, 1, 1],
            "mean": [1.0, 2.0, 1.0, 2.0],
            "low": [0.5, 1.6, 0.5, 0.9],  # day 1: b's band reaches down into a's
            "high": [1.5, 2.4, 1.5, 3.1],
        }
    )
    assert clear_lead_share(band, lower=False) == ("b", 0.5)
    assert clear_lead_share(band, lower=True) == ("a", 0.5)


def test_weeks_draws_a_band_and_a_line_per_policy_and_measure() -> None:
    chart = figures.weeks(daily_table(), EN, ["profit_after_churn", "csat"])
    lines = [t for t in chart.figure.data if t.mode == "lines" and t.fill is None]
    assert len(lines) == 4 and len(chart.figure.data) == 8
    assert "after 4 days Quality-driven is €40 ahead of AHT-driven" in chart.title


def test_race_frames_are_the_cumulative_gaps_to_the_first_policy() -> None:
    table = cumulative(daily_table())
    assert table.loc[1, "quality"] == pytest.approx(20.0) and table.loc[3, "aht"] == 0.0
    chart = figures.race(daily_table(), EN)
    assert len(chart.figure.frames) == 4
    assert list(chart.figure.data[0].x) == pytest.approx(list(table.loc[3]))


def test_average_day_pools_the_service_level_over_runs() -> None:
    profile = pd.DataFrame(
        {
            "variant": ["aht"] * 4,
            "run_id": ["a", "a", "b", "b"],
            "interval": [0, 1, 0, 1],
            "start": ["08:00", "08:15"] * 2,
            "offered": [10.0, 30.0, 30.0, 10.0],
            "staffed": [5.0, 6.0, 7.0, 8.0],
            "service_level": [1.0, 0.5, 0.5, 1.0],
        }
    )
    chart = figures.average_day(profile, EN)
    offered, staffed, level = chart.figure.data
    assert list(offered.y) == [20.0, 20.0] and list(staffed.y) == [6.0, 7.0]
    assert list(level.y) == pytest.approx([62.5, 62.5])  # (10*1 + 30*0.5) / 40
    assert chart.title.endswith("starts at 08:00, with 20 contacts")


def test_scatter_has_a_point_per_run() -> None:
    chart = figures.revenue_vs_satisfaction(runs_table(), EN)
    assert [len(t.x) for t in chart.figure.data] == [3, 3]
    assert "Quality-driven is top right" in chart.title


def test_policy_map_colours_the_winner_and_writes_the_margin() -> None:
    summary = pd.DataFrame(
        [
            {"variant": v, "a": a, "b": b, "kpi": "profit_after_churn", "mean": m}
            for a, b, means in ((1, 1, (10, 20)), (1, 2, (30, 5)), (2, 1, (0, 9)), (2, 2, (4, 3)))
            for v, m in zip(("aht", "quality"), means, strict=True)
        ]
    )
    winners = pd.DataFrame(
        [
            {"a": 1, "b": 1, "kpi": "profit_after_churn", "winner": "quality", "decided": True},
            {"a": 1, "b": 2, "kpi": "profit_after_churn", "winner": "aht", "decided": True},
            {"a": 2, "b": 1, "kpi": "profit_after_churn", "winner": "quality", "decided": False},
            {"a": 2, "b": 2, "kpi": "profit_after_churn", "winner": "aht", "decided": True},
        ]
    )
    (chart,) = figures.policy_maps(summary, winners, ["a", "b"], EN)
    heat = chart.figure.data[0]
    # rows are b, columns a; value 2k + 0.5 (clear) or 2k + 1.5 (not clear), k the policy
    assert heat.z.tolist() == [[2.5, 3.5], [0.5, 0.5]]
    assert "Quality-driven<br>margin €10" in heat.text[0][0]


def test_policy_map_names_no_winner_where_the_runs_were_identical() -> None:
    summary = pd.DataFrame(
        [
            {"variant": v, "a": a, "b": 0, "kpi": "profit_after_churn", "mean": m}
            for a, means in ((1, (10, 10)), (2, (4, 9)))
            for v, m in zip(("aht", "quality"), means, strict=True)
        ]
    )
    winners = pd.DataFrame(
        [
            {"a": 1, "b": 0, "kpi": "profit_after_churn", "winner": None, "decided": False},
            {"a": 2, "b": 0, "kpi": "profit_after_churn", "winner": "quality", "decided": True},
        ]
    )
    (chart,) = figures.policy_maps(summary, winners, ["a", "b"], EN)
    heat = chart.figure.data[0]
    assert np.isnan(heat.z[0][0]) and heat.text[0][0] == "no difference"
    assert heat.z[0][1] == 2.5 and "Quality-driven" in heat.text[0][1]
    assert "AHT-driven" not in chart.caption and "Quality-driven: 1" in chart.caption


def test_sensitivity_bars_longest_total_first() -> None:
    table = pd.DataFrame(
        {
            "variant": ["q - a"] * 2,
            "method": ["sobol"] * 2,
            "output": ["profit_after_churn"] * 2,
            "parameter": ["x", "y"],
            "S1": [0.1, 0.5],
            "S1_conf": [0.05, 0.05],
            "ST": [0.2, 0.7],
            "ST_conf": [0.1, 0.1],
        }
    )
    chart = figures.sensitivity_bars(table, "profit_after_churn", EN)
    _, total = chart.figure.data
    assert list(total.y) == ["x", "y"] and list(total.x) == [0.2, 0.7]  # drawn bottom-up
    assert chart.title.endswith(": y")


def test_colours_are_fixed_per_policy_and_distinct() -> None:
    assert colours(["quality", "custom", "aht"])["quality"] == FIXED["quality"]
    assert colours(["aht"])["aht"] == colours(["volume", "aht"])["aht"]
    picked = colours(["aht", "volume", "quality", "a", "b", "c"])
    assert len(set(picked.values())) == 6


def test_dutch_figures_use_dutch_separators() -> None:
    chart = figures.money_waterfall(runs_table(), "quality", "aht", Language("nl"))
    assert chart.figure.layout.separators == ",." and "Gestuurd op kwaliteit" in chart.title


def uncertainty_tables() -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Eight worlds: aht - quality in profit is 100 * (x - 0.75), so quality wins where
    x < 0.75 (6 of 8 worlds) and the difference rises with x."""
    x = np.arange(8) / 8 + 1 / 16
    worlds = pd.DataFrame({"world": range(8), "x": x, "y": x[::-1] ** 2})
    differences = pd.DataFrame(
        {
            "world": range(8),
            "variant_a": "aht",
            "variant_b": "quality",
            "outcome": "profit_after_churn",
            "mean_diff": 100 * (x - 0.75),
            "sd": 1.0,
            "n": 2,
        }
    )
    summary = {
        "variant_a": "aht",
        "variant_b": "quality",
        "outcome": "profit_after_churn",
        "worlds": 8,
        "lower_is_better": False,
        "p_a_wins": 0.25,
        "p_b_wins": 0.75,
        "median": float(np.median(100 * (x - 0.75))),
        "q05": -60.0,
        "q95": 20.0,
        "ranks": [{"parameter": "x", "rho": 1.0}],
    }
    return summary, worlds, differences


def test_worlds_figure_states_the_winner_and_marks_zero() -> None:
    summary, _, differences = uncertainty_tables()
    pair = figures.pair_of(summary, differences)
    assert (pair.winner, pair.other, pair.share) == ("quality", "aht", 0.75)
    assert list(pair.values["difference"]) == pytest.approx(list(-differences["mean_diff"]))
    chart = figures.difference_spread(pair, EN)
    assert chart.title == "Quality-driven beats AHT-driven in 75% of plausible worlds"
    by_name = {trace.name: trace for trace in chart.figure.data}
    assert set(by_name) == {"Quality-driven wins", "AHT-driven wins"}
    assert by_name["Quality-driven wins"].marker.color == FIXED["quality"]
    assert by_name["AHT-driven wins"].marker.color == FIXED["aht"]
    assert sorted(by_name["Quality-driven wins"].x) == pytest.approx(
        sorted(-differences["mean_diff"][:6])
    )
    (zero,) = chart.figure.layout.shapes
    assert zero.x0 == zero.x1 == 0
    assert chart.figure.data[0].xbins.start % chart.figure.data[0].xbins.size == pytest.approx(0)


def test_worlds_figure_says_every_world_and_dutch_numbers() -> None:
    summary, _, differences = uncertainty_tables()
    summary = summary | {"p_a_wins": 0.0, "p_b_wins": 1.0}
    chart = figures.difference_spread(figures.pair_of(summary, differences), Language("nl"))
    assert "elke plausibele wereld" in chart.title
    assert chart.figure.layout.separators == ",."


def test_deciding_parameter_figure_turns_with_the_pair() -> None:
    summary, worlds, differences = uncertainty_tables()
    pair = figures.pair_of(summary, differences)
    chart = figures.against_parameter(pair, worlds, EN)
    assert chart is not None
    # quality - aht = 100 * (0.75 - x) falls as x rises
    assert chart.title == "Quality-driven − AHT-driven falls with x (Spearman ρ = −1.00)"
    points = np.concatenate([trace.x for trace in chart.figure.data])
    assert sorted(points) == pytest.approx(sorted(worlds["x"]))
    assert figures.against_parameter(pair, worlds[["world"]], EN) is None  # no such column


def sobol_table(s1: float, st: float, conf: float) -> pd.DataFrame:
    """Sobol indices of two parameters: `a` with the given S1/ST, `b` small and tight."""
    rows = [
        ("a", s1, conf, st, conf),
        ("b", 0.05, 0.01, 0.08, 0.01),
    ]
    table = pd.DataFrame(rows, columns=["parameter", "S1", "S1_conf", "ST", "ST_conf"])
    return table.assign(variant="aht", method="sobol", output="profit_after_churn", note="")


def test_sobol_indices_from_a_tiny_sample_say_so() -> None:
    chart = figures.sensitivity_bars(sobol_table(1.57, 1.93, 1.2), "profit_after_churn", EN, 8)
    title = chart.figure.layout.title.text
    assert title.startswith("Sample too small to trust these indices: 8 base samples")
    assert "most sensitive" not in title
    needed = sobol_needed(sobol_table(1.57, 1.93, 1.2), 8)
    assert needed is not None and needed >= MIN_BASE_SAMPLES and f"{needed:,}" in title
    trusted = figures.sensitivity_bars(sobol_table(0.6, 0.7, 0.02), "profit_after_churn", EN, 1024)
    assert trusted.figure.layout.title.text.endswith("sensitive to: a")
    assert sobol_needed(sobol_table(0.6, 0.7, 0.02), 1024) is None
    assert sobol_needed(sobol_table(0.6, 0.7, 0.02), 64) == MIN_BASE_SAMPLES  # too few
    assert sobol_needed(sobol_table(0.9, 0.3, 0.02), 1024) is not None  # S1 > ST


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_an_index_that_is_not_a_number_is_not_drawn_nor_named(bad: float) -> None:
    table = sobol_table(0.6, bad, 0.02)
    chart = figures.sensitivity_bars(table, "profit_after_churn", EN, 1024)
    assert "a" not in {y for trace in chart.figure.data for y in trace.y}
    assert chart.figure.layout.title.text.endswith("sensitive to: b")
    assert "Not estimable, so not drawn" in chart.caption and ": a." in chart.caption
    nothing = figures.sensitivity_bars(table[table["parameter"] == "a"], "profit_after_churn", EN)
    assert nothing.figure.layout.title.text.startswith("No index could be estimated")


def test_sensitivity_csv_notes_a_sample_too_small() -> None:
    bounds = {"x": (0.0, 1.0), "y": (0.0, 1.0)}
    x = sensitivity_sample("sobol", bounds, 8, 1)
    y = x[:, 0] + 0.1 * x[:, 1] ** 2
    rows = indices("sobol", bounds, x, {"out": y}, 1)
    assert rows[0]["note"].startswith("sample too small to trust these indices: 8 base samples")
    assert index_note({"S1": 0.1, "S1_conf": 0.01, "ST": np.inf, "ST_conf": 0.1}, 512, None) == (
        "not estimable: an index is not a finite number"
    )
