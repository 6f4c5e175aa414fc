"""The hostile review's cases (issue #19, experiments, CLI and engine): where results go, what
reaches the terminal, a run's folder, threads, swept keys the model ignores, policy names and
run ids, the model's clock and seeds, pool workers whose parent dies, a malformed journal,
rounded integer keys, and pickling."""

from __future__ import annotations

import json
import math
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.errors import ExperimentError, InputError, ScenarioError
from sim.experiments.experiment import load_experiment
from tests.helpers import ROOT, SCENARIOS, erlang_scenario

BIN = Path(sys.executable).parent
BASELINE = SCENARIOS / "baseline.toml"
SHORT = {"calendar.days": 1, "calendar.warmup_days": 0, "customers.population": 2000}
SHORT_SET = [a for k, v in SHORT.items() for a in ("--set", f"{k}={v}")]


def ccsim(*args: object, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "ccsim"), *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def experiment(**changes: object) -> dict:
    return {
        "scenario": str(BASELINE),
        "policies": ["aht", "quality"],
        "replications": 1,
        "base": dict(SHORT),
        **changes,
    }


def small_erlang(**overrides: object) -> sim.Scenario:
    return erlang_scenario(
        calendar__days=1, calendar__warmup_days=0, staffing__target_service_level="none"
    ).with_overrides(dict(overrides))


# --- 5: an experiment's name never chooses a folder outside results/ -------------------------


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/anywhere", ".hidden", "a/b\\c", "x" * 300])
def test_the_default_results_folder_stays_under_results(name: str) -> None:
    from sim.experiments.execution import default_out

    out = default_out(load_experiment(experiment(name=name)))
    assert out.parent == Path("results")
    assert not out.name.startswith(".") and len(out.name) <= 100
    assert set(out.name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


# --- 6: control characters never reach the terminal ------------------------------------------


@pytest.mark.parametrize("key", ["name", "description"])
def test_a_scenario_name_with_a_terminal_escape_is_refused(key: str) -> None:
    with pytest.raises(ScenarioError, match=key):
        sim.load_scenario(BASELINE, {key: "x\x1b[2J"})


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x\x1b[2J"},
        {"policies": [], "variants": {"a\x1b[31m": {}, "b": {}}},
        {"name": "x\u202eevil"},  # a bidi override reverses what follows
        {"policies": [], "variants": {"vol\u2028NEXT\u200b": {}, "b": {}}},  # a line break
    ],
)
def test_an_experiment_or_variant_name_with_a_control_character_is_refused(changes) -> None:
    with pytest.raises(ExperimentError, match="unprintable character"):
        load_experiment(experiment(**changes))


