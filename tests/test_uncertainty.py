"""`ccsim uncertainty`: the ranges file and every bad input (exit 2, one line, nothing written),
the world design, per-variant ranges, the acceptance rule, the summary and its rules on data
with known answers, and a tiny end-to-end run that resumes and reports."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiments import scenario_discovery
from sim.experiments.uncertainty import (
    FAILED,
    KEPT,
    REJECTED,
    accept_worlds,
    pair_summary,
    world_differences,
)
from sim.experiments.uncertainty_run import run_uncertainty
from sim.experiments.worlds import load_worlds
from tests.helpers import ROOT, SCENARIOS
from tests.test_experiment_files import ccsim

RANGES = """
["sales.quality_exponent"]
low = 1.0
high = 3.0
unit = "exponent"
why = "test"

["employees.target_pressure"]
low = 0.2
high = 0.8
why = "test"

["policy.aht_target_seconds"]
low = 240.0
high = 300.0
unit = "s"
variants = ["aht"]
why = "test"
"""

TINY = f"""
name = "tiny-uncertainty"
scenario = "{(SCENARIOS / "baseline.toml").as_posix()}"
replications = 1
seed = 3
policies = ["aht", "quality"]
[base]
"calendar.days" = 2
"calendar.warmup_days" = 1
"customers.population" = 20000
"staffing.target_service_level" = "none"
[uncertainty]
worlds = 6
ranges = "ranges.toml"
[uncertainty.accept]
service_level = [0.0, 1.0]
fcr = [0.3, 0.95]
"""


def write(folder: Path, experiment: str = TINY, ranges: str = RANGES) -> Path:
    (folder / "ranges.toml").write_text(textwrap.dedent(ranges), encoding="utf-8")
    path = folder / "exp.toml"
    path.write_text(textwrap.dedent(experiment), encoding="utf-8")
    return path


# --- bad input -----------------------------------------------------------------------------

BAD = {
    "unknown key": (
        TINY,
        RANGES.replace('["sales.quality_exponent"]', '["sales.quality_exponentt"]'),
        "unknown key 'sales.quality_exponentt' (did you mean 'sales.quality_exponent'?)",
    ),
    "low above high": (
        TINY,
        RANGES.replace("low = 0.2", "low = 0.9"),
        "low = 0.9, high = 0.8: low must be below high",
    ),
    "unknown field": (
        TINY,
        RANGES.replace('why = "test"\n', 'why = "test"\nsource = "x"\n', 1),
        "unknown field 'source'",
    ),
    "missing why": (
        TINY,
        RANGES.replace('unit = "exponent"\nwhy = "test"', 'unit = "exponent"'),
        '["sales.quality_exponent"].why is missing',
    ),
    "unknown variant": (
        TINY,
        RANGES.replace('variants = ["aht"]', 'variants = ["ahtt"]'),
        "'ahtt' is not a variant of the experiment (variants: aht, quality)",
    ),
    "default outside": (
        TINY,
        RANGES.replace("low = 1.0\nhigh = 3.0", "low = 2.5\nhigh = 3.0"),
        "the value in the base scenario, 2.0, lies outside the range [2.5, 3.0]",
    ),
    "beyond the key's bounds": (
        TINY,
        RANGES.replace("low = 0.2\nhigh = 0.8", "low = 0.2\nhigh = 1.5"),
        '["employees.target_pressure"].high = 1.5',
    ),
    "unknown accept KPI": (
        TINY.replace("fcr = [", "fcrr = ["),
        RANGES,
        "uncertainty.accept: unknown KPI 'fcrr' (did you mean 'fcr'?)",
    ),
    "unknown reference": (
        TINY.replace('ranges = "ranges.toml"', 'ranges = "ranges.toml"\nreference = "volume"'),
        RANGES,
        "uncertainty.reference = 'volume': not a variant",
    ),
    "missing ranges file": (
        TINY.replace('ranges = "ranges.toml"', 'ranges = "nowhere.toml"'),
        RANGES,
        "uncertainty.ranges: file not found",
    ),
    "malformed ranges file": (TINY, '["sales.quality_exponent"\nlow = ', "malformed TOML"),
    "unknown uncertainty key": (
        TINY.replace("worlds = 6", "world = 6"),
        RANGES,
        "unknown key 'uncertainty.world' (did you mean 'uncertainty.worlds'?)",
    ),
    "sobol needs a power of 2": (
        TINY.replace("worlds = 6", 'worlds = 6\nmethod = "sobol"'),
        RANGES,
        "worlds = 6: Sobol' points need a power of 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    experiment, ranges, message = BAD[case]
    path = write(tmp_path, experiment, ranges)
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(capsys, "uncertainty", path, "--out", out)
    assert code == 2, stderr
    assert message in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr and stdout == ""
    assert not out.exists()


def test_zero_worlds_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, _, stderr = ccsim(capsys, "uncertainty", write(tmp_path), "--worlds", "0", "--out", out)
    assert code == 2 and "--worlds: 0 is below 1; allowed: 1 or more" in stderr
    assert not out.exists()


def test_compare_refuses_an_uncertainty_experiment(tmp_path: Path) -> None:
    from sim.errors import ExperimentError
    from sim.experiments import load_experiment

    with pytest.raises(ExperimentError, match="ccsim uncertainty"):
        load_experiment(write(tmp_path), "compare")


def test_shipped_experiment_and_draft_ranges_load() -> None:
    experiment, worlds = load_worlds(ROOT / "experiments" / "uncertainty.toml", worlds=4)
    assert list(experiment.variants) == ["aht", "volume", "quality"]
    assert worlds.reference == "aht" and len(worlds.ranges) >= 12
    assert worlds.ranges["policy.aht_target_seconds"].variants == ["aht"]
    assert len(experiment.tasks) == 4 * 3 * experiment.replications


def test_a_whole_number_key_takes_whole_number_ranges_and_draws() -> None:
    """employees.hiring_delay_days is an integer: its range's ends (5, 30) are valid values and
    every drawn value is whole, within them."""
    experiment, worlds = load_worlds(ROOT / "experiments" / "uncertainty.toml", worlds=8)
    drawn = [world["employees.hiring_delay_days"] for world in worlds.values]
    assert all(isinstance(d, int) and 5 <= d <= 30 for d in drawn)
    days = {t.scenario["employees"]["hiring_delay_days"] for t in experiment.tasks}
    assert days == set(drawn)


# --- the design ----------------------------------------------------------------------------


def test_world_design_is_reproducible_and_covers_the_ranges(tmp_path: Path) -> None:
    path = write(tmp_path)
    first = load_worlds(path, worlds=20)[1]
    assert load_worlds(path, worlds=20)[1].values == first.values
    values = pd.DataFrame(first.values)
    for key, found in first.ranges.items():
        column = values[key].to_numpy()
        assert ((found.low <= column) & (column <= found.high)).all()
        # a Latin hypercube: one world in each twentieth of every range
        strata = np.floor((column - found.low) / (found.high - found.low) * 20)
        assert sorted(strata) == list(range(20))
    path.write_text(path.read_text().replace("seed = 3", "seed = 4"))
    assert load_worlds(path, worlds=20)[1].values != first.values  # another seed, other worlds


def test_per_variant_ranges_apply_only_to_their_variants(tmp_path: Path) -> None:
    experiment, worlds = load_worlds(write(tmp_path), worlds=4)
    by = {(t.variant, t.point): t for t in experiment.tasks}
    for w, drawn in enumerate(worlds.values):
        aht, quality = by["aht", w].scenario, by["quality", w].scenario
        assert aht["policy"]["aht_target_seconds"] == drawn["policy.aht_target_seconds"]
        assert quality["policy"]["aht_target_seconds"] is None  # the preset's own (none)
        for scenario in (aht, quality):
            assert scenario["sales"]["quality_exponent"] == drawn["sales.quality_exponent"]
        assert "policy.aht_target_seconds" not in by["quality", w].params
        assert by["aht", w].seed == by["quality", w].seed  # common random numbers
    assert worlds.params_for("aht", "quality") == worlds.keys


# --- the acceptance rule -------------------------------------------------------------------


def test_acceptance_keeps_exactly_the_worlds_whose_reference_means_are_in_range() -> None:
    rows = [
        # world 0: means 0.8 / 0.05: kept; world 1: service level mean 0.6: rejected;
        # world 2: a failed run: failed; world 3: abandonment 0.2: rejected
        (0, "aht", "ok", 0.75, 0.04), (0, "aht", "ok", 0.85, 0.06),
        (1, "aht", "ok", 0.5, 0.04), (1, "aht", "ok", 0.7, 0.04),
        (2, "aht", "ok", 0.8, 0.05), (2, "aht", "failed", np.nan, np.nan),
        (3, "aht", "ok", 0.8, 0.2), (3, "aht", "ok", 0.8, 0.2),
        (1, "quality", "ok", 0.8, 0.05), (1, "quality", "ok", 0.8, 0.05),
    ]  # fmt: skip
    runs = pd.DataFrame(
        rows, columns=["world", "variant", "status", "service_level", "abandonment_rate"]
    )
    accept = {"service_level": (0.7, 0.95), "abandonment_rate": (0.01, 0.1)}
    table = accept_worlds(runs, 5, "aht", accept, replications=2)
    assert list(table["status"]) == [KEPT, REJECTED, FAILED, REJECTED, FAILED]
    assert list(table["failed_facts"]) == ["", "service_level", "", "abandonment_rate", ""]
    assert table.loc[0, "reference_service_level"] == pytest.approx(0.8)
    assert table.loc[1, "reference_service_level"] == pytest.approx(0.6)


def test_differences_pair_replications_within_a_world() -> None:
    rows = []
    for world in (0, 1):
        for rep in (0, 1):
            for variant, lift in (("aht", 0.0), ("quality", 10.0 + world + rep)):
                rows.append((world, variant, rep, "ok", 100.0 + rep + lift))
    runs = pd.DataFrame(rows, columns=["world", "variant", "replication", "status", "profit"])
    frame = world_differences(runs, [1], ["aht", "quality"], ["profit"])
    assert len(frame) == 1 and frame.loc[0, "world"] == 1 and frame.loc[0, "n"] == 2
    assert frame.loc[0, "mean_diff"] == pytest.approx(-11.5)
    assert frame.loc[0, "sd"] == pytest.approx(np.std([-11.0, -12.0], ddof=1))


# --- the summary and its rules -------------------------------------------------------------


def synthetic(n: int = 200, sd: float = 0.01) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Worlds whose difference a - b is x - 0.5 (y and z do nothing)."""
    rng = np.random.default_rng(7)
    params = pd.DataFrame(
        {"x": (np.arange(n) + 0.5) / n, "y": rng.random(n), "z": rng.random(n)},
        index=pd.Index(range(n), name="world"),
    )
    frame = pd.DataFrame(
        {"world": range(n), "mean_diff": params["x"].to_numpy() - 0.5, "sd": sd, "n": 2}
    )
    return frame, params


