"""The researcher's paper cuts (issue 20): each fixed, each kept fixed by a test here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.report import figures
from sim.report.language import Language
from tests.helpers import ROOT, script_module

EN = Language("en")
SCRIPTS = sorted([*ROOT.glob("experiments/*.py"), *ROOT.glob("benchmarks/*.py")])


# --- ccsim keys, piped ------------------------------------------------------------------------


def test_keys_piped_prints_every_full_key_one_per_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sim.cli", "keys"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    from sim.scenario import key_reference

    keys = [row["key"] for row in key_reference()]
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == keys
    assert any(line.startswith("staffing.employees\t") for line in lines)


# --- sim.report.figures.<name> are callables ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "function"),
    [("kpis", "kpi_panel"), ("policy_map", "policy_maps"), ("sensitivity", "sensitivity_bars")],
)
def test_figures_names_are_the_functions(name: str, function: str) -> None:
    assert callable(getattr(figures, name))
    assert getattr(figures, name) is getattr(figures, function)
    module = importlib.import_module(f"sim.report.figures.{name}")  # the modules still import
    assert getattr(module, function) is getattr(figures, function)


# --- no winner on a KPI with no better direction ----------------------------------------------


def _sweep_tables(kpi: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sim.experiments.statistics import paired_differences, summarize

    runs = pd.DataFrame(
        {
            "variant": ["a", "a", "b", "b"] * 2,
            "replication": [0, 1, 0, 1] * 2,
            "status": "ok",
            "x": [1, 1, 1, 1, 2, 2, 2, 2],
            kpi: [300.0, 310.0, 250.0, 255.0, 320.0, 330.0, 240.0, 245.0],
        }
    )
    return (
        summarize(runs, [kpi], ["a", "b"], ["x"]),
        paired_differences(runs, [kpi], ["a", "b"], ["x"]),
    )


def test_winners_names_no_winner_on_aht() -> None:
    from sim.experiments.policy_map import winners

    summary, differences = _sweep_tables("aht")
    table = winners(summary, differences, ["x"])
    assert (table["winner"] == "").all() and not table["decided"].any()
    summary, differences = _sweep_tables("profit")
    assert (winners(summary, differences, ["x"])["winner"] == "a").all()


def test_policy_map_names_no_winner_on_aht() -> None:
    from sim.experiments.policy_map import winners

    summary, differences = _sweep_tables("aht")
    table = winners(summary, differences, ["x"])
    charts = figures.policy_maps(summary, table, ["x"], EN, kpi="aht")
    for chart in charts:
        assert "a: " not in chart.caption and "b: " not in chart.caption


# --- a one-parameter sweep ---------------------------------------------------------------------


def test_one_parameter_sweep_gets_a_line_per_policy_not_a_one_row_heatmap() -> None:
    from sim.experiments.policy_map import winners

    summary, differences = _sweep_tables("profit_after_churn")
    (chart,) = figures.policy_maps(summary, winners(summary, differences, ["x"]), ["x"], EN)
    assert "_" not in chart.title.replace("profit_after_churn", "")
    assert "×" not in chart.title
    assert [t.type for t in chart.figure.data] == ["scatter", "scatter"]
    assert [list(t.x) for t in chart.figure.data] == [[1, 2], [1, 2]]


# --- calibration_check marks a figure outside its reference range ------------------------------


def test_calibration_check_marks_a_miss() -> None:
    check = script_module(ROOT / "experiments" / "calibration_check.py")
    missed = check.cell(0.221, (0.30, 0.35), "{:.1%}")
    within = check.cell(0.32, (0.30, 0.35), "{:.1%}")
    unreferenced = check.cell(0.221, None, "{:.1%}")
    assert "22.1%" in missed and "outside" in missed
    assert within == "32.0%" and unreferenced == "22.1%"


# --- scripts' --help: complete sentences -------------------------------------------------------


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_help_is_complete_sentences(script: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    description = out.split("\n\n")[1]  # usage, then the description, then the options
    text = " ".join(description.split())
    assert text.endswith("."), f"{script.name} --help stops mid-sentence: {text[-60:]!r}"


# --- README's figures come from a script that measures them ------------------------------------


def test_readme_figures_reads_pytest_count_and_formats_minutes() -> None:
    figures_script = script_module(ROOT / "experiments" / "readme_figures.py")
    assert figures_script.collected("...\n589 tests collected in 3.12s\n") == 589
    assert figures_script.minutes(245.4) == "4 min 5 s" and figures_script.minutes(38) == "38 s"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "experiments/readme_figures.py" in readme