def test_the_cli_printer_escapes_control_characters() -> None:
    from sim.errors import printable

    assert printable("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert printable("x\u202ey\u200bz\u2028") == "x\\u202ey\\u200bz\\u2028"
    assert printable("plain · text, 95\u00a0%") == "plain · text, 95\u00a0%"
    assert printable("+\u2060€64,051") == "+\u2060€64,051"  # the project's own word joiner


# --- 8: `ccsim run --out` never silently replaces another run --------------------------------


def test_a_run_into_an_earlier_runs_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert ccsim("run", BASELINE, *SHORT_SET, "--seed", "7", "--out", out).returncode == 0
    kpis = (out / "kpis.json").read_text()
    done = ccsim("run", BASELINE, *SHORT_SET, "--seed", "8", "--out", out)
    assert done.returncode == 2 and "--out" in done.stderr and "--force" in done.stderr
    assert "seed 7" in done.stderr and "Traceback" not in done.stderr
    assert (out / "kpis.json").read_text() == kpis  # untouched
    forced = ccsim("run", BASELINE, *SHORT_SET, "--seed", "8", "--out", out, "--force")
    assert forced.returncode == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 8


# --- 9: a model refuses to be advanced from two threads at once ------------------------------


def test_a_model_refuses_a_second_thread_while_it_is_advanced() -> None:
    model = sim.build_model(small_erlang())
    seen: list[BaseException] = []

    def other_thread() -> None:
        try:
            model.run_for(60)
        except RuntimeError as exc:
            seen.append(exc)

    def during_the_run() -> None:  # runs inside run_until, on the main thread
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()

    model.schedule_event(during_the_run, at=3600.0)
    model.run_until(7200.0)
    assert len(seen) == 1 and "another thread" in str(seen[0])
    model.run_until(7300.0)  # free again afterwards


def test_the_lock_leaves_a_run_bit_identical() -> None:
    scenario = small_erlang()
    whole = sim.run(scenario, seed=3)
    again = sim.run(scenario, seed=3)
    pd.testing.assert_frame_equal(whole.calls, again.calls)


# --- 10: keys that are not model parameters, or that the model ignores, are not varied -------


@pytest.mark.parametrize("key", ["seed", "name", "description"])
def test_a_swept_key_that_is_not_a_model_parameter_is_refused(key: str) -> None:
    values = [7, 8] if key == "seed" else ["a", "b"]
    with pytest.raises(ExperimentError, match="not a model parameter") as raised:
        load_experiment(experiment(grid={key: values}), "sweep")
    assert len(str(raised.value).splitlines()) == 1


def test_a_sampled_seed_is_refused() -> None:
    bounds = {"seed": [1, 100]}
    with pytest.raises(ExperimentError, match="replications"):
        load_experiment(experiment(sample={"n": 4, "bounds": bounds}), "sweep")


def test_a_swept_key_the_model_ignores_is_refused_before_running() -> None:
    base = {**SHORT, "staffing.schedule": [40] * 48, "staffing.target_service_level": "none"}
    with pytest.raises(ExperimentError, match=r"staffing\.employees.*staffing\.schedule"):
        load_experiment(experiment(base=base, grid={"staffing.employees": [30, 50]}), "sweep")
    sens = {"method": "morris", "n": 2, "bounds": {"staffing.employees": [30, 50]}}
    with pytest.raises(ExperimentError, match=r"staffing\.employees"):
        load_experiment(experiment(base=base, sensitivity=sens), "sensitivity")


def test_identical_results_are_no_difference_never_a_winner() -> None:
    from sim.experiments.policy_map import winners
    from sim.experiments.statistics import paired_differences, summarize

    runs = pd.DataFrame(
        {
            "variant": ["a", "a", "b", "b", "a", "a", "b", "b"],
            "replication": [0, 1, 0, 1, 0, 1, 0, 1],
            "status": "ok",
            "x": [1, 1, 1, 1, 2, 2, 2, 2],
            "profit": [5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 4.0, 5.0],
        }
    )
    summary = summarize(runs, ["profit"], ["a", "b"], ["x"])
    table = winners(summary, paired_differences(runs, ["profit"], ["a", "b"], ["x"]), ["x"])
    same, different = table.iloc[0], table.iloc[1]
    assert same["winner"] == "" and not same["decided"] and same["margin"] == 0
    assert different["winner"] == "a" and different["decided"]


# --- 12: register_policy and run ids ---------------------------------------------------------


@pytest.mark.parametrize("name", ["aht", "volume", "quality", "custom", "AHT", "Quality"])
def test_a_builtin_policy_cannot_be_redefined(name: str) -> None:
    with pytest.raises(InputError, match="built-in"):
        sim.register_policy(name, sim.Policy, aht_target_seconds=1.0)
    from sim.scenario.policy import AHT_TARGET_SECONDS, PRESETS

    assert PRESETS["aht"].parameters.aht_target_seconds == AHT_TARGET_SECONDS


def test_a_registered_policy_is_replaced_only_when_asked() -> None:
    from sim.scenario.policy import PRESETS

    sim.register_policy("review-replace", sim.Policy, review_push=0.1)
    with pytest.raises(InputError, match="replace=True"):
        sim.register_policy("review-replace", sim.Policy, review_push=0.2)
    sim.register_policy("review-replace", sim.Policy, review_push=0.2, replace=True)
    assert PRESETS["review-replace"].parameters.review_push == 0.2


@pytest.mark.parametrize("name", [123, None, "", "a\x1b[2J", " aht", "mine "])
def test_a_policy_name_that_is_not_a_name_is_refused(name: object) -> None:
    with pytest.raises(InputError, match="name"):
        sim.register_policy(name, sim.Policy)  # type: ignore[arg-type]


def test_run_ids_change_when_a_registered_policys_parameters_change() -> None:
    sim.register_policy("review-ids", sim.Policy, review_push=0.1)
    before = load_experiment(experiment(policies=["review-ids"])).tasks[0].run_id
    sim.register_policy("review-ids", sim.Policy, review_push=0.3, replace=True)
    after = load_experiment(experiment(policies=["review-ids"])).tasks[0].run_id
    assert before != after


# --- 13 / 21: the model's clock and seeds ----------------------------------------------------


@pytest.mark.parametrize(
    ("advance", "says"),
    [
        (lambda m: m.run_until(-5), "end_time"),
        (lambda m: m.run_until(math.nan), "end_time"),
        (lambda m: m.run_until(math.inf), "end_time"),
        (lambda m: m.run_for(-1), "duration"),
        (lambda m: m.run_for(math.nan), "duration"),
        (lambda m: (m.run_until(7200), m.run_until(3600)), "7200"),
    ],
)
def test_the_clock_never_goes_backwards(advance, says: str) -> None:
    model = sim.build_model(small_erlang())
    with pytest.raises(ValueError, match=says):
        advance(model)


@pytest.mark.parametrize("seed", ["7", 7.9, "x", -1, 2**64, True])
def test_build_model_checks_the_seed_as_run_does(seed: object) -> None:
    scenario = small_erlang()
    with pytest.raises(InputError, match="seed") as built:
        sim.build_model(scenario, seed=seed)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="seed") as ran:
        sim.run(scenario, seed=seed)  # type: ignore[arg-type]
    assert str(built.value) == str(ran.value)
    assert sim.build_model(scenario, seed=np.int64(7)).seed == 7