def test_win_probabilities_quantiles_and_the_rule_on_known_data() -> None:
    frame, params = synthetic()
    frame["mean_diff"] = np.where(params["x"] < 0.3, -1.0, 1.0) + 0.1 * params["x"]  # b: x < 0.3
    summary = pair_summary(frame, params, "a", "b", "profit_after_churn", replications=2)
    assert summary["p_a_wins"] == pytest.approx(0.7) and summary["p_b_wins"] == pytest.approx(0.3)
    expected = np.quantile(frame["mean_diff"], [0.05, 0.5, 0.95])
    assert [summary["q05"], summary["median"], summary["q95"]] == pytest.approx(list(expected))
    assert summary["within_noise"] == 0.0
    (rule,) = summary["rules"]
    assert rule["winner"] == "b" and rule["wins"] == rule["worlds"] == 60
    (condition,) = rule["conditions"]
    assert condition["parameter"] == "x" and condition["op"] == "<"
    assert condition["value"] == pytest.approx(0.3, abs=0.01)
    assert rule["text"].startswith("b wins where x < 0.3 (60 of 60 such worlds; 30 % of kept")
    assert summary["ranks"][0]["parameter"] == "x" and summary["ranks"][0]["rho"] > 0.8


def test_the_rule_threshold_lies_where_the_difference_changes_sign() -> None:
    frame, params = synthetic()
    summary = pair_summary(frame, params, "a", "b", "profit_after_churn", replications=2)
    assert summary["p_a_wins"] == pytest.approx(0.5)
    assert summary["ranks"][0] == {"parameter": "x", "rho": pytest.approx(1.0)}
    for rule in summary["rules"]:
        (condition,) = rule["conditions"]
        assert condition["parameter"] == "x"
        assert condition["value"] == pytest.approx(0.5, abs=0.02)


