"""Nothing silently wrong, nothing lost: the hardening issue's eighteen cases, each one or more
tests here (or in test_cli): folders, locks, dying workers, values that overflow or would be
ignored, signals at awkward moments, the Python API's bad values, and the size of a design."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.errors import UsageError
from sim.files import LOCK_NAME, FolderLock
from tests.helpers import ROOT, SCENARIOS, interruptible

BIN = Path(sys.executable).parent
BASELINE = SCENARIOS / "baseline.toml"
SHORT = [
    "--set",
    "calendar.days=1",
    "--set",
    "calendar.warmup_days=0",
    "--set",
    "customers.population=5000",
]


def ccsim(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "ccsim"), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd
    )


def experiment(folder: Path, policies: str = '"aht", "quality"', extra: str = "") -> Path:
    path = folder / "experiment.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            name = "hardening"
            scenario = "{BASELINE}"
            replications = 2
            seed = 1
            policies = [{policies}]
            kpis = ["profit_after_churn"]
            [base]
            "calendar.days" = 1
            "calendar.warmup_days" = 0
            "customers.population" = 5000
            {extra}
            """
        ),
        encoding="utf-8",
    )
    return path


def test_a_run_refuses_a_folder_that_holds_an_experiment(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert ccsim("compare", experiment(tmp_path), "--out", out, "--workers", "1").returncode == 0
    manifest = (out / "manifest.json").read_text()
    done = ccsim("run", BASELINE, *SHORT, "--out", out)
    assert done.returncode == 2 and "choose another --out" in done.stderr
    assert str(out) in done.stderr and "Traceback" not in done.stderr
    assert (out / "manifest.json").read_text() == manifest  # untouched
    again = ccsim("run", BASELINE, *SHORT, "--out", tmp_path / "run")
    assert again.returncode == 0
    assert ccsim("run", BASELINE, *SHORT, "--out", tmp_path / "run").returncode == 0  # its own


@pytest.mark.parametrize(
    "how",
    ["toml dotted key", "--set table", "python dict"],
)
def test_a_nested_table_merges_into_its_section(tmp_path: Path, how: str) -> None:
    scaled = sim.load_scenario(BASELINE, {"staffing.scale": 1.1})
    if how == "python dict":
        nested = sim.load_scenario(BASELINE, {"staffing": {"scale": 1.1}})
    elif how == "--set table":
        from sim.scenario.overrides import parse_assignment

        nested = sim.load_scenario(BASELINE, dict([parse_assignment("staffing={scale=1.1}")]))
    else:  # a variant written with TOML's own dotted keys, unquoted
        path = experiment(tmp_path, extra="[variants.more]\nstaffing.scale = 1.1\n")
        text = path.read_text().replace('policies = ["aht", "quality"]\n', "")
        path.write_text(text)
        loaded = sim.experiments.load_experiment(path)
        task = next(t for t in loaded.tasks if t.variant == "more")
        nested = sim.scenario.validate(task.scenario)
        scaled = sim.load_scenario(
            BASELINE,
            {
                "staffing.scale": 1.1,
                "calendar.days": 1,
                "calendar.warmup_days": 0,
                "customers.population": 5000,
            },
        )
    assert nested.staffing.schedule == scaled.staffing.schedule is not None  # kept
    assert nested.to_dict() == scaled.to_dict()


def test_a_second_writer_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = experiment(tmp_path)
    first = subprocess.Popen(
        [
            str(BIN / "ccsim"),
            "compare",
            str(path),
            "--out",
            str(out),
            "--workers",
            "1",
            "--set",
            "calendar.days=40",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (out / LOCK_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    second = ccsim("compare", path, "--out", out, "--workers", "1")
    assert second.returncode == 2
    assert f"pid {first.pid}" in second.stderr and "another ccsim" in second.stderr
    assert first.wait(timeout=300) == 0
    assert not (out / LOCK_NAME).exists()
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert json.loads((out / "manifest.json").read_text())["overrides"] == {"calendar.days": 40}


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    host = os.uname().nodename
    (tmp_path / LOCK_NAME).write_text(f'{{"pid": 999999999, "host": "{host}"}}')
    with FolderLock(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text().startswith(f'{{"pid": {os.getpid()}')
    with FolderLock(tmp_path), pytest.raises(UsageError, match="another ccsim"):
        FolderLock(tmp_path).__enter__()


HOOKS = """
import os, signal, sys
from sim.behavior.policy import Policy

class Exits(Policy):
    def daily_review(self, employee, aht, contacts_per_hour):
        sys.exit(0)

class Dies(Policy):
    def daily_review(self, employee, aht, contacts_per_hour):
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize(("policy", "workers"), [("Exits", "1"), ("Exits", "2"), ("Dies", "2")])
def test_a_hook_that_exits_or_kills_its_process_fails_only_its_runs(
    tmp_path: Path, policy: str, workers: str
) -> None:
    (tmp_path / "hooks.py").write_text(HOOKS, encoding="utf-8")
    path = experiment(tmp_path, policies=f'"aht", "hooks:{policy}"')
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    out = tmp_path / "out"
    done = ccsim("compare", path, "--out", out, "--workers", workers, env=env)
    assert done.returncode == 1, done.stderr
    assert "2 of 4 runs failed" in done.stderr and "Traceback" not in done.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4
    assert (runs.loc[runs["variant"] == "aht", "status"] == "ok").all()
    failed = runs[runs["variant"] != "aht"]
    assert (failed["status"] == "failed").all()
    reason = "SystemExit" if policy == "Exits" else "worker process died"
    assert failed["error"].str.contains(reason).all()
    rerun = ccsim("compare", path, "--out", out, "--workers", workers, env=env)
    assert rerun.returncode == 1 and "Traceback" not in rerun.stderr  # retried, failed again


@pytest.mark.parametrize("where", ["under a file", "empty"])
def test_an_out_that_cannot_be_written_is_refused_before_the_run(
    tmp_path: Path, where: str
) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "sub" if where == "under a file" else ""
    started = time.perf_counter()
    done = ccsim("run", BASELINE, "--out", out)  # the full baseline: refused before it runs
    assert done.returncode == 2 and "--out" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 20


def test_one_reasons_share_can_change_alone() -> None:
    edited = sim.load_scenario(BASELINE, {"demand.reasons.question.share": 0.45})
    assert len(edited.demand.reasons) == 4
    with pytest.raises(sim.errors.ScenarioError, match=r"shares add up to 1\.45"):
        sim.load_scenario(BASELINE, {"demand.reasons.question.share": 0.9})


@pytest.mark.parametrize(
    "key", ["service.mean_seconds=600", "service.cv=2", 'service.distribution="exponential"']
)
def test_a_talk_time_setting_the_model_ignores_is_refused(key: str) -> None:
    done = ccsim("run", BASELINE, "--set", key, *SHORT)
    assert done.returncode == 2
    assert key.split("=")[0] in done.stderr and "behavior.enabled" in done.stderr
    assert "conversation" in done.stderr  # says what governs talk time instead


@pytest.mark.parametrize("key", ["service.cv", "patience.cv", "after_call_work.cv"])
def test_a_cv_beyond_what_the_formula_computes_is_refused(key: str) -> None:
    done = ccsim("run", SCENARIOS / "erlang.toml", "--set", f"{key}=1e200")
    assert done.returncode == 2 and key in done.stderr and "20" in done.stderr


def test_seeds_beyond_64_bits_are_refused(tmp_path: Path) -> None:
    path = experiment(tmp_path)
    path.write_text(path.read_text().replace("seed = 1", "seed = 18446744073709551615"))
    done = ccsim("compare", path, "--out", tmp_path / "out")
    assert done.returncode == 2 and "seed" in done.stderr and not (tmp_path / "out").exists()
    assert ccsim("run", BASELINE, "--seed", str(2**64), *SHORT).returncode == 2


def test_kpi_names_are_known_without_a_run_and_match_a_run() -> None:
    from sim.experiments.experiment import kpi_names

    for name in ("baseline.toml", "erlang.toml"):
        scenario = sim.load_scenario(
            SCENARIOS / name,
            {"calendar.days": 1, "calendar.warmup_days": 0}
            if name == "baseline.toml"
            else {"calendar.days": 1},
        )
        assert kpi_names(scenario) == list(sim.run(scenario, seed=1).kpis)


FAILING = """
from sim.behavior.policy import Policy

class Bad(Policy):
    def guidance(self, employee):
        raise ValueError("this policy is broken")
"""


def test_a_policy_that_fails_gives_failed_runs_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mymod.py").write_text(FAILING, encoding="utf-8")
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    path = experiment(tmp_path, policies='"aht", "mymod:Bad"')
    done = ccsim("compare", path, "--workers", "1", "--out", tmp_path / "out", env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "2 of 4 runs failed" in done.stderr and "this policy is broken" in done.stderr


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: d / "deep.toml", "nested too deep"),
        (lambda d: Path("/dev/zero"), "not a regular file"),
        (lambda d: d / "bom.toml", None),
        (lambda d: d / "big.toml", "at most 1,000,000"),
    ],
)
def test_files_that_cannot_be_read_safely_are_refused(tmp_path: Path, make, says) -> None:
    (tmp_path / "deep.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n")
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + BASELINE.read_bytes())
    (tmp_path / "big.toml").write_text("# " + "x" * 1_100_000 + "\n")
    done = ccsim("run", make(tmp_path), *SHORT)
    if says is None:  # a UTF-8 byte-order mark is fine
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("policy.name=.x:Y", "not an import path; allowed: 'package.module:ClassName'"),
        ("calendar.open_from=08:00:30", "HH:MM"),
        ("a=" + "[" * 3000 + "]" * 3000, "nested too deep"),
    ],
)
def test_settings_that_used_to_crash_get_one_line(setting: str, says: str) -> None:
    done = ccsim("run", BASELINE, "--set", setting, *SHORT)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr


def test_a_manifest_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("[1, 2]")
    done = ccsim("compare", experiment(tmp_path), "--out", out)
    assert done.returncode == 2 and "manifest.json" in done.stderr


def test_a_policy_named_twice_is_refused(tmp_path: Path) -> None:
    done = ccsim("compare", experiment(tmp_path, policies='"aht", "aht", "quality"'))
    assert done.returncode == 2 and "aht named more than once" in done.stderr


def test_the_python_api_takes_numpy_numbers_and_refuses_fractional_seeds() -> None:
    import numpy as np

    scenario = sim.load_scenario(BASELINE, {"calendar.warmup_days": np.int64(0)})
    assert scenario.calendar.warmup_days == 0
    with pytest.raises(sim.errors.InputError, match="whole number"):
        sim.run(scenario, seed=1.7)


@pytest.mark.parametrize(
    "setting",
    ["arrivals.rate_per_hour=1e9", "sales.value_mean=1e308", "customers.monthly_value_mean=1e308"],
)
def test_values_that_would_overflow_are_refused(setting: str) -> None:
    done = ccsim("run", BASELINE, "--set", setting, *SHORT)
    key = setting.split("=")[0]
    assert done.returncode == 2 and key in done.stderr and "Traceback" not in done.stderr


def test_runaway_redials_end(tmp_path: Path) -> None:
    started = time.perf_counter()
    done = ccsim(
        "run",
        SCENARIOS / "erlang.toml",
        "--set",
        "redial.probability=1",
        "--set",
        "redial.mean_delay_seconds=0.001",
        "--set",
        "patience.mean_seconds=0.001",
        "--set",
        "staffing.employees=0",
        "--set",
        "calendar.days=1",
        "--set",
        "arrivals.rate_per_hour=10",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert time.perf_counter() - started < 60
    kpis = json.loads(done.stdout)
    assert kpis["handled"] == 0 and kpis["redials"] <= 50 * kpis["offered"]


def test_what_a_policy_module_prints_does_not_reach_json(tmp_path: Path) -> None:
    (tmp_path / "chatty.py").write_text(
        "print('hello from chatty')\nfrom sim.behavior.policy import Policy\n"
        "class Quiet(Policy):\n    pass\n",
        encoding="utf-8",
    )
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    done = ccsim("run", BASELINE, "--set", "policy.name=chatty:Quiet", *SHORT, "--json", env=env)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)  # only the KPIs
    assert "hello from chatty" in done.stderr


def test_a_design_of_too_many_runs_is_refused_at_once(tmp_path: Path) -> None:
    grid = (
        "[grid]\n"
        + '"staffing.scale" = ['
        + ", ".join(str(1 + k / 10_000) for k in range(1000))
        + "]\n"
        + '"sales.value_mean" = ['
        + ", ".join(str(k) for k in range(1000))
        + "]\n"
    )
    path = experiment(tmp_path, extra=grid)
    started = time.perf_counter()
    done = ccsim("sweep", path, "--out", tmp_path / "out")
    assert done.returncode == 2 and "at most 1,000,000" in done.stderr
    assert time.perf_counter() - started < 20 and not (tmp_path / "out").exists()
    many = ccsim("compare", experiment(tmp_path), "--replications", "200000")
    assert many.returncode == 2 and "100000" in many.stderr


def cpu_seconds(pid: int) -> float:
    """Processor time process `pid` has used (Linux /proc), past Python's own start-up."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("after", [0.1, 0.3, 0.8])
def test_ctrl_c_while_starting_is_one_line(after: float) -> None:
    process = subprocess.Popen(
        [str(BIN / "ccsim"), "run", str(BASELINE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
    )
    while cpu_seconds(process.pid) < after:  # not wall time: a busy machine starts slower
        time.sleep(0.01)  # then the libraries are still loading, or the run has just started
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "Traceback" not in err
    assert err.strip().splitlines()[-1] == "ccsim: interrupted"


def test_a_ctrl_c_the_shell_ignores_stays_ignored_while_starting() -> None:
    """A background job of a shell without job control (or nohup) starts with SIGINT ignored:
    ccsim must not start honouring it while its libraries load, then ignore it later."""
    process = subprocess.Popen(
        [str(BIN / "ccsim"), "run", str(BASELINE), "--set", "calendar.days=1", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    while cpu_seconds(process.pid) < 0.1 and process.poll() is None:
        time.sleep(0.01)  # the libraries are loading
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert json.loads(out)["offered"] > 0


LATE_SIGNAL = """
import os, signal, sys
import sim.experiments.execution as execution
import sim.experiments.store as store
from sim.cli import main

where, signum = sys.argv[1], getattr(signal, sys.argv[2])
if where == "last run":  # as the last run's result comes back, before the tables are written
    real_store = store.ResultStore.record
    def record(self, result):
        done = real_store(self, result)
        if len(self.load()) == 4:
            os.kill(os.getpid(), signum)
        return done
    store.ResultStore.record = record
else:  # while the summary is being computed, the runs all done
    real = execution.summarize_results
    def summarize_results(*args):
        os.kill(os.getpid(), signum)
        return real(*args)
    execution.summarize_results = summarize_results
sys.exit(main(["compare", *sys.argv[3:], "--workers", "1"]))
"""


@pytest.mark.parametrize("where", ["last run", "summary"])
@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM"])
def test_a_signal_just_after_the_last_run_leaves_tables_that_agree(
    tmp_path: Path, where: str, signum: str
) -> None:
    out = tmp_path / "out"
    script = tmp_path / "late_signal.py"
    script.write_text(LATE_SIGNAL, encoding="utf-8")
    args = [where, signum, experiment(tmp_path), "--out", out]
    done = subprocess.run(
        [sys.executable, script, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=interruptible,
    )
    assert done.returncode == 130 and "Traceback" not in done.stderr, done.stderr
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    status = json.loads((out / "manifest.json").read_text())["status"]
    if where == "summary":  # held until summary, tables and manifest are all written
        assert status == "complete" and (out / "summary.json").is_file()
    else:
        assert status in ("interrupted", "complete")
    resumed = ccsim("compare", experiment(tmp_path), "--out", out, "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_a_policy_module_is_imported_when_runs_are_set_up_not_when_validated(
    tmp_path: Path,
) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "marks.py").write_text(
        f"open({str(marker)!r}, 'a').write('x')\n"
        "from sim.behavior.policy import Policy\nclass Marked(Policy):\n    pass\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        scenario = sim.load_scenario(BASELINE, {"policy.name": "marks:Marked"})
        assert not marker.exists()  # validation runs no module's code
        sim.run(scenario.with_overrides({"calendar.days": 1, "customers.population": 2000}), 1)
        assert marker.read_text() == "x"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("marks", None)
    done = ccsim("compare", experiment(tmp_path, policies='"aht", "nosuchmodule:P"'))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "variant 'nosuchmodule:P'" in done.stderr and "cannot import policy class" in done.stderr


def test_the_first_line_says_how_many_runs_and_roughly_how_long(tmp_path: Path) -> None:
    path = experiment(tmp_path)
    done = ccsim("compare", path, "--replications", "3", "--out", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("ccsim: 6 runs (2 variants × 3 replications), 6 to run, about ")
    assert "(estimated) on " in first
    again = ccsim("compare", path, "--replications", "3", "--out", tmp_path / "out")
    assert "6 runs (2 variants × 3 replications), all done already" in again.stderr


def test_the_estimate_grows_with_the_work() -> None:
    from sim.experiments.design import RunTask
    from sim.experiments.estimate import duration_text, estimate_seconds

    short = sim.load_scenario(BASELINE, {"calendar.days": 5}).to_dict()
    long = sim.load_scenario(BASELINE, {"calendar.days": 50}).to_dict()
    tasks = [RunTask(f"r{k}", "v", k, k, 0, {}, short) for k in range(10)]
    longer = [RunTask(f"r{k}", "v", k, k, 0, {}, long) for k in range(10)]
    one = estimate_seconds(tasks, 1)
    assert estimate_seconds(tasks, 2) == pytest.approx(one / 2)
    assert estimate_seconds(tasks[:5], 1) == pytest.approx(one / 2)
    assert estimate_seconds(longer, 1) > 3 * one
    assert [duration_text(s) for s in (0.2, 75, 600, 9000, 6e5)] == [
        "about 1 s",
        "about 75 s",
        "about 10 min",
        "about 2.5 h",
        "about 7 days",
    ]


API_EXPERIMENT = {
    "scenario": str(BASELINE),
    "policies": ["aht"],
    "replications": 1,
    "base": {"calendar.days": 1, "calendar.warmup_days": 0, "customers.population": 2000},
}


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: sim.load_scenario(BASELINE, "staffing.employees=3"), "overrides 'staffing"),
        (lambda: sim.load_scenario(BASELINE, [("staffing.employees", 3)]), "a mapping of dotted"),
        (lambda: sim.load_scenario(3), "path 3: a file name"),
        (lambda: sim.run(str(BASELINE), seed=1), "a sim.Scenario is allowed"),
        (lambda: sim.run(None), "scenario None"),
        (lambda: sim.compare(API_EXPERIMENT, workers=2.5), "workers 2.5: a whole number"),
        (lambda: sim.compare(API_EXPERIMENT, workers=0), "workers 0"),
        (lambda: sim.compare(API_EXPERIMENT, workers="2"), "workers '2'"),
        (lambda: sim.compare(API_EXPERIMENT, out=3), "out 3: a folder name"),
        (lambda: sim.compare(API_EXPERIMENT, dask=5), "dask 5: a scheduler address"),
        (lambda: sim.compare(API_EXPERIMENT, replications=10**7), "from 1 to 100,000"),
        (lambda: sim.compare(API_EXPERIMENT, replications="2"), "replications = '2'"),
        (lambda: sim.compare(API_EXPERIMENT, overrides=[1]), "overrides [1]: a dict"),
        (lambda: sim.compare(None), "experiment None: a file name"),
        (lambda: sim.compare(API_EXPERIMENT, progress="no"), "progress 'no': True or False"),
    ],
)
def test_bad_python_api_values_raise_input_errors_that_name_them(call, says: str) -> None:
    with pytest.raises(sim.errors.InputError) as raised:
        call()
    assert says in str(raised.value)


def test_a_compare_of_more_than_a_million_runs_is_refused_as_a_sweep_is() -> None:
    many = {**API_EXPERIMENT, "variants": {f"v{k}": {} for k in range(20)}}
    with pytest.raises(sim.errors.ExperimentError, match="at most 1,000,000"):
        sim.compare(many, replications=100_000)


def test_a_run_that_cannot_fit_in_memory_is_refused_before_it_starts(tmp_path: Path) -> None:
    huge = ["--set", "calendar.days=3660", "--set", "arrivals.rate_per_hour=100000"]
    done = ccsim("run", SCENARIOS / "erlang.toml", *huge, "--out", tmp_path / "run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "GiB of memory (8,784,000,000 calls over 3,660 days" in done.stderr
    assert not (tmp_path / "run").exists()
    base = '"calendar.days" = 3000\n"arrivals.rate_per_hour" = 2000\n'
    path = experiment(tmp_path, extra=base).read_text().replace('"calendar.days" = 1\n', "")
    (tmp_path / "huge.toml").write_text(path, encoding="utf-8")
    compared = ccsim("compare", tmp_path / "huge.toml", "--out", tmp_path / "out")
    assert compared.returncode == 2 and "GiB of memory" in compared.stderr
    assert not (tmp_path / "out").exists()


def test_a_nan_duration_never_reaches_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    from sim.metrics.runner import build_model, gather

    model = build_model(sim.load_scenario(SCENARIOS / "erlang.toml", {"calendar.days": 1}), 1)
    model.run_model()
    arrays = type(model.log).arrays

    def poisoned(log):
        columns = arrays(log)
        columns["talk"] = columns["talk"].copy()
        columns["talk"][3] = float("nan")
        return columns

    monkeypatch.setattr(type(model.log), "arrays", poisoned)
    with pytest.raises(RuntimeError, match="NaN talk times"):
        gather(model, clock.perf_counter())