def test_a_scenario_and_a_result_survive_pickling() -> None:
    scenario = sim.load_scenario(BASELINE, SHORT)
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    result = sim.run(small_erlang(), seed=2)
    back = pickle.loads(pickle.dumps(result))
    assert back.scenario == result.scenario and back.kpis == result.kpis
    pd.testing.assert_frame_equal(back.calls, result.calls)


# --- 16: a malformed journal on resume -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"), [('{"status": "ok"}', "run_id"), ("[1, 2]", "not a JSON object")]
)
def test_a_malformed_journal_is_refused_in_one_line(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "experiment.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            scenario = "{BASELINE}"
            replications = 2
            policies = ["aht", "quality"]
            kpis = ["profit_after_churn"]
            [base]
            "calendar.days" = 1
            "calendar.warmup_days" = 0
            "customers.population" = 2000
            """
        )
    )
    out = tmp_path / "out"
    assert ccsim("compare", path, "--out", out, "--workers", "1").returncode == 0
    bad = out / "runs" / "0000bad.json"
    bad.write_text(text)
    done = ccsim("compare", path, "--out", out, "--workers", "2")
    assert done.returncode == 2, done.stderr
    assert str(bad) in done.stderr and "line 1" in done.stderr and says in done.stderr
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr


# --- 20: sampled values of integer keys are rounded, optional ones too -----------------------


def test_sampled_values_of_an_optional_integer_key_are_rounded() -> None:
    sens = {"method": "sobol", "n": 4, "bounds": {"policy.team_size": [6, 14]}}
    found = load_experiment(experiment(sensitivity=sens), "sensitivity")
    values = [p["policy.team_size"] for p in found.points]
    assert all(isinstance(v, int) for v in values) and len(set(values)) > 1


# --- 15: pool workers end when their parent dies ---------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_pool_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    import time

    path = tmp_path / "experiment.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            scenario = "{BASELINE}"
            replications = 200
            policies = ["aht", "quality"]
            kpis = ["profit_after_churn"]
            [base]
            "calendar.days" = 2
            "calendar.warmup_days" = 0
            "customers.population" = 5000
            """
        )
    )
    parent = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "compare", str(path), "--workers", "2"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers: list[int] = []
        for _ in range(600):  # until both workers are up (at most a minute)
            workers = children(parent.pid)
            if len(workers) >= 2 and (tmp_path / "results").is_dir():
                break
            time.sleep(0.1)
        assert len(workers) >= 2
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    for _ in range(100):  # gone within ten seconds
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left


@pytest.mark.parametrize("where", ["under-a-file", "proc", "empty"])
def test_an_experiment_out_that_cannot_be_written_is_one_line(where: str, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    out = {"under-a-file": tmp_path / "afile" / "sub", "proc": "/proc/ccsim", "empty": ""}[where]
    path = tmp_path / "e.toml"
    path.write_text(EXPERIMENT_TOML, encoding="utf-8")
    done = ccsim("compare", path, "--out", out)
    assert done.returncode == 2 and "--out" in done.stderr, done.stderr
    assert "unexpected" not in done.stderr and "Traceback" not in done.stderr


def test_an_experiment_out_that_holds_a_run_says_so(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert ccsim("run", BASELINE, *SHORT_SET, "--out", out).returncode == 0
    path = tmp_path / "e.toml"
    path.write_text(EXPERIMENT_TOML, encoding="utf-8")
    done = ccsim("compare", path, "--out", out)
    assert done.returncode == 2 and "holds the output of `ccsim run`" in done.stderr


EXPERIMENT_TOML = f"""scenario = "{BASELINE}"
policies = ["aht", "quality"]
replications = 1
[base]
"calendar.days" = 1
"calendar.warmup_days" = 0
"customers.population" = 2000
"""