def test_one_winner_everywhere_is_said_with_its_ranks() -> None:
    frame, params = synthetic()
    frame["mean_diff"] = params["x"].to_numpy() + 1.0
    summary = pair_summary(frame, params, "a", "b", "csat", replications=1)
    assert summary["p_a_wins"] == 1.0 and summary["rules"] == []
    assert summary["statement"] == "a wins in every kept world"
    assert summary["within_noise"] is None  # one replication: no seed noise to judge by
    assert summary["ranks"][0]["parameter"] == "x"


def test_less_is_better_turns_who_wins() -> None:
    frame, params = synthetic()
    frame["mean_diff"] = 1.0  # a costs more than b in every world
    summary = pair_summary(frame, params, "a", "b", "cost", replications=2)
    assert summary["lower_is_better"] and summary["p_b_wins"] == 1.0


def test_within_seed_noise_and_no_kept_world() -> None:
    frame, params = synthetic(sd=10.0)
    summary = pair_summary(frame, params, "a", "b", "profit_after_churn", replications=2)
    assert summary["within_noise"] == 1.0
    empty = pair_summary(frame.iloc[:0], params, "a", "b", "profit_after_churn", 2)
    assert empty["worlds"] == 0 and empty["note"] == "no kept world"


def test_without_scikit_learn_the_rules_say_how_to_get_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scenario_discovery, "_tree_class", lambda: None)
    frame, params = synthetic()
    summary = pair_summary(frame, params, "a", "b", "profit_after_churn", replications=2)
    assert summary["rules"] == [] and "pip install 'ccsim[uncertainty]'" in summary["rules_note"]
    assert summary["ranks"]  # the ranks need no scikit-learn


# --- end to end ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str, list[str]]:
    """The tiny experiment, interrupted after 4 runs, then finished by the command line."""
    import contextlib
    import io

    from sim.cli import main

    tmp = tmp_path_factory.mktemp("uncertainty")
    path, out = write(tmp), tmp / "out"
    experiment, worlds = load_worlds(path)
    with pytest.raises(KeyboardInterrupt):
        run_uncertainty(experiment, worlds, out, workers=1, stop_after=4)
    interrupted = json.loads((out / "manifest.json").read_text())["status"]
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["uncertainty", str(path), "--out", str(out), "--workers", "2", "--json"])
    assert code == 0, stderr.getvalue()
    journal = sorted(p.name for p in (out / "runs").glob("*.json"))
    return out, json.loads(stdout.getvalue()), interrupted + "\n" + stderr.getvalue(), journal


def test_end_to_end_writes_every_output(finished: tuple[Path, dict, str, list[str]]) -> None:
    out, payload, log, _ = finished
    assert log.startswith("interrupted\n") and "4 already done" in log
    for name in ("runs.parquet", "daily.parquet", "worlds.parquet", "differences.parquet"):
        assert (out / name).is_file(), name
    assert json.loads((out / "uncertainty.json").read_text()) == payload
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["command"] == "uncertainty" and manifest["status"] == "complete"
    assert manifest["uncertainty"]["ranges"]["policy.aht_target_seconds"]["variants"] == ["aht"]
    worlds = pd.read_parquet(out / "worlds.parquet")
    assert list(worlds["world"]) == list(range(6)) and "sales.quality_exponent" in worlds
    counts = payload["worlds"]
    assert counts["drawn"] == 6 == counts["kept"] + counts["rejected"] + counts["failed"]
    runs = pd.read_parquet(out / "runs.parquet")
    kept = set(worlds.loc[worlds["status"] == "kept", "world"])
    # stage 2 ran quality in exactly the kept worlds; aht ran everywhere
    assert set(runs.loc[runs["variant"] == "quality", "world"]) == kept
    assert sorted(runs.loc[runs["variant"] == "aht", "world"]) == list(range(6))
    assert set(pd.read_parquet(out / "daily.parquet")["world"]) == set(runs["world"])
    differences = pd.read_parquet(out / "differences.parquet")
    assert set(differences["world"]) == kept
    assert {(p["variant_a"], p["variant_b"], p["outcome"]) for p in payload["pairs"]} == {
        ("aht", "quality", "profit_after_churn"),
        ("aht", "quality", "csat"),
    }
    for pair in payload["pairs"]:
        if pair["worlds"]:
            assert pair["p_a_wins"] + pair["p_b_wins"] == pytest.approx(1.0)
            assert pair["q05"] <= pair["median"] <= pair["q95"]


def test_the_same_command_resumes_and_runs_nothing(
    finished: tuple[Path, dict, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, payload, _, journal = finished
    path = out.parent / "exp.toml"
    code, stdout, stderr = ccsim(capsys, "uncertainty", path, "--out", out, "--workers", "1")
    assert code == 0, stderr
    assert stderr.count("all done already") == 2  # both stages
    assert sorted(p.name for p in (out / "runs").glob("*.json")) == journal
    assert "tiny-uncertainty: 6 worlds drawn" in stdout and "P(A wins)" in stdout
    assert json.loads((out / "uncertainty.json").read_text()) == payload


def test_report_and_talk_of_an_uncertainty_folder(
    finished: tuple[Path, dict, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    out, payload, _, _ = finished
    code, _, stderr = ccsim(capsys, "report", out, "--lang", "nl")
    assert code == 0, stderr
    html = (out / "report-nl.html").read_text(encoding="utf-8")
    assert "plausibele werelden" in html
    kept = payload["worlds"]["kept"]
    for outcome in ("profit_after_churn", "csat"):
        assert f'id="section-aht-quality-{outcome}"' in html
        if kept:
            assert f'id="figure-worlds-aht-quality-{outcome}"' in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and not [s for s in scripts if "src=" in s]  # plotly.js is inline
    code, _, stderr = ccsim(capsys, "talk", out, "--lang", "en")
    assert code == 0, stderr
    talk = (out / "talk-en.html").read_text(encoding="utf-8")
    assert ("plausible world" in talk) == bool(kept)


def test_the_report_leads_with_the_clearest_pair() -> None:
    from sim.report.uncertainty import clearest_first

    def summary(a: str, b: str, outcome: str, p_a: float) -> dict:
        return {"variant_a": a, "variant_b": b, "outcome": outcome, "p_a_wins": p_a,
                "p_b_wins": 1 - p_a}  # fmt: skip

    pairs = [
        summary("aht", "volume", "profit_after_churn", 0.23),
        summary("aht", "volume", "csat", 0.34),
        summary("aht", "quality", "profit_after_churn", 0.02),
        summary("aht", "quality", "csat", 0.0),
        summary("volume", "quality", "profit_after_churn", 0.17),
        summary("volume", "quality", "csat", 0.0),
    ]
    order = [(s["variant_a"], s["variant_b"], s["outcome"]) for s in clearest_first(pairs)]
    assert order[:2] == [("aht", "quality", "profit_after_churn"), ("aht", "quality", "csat")]
    assert order[2][:2] == ("volume", "quality") and order[4][:2] == ("aht", "volume")
