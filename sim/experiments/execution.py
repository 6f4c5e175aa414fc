"""Running an experiment: executing (or resuming) its runs in a results folder, then writing
and summarising the results (the notebook API on top of it: `api.py`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.behavior.policy import policy_setup
from sim.errors import ExperimentError, ScenarioError, UsageError
from sim.experiments.design import resolve
from sim.experiments.estimate import sampled_scenarios
from sim.experiments.executors import default_workers, make_executor
from sim.experiments.experiment import Experiment
from sim.experiments.interrupts import interrupts_held
from sim.experiments.policy_map import winners
from sim.experiments.progress import Reporter, SilentReporter
from sim.experiments.sensitivity_indices import sensitivity_table
from sim.experiments.statistics import paired_differences, records, summarize
from sim.experiments.store import ResultStore, execute_pending, tables
from sim.files import LOCK_NAME, FolderLock, check_writable, write_atomic, write_json
from sim.metrics.run_size import check_fits
from sim.scenario.policy import PolicySettings
from sim.version import __version__


@dataclass
class ExperimentResult:
    """What an experiment produced: per-run and per-day tables, summaries, where they are."""

    runs: pd.DataFrame
    daily: pd.DataFrame
    profile: pd.DataFrame  # each run's average day, per interval
    summary: pd.DataFrame
    differences: pd.DataFrame
    sensitivity: pd.DataFrame | None
    out: Path | None
    failed: pd.DataFrame
    winners: pd.DataFrame | None = None

    def to_json(self) -> dict[str, Any]:
        """The object `--json` prints and summary.json holds: summary and difference records
        (and, for a sweep of several variants, the winner per design point)."""
        data = {"summary": records(self.summary), "differences": records(self.differences)}
        if self.winners is not None:
            data["winners"] = records(self.winners)
        return data


def _git_commit() -> str | None:
    """The commit of the source tree this package runs from, when it is a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def check_out_dir(out: Path, experiment: Experiment) -> None:
    """Refuse an --out that is a file, or a folder of something other than this experiment."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    if not out.is_dir() or not any(p.name != LOCK_NAME for p in out.iterdir()):
        check_writable(out)
        return
    manifest = out / "manifest.json"
    if not manifest.is_file():
        raise UsageError(f"--out {out}: holds other files and no experiment manifest.json")
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"--out {out}: manifest.json is unreadable") from None
    if not isinstance(previous, dict):
        raise UsageError(f"--out {out}: manifest.json is not an experiment's manifest")
    if "command" not in previous:
        raise UsageError(
            f"--out {out}: holds the output of `ccsim run`, not an experiment's; choose another "
            "--out"
        )
    if (previous.get("command"), previous.get("name")) != (experiment.kind, experiment.name):
        raise UsageError(
            f"--out {out}: holds results of `{previous.get('command')}` of experiment "
            f"{previous.get('name')!r}, not `{experiment.kind}` of {experiment.name!r}; "
            "choose another --out"
        )


def check_options(out: Any, workers: Any, dask: Any) -> None:
    """Refuse options of a type or range the executors would misread (workers=2.5, out=3)."""
    if out is not None and not isinstance(out, str | os.PathLike):
        raise UsageError(f"out {out!r:.60}: a folder name (str or Path) or None is allowed")
    if out is not None and str(out) == "":
        raise UsageError("--out '': name a folder for the results")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 1024
    ):
        raise UsageError(f"workers {workers!r:.60}: a whole number from 1 to 1024 or None")
    if dask is not None and not isinstance(dask, str):
        raise UsageError(f"dask {dask!r:.60}: a scheduler address (str) or None is allowed")


def check_policies(experiment: Experiment) -> None:
    """Import every policy class the runs name by import path, once, as the runs are set up:
    one that cannot be imported is bad input (exit 2, nothing written), not failed runs."""
    named = {t.scenario["policy"]["name"]: t.variant for t in experiment.tasks}
    for name, variant in named.items():
        if ":" in name:
            try:
                policy_setup(PolicySettings(name=name))
            except ScenarioError as exc:
                problems = [f"variant {variant!r}: {p}" for p in exc.problems]
                where = str(experiment.path) if experiment.path else None
                raise ExperimentError(problems, where) from None


MAX_FOLDER_NAME = 60
"""The longest folder name an experiment's name gives (the time stamp comes on top)."""


def folder_name(name: str) -> str:
    """`name` as a safe folder name: letters, digits, '-', '_' and '.' only (anything else
    becomes '-'), no leading dot, at most MAX_FOLDER_NAME characters; 'experiment' if nothing
    is left. An experiment's name never chooses a folder outside results/ ('../x', '/x')."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).lstrip(".-")[:MAX_FOLDER_NAME].rstrip(".-")
    return slug or "experiment"


def default_out(experiment: Experiment) -> Path:
    """A new folder under results/: the experiment's name (as `folder_name`) and start time."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("results") / f"{folder_name(experiment.name)}-{stamp}"


def manifest(experiment: Experiment, executor: str, started: str, **extra: Any) -> dict[str, Any]:
    """What produced the results: experiment file, resolved scenarios, version, commit, times."""
    return {
        "package": "ccsim",
        "version": __version__,
        "git_commit": _git_commit(),
        "command": experiment.kind,
        "name": experiment.name,
        "experiment_file": str(experiment.path) if experiment.path else None,
        "experiment_text": experiment.text,
        "experiment": experiment.spec.model_dump(mode="json"),
        "overrides": experiment.overrides,
        "replications": experiment.replications,
        "seeds": [experiment.spec.seed + k for k in range(experiment.replications)],
        "executor": executor,
        "started_at": started,
        "base_scenario": experiment.base.to_dict(),
        "variants": {
            name: {
                "overrides": changes,
                "scenario": resolve(experiment.base.model_dump(), changes).to_dict(),
            }
            for name, changes in experiment.variants.items()
        },
        "design_points": experiment.points if experiment.params else [],
        **extra,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def prepare(
    experiment: Experiment, out: str | Path | None, workers: int | None, dask: str | None
) -> Path:
    """Everything checked before the results folder is touched: the options, the policies'
    imports, that each run fits in memory here, and that `out` may hold these results."""
    check_options(out, workers, dask)
    out = Path(out) if out is not None else default_out(experiment)
    check_policies(experiment)
    if dask is None:  # a cluster's workers may have more memory than this machine
        for scenario in sampled_scenarios(experiment.tasks):
            check_fits(scenario)
    check_out_dir(out, experiment)
    return out


class ManifestBook:
    """manifest.json while an experiment runs: "running" from the start, then "complete" or
    "failed runs" with the run counts, or "interrupted" / "error" when it stopped early."""

    def __init__(self, out: Path, experiment: Experiment, executor: str, **extra: Any):
        self.path, self.experiment, self.executor = out / "manifest.json", experiment, executor
        self.started, self.extra, self.done = _now(), extra, False
        first = self.started
        if self.path.is_file():
            first = json.loads(self.path.read_text(encoding="utf-8")).get("first_started_at")
        self.info: dict[str, Any] = dict(first_started_at=first, finished_at=None)
        self.write(status="running")

    def write(self, **info: Any) -> None:
        """Rewrite the manifest with `info` added."""
        self.info.update(info)
        data = manifest(self.experiment, self.executor, self.started, **self.extra, **self.info)
        write_json(self.path, data)

    def finish(self, runs: pd.DataFrame, failed: int, **extra: Any) -> None:
        """The runs are done and their results written: the status and the counts."""
        ok = int((runs["status"] == "ok").sum()) if len(runs) else 0
        status = "failed runs" if failed else "complete"
        counts = dict(runs=len(runs), runs_ok=ok, runs_failed=failed)
        self.write(finished_at=_now(), status=status, **counts, **extra)
        self.done = True

    def stopped(self, exc: BaseException) -> None:
        """The runs stopped early (resuming finishes them): the manifest says so."""
        if not self.done:
            with interrupts_held():
                status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "error"
                self.write(finished_at=_now(), status=status)


def run_experiment(
    experiment: Experiment,
    out: str | Path | None = None,
    workers: int | None = None,
    dask: str | None = None,
    reporter: Reporter | None = None,
    stop_after: int | None = None,
) -> ExperimentResult:
    """Execute (or resume) every run of the experiment in `out` and summarise the results."""
    out = prepare(experiment, out, workers, dask)
    with FolderLock(out):  # one writer at a time; a second command is refused, not mixed in
        return _run_locked(experiment, out, workers, dask, reporter, stop_after)


def _run_locked(
    experiment: Experiment,
    out: Path,
    workers: int | None,
    dask: str | None,
    reporter: Reporter | None,
    stop_after: int | None,
) -> ExperimentResult:
    unique = len({t.run_id for t in experiment.tasks})
    store = ResultStore(out)
    store.load()  # a malformed journal is refused before any worker starts
    executor = make_executor(max(1, min(workers or default_workers(), unique)), dask)
    book = ManifestBook(out, experiment, executor.description)
    try:
        records_ = execute_pending(
            store, experiment.tasks, executor, reporter or SilentReporter(), stop_after=stop_after
        )
        with interrupts_held():  # tables, summary and manifest are written together
            result = summarize_results(experiment, store, records_)
            book.finish(result.runs, len(result.failed))
    except BaseException as exc:
        book.stopped(exc)
        raise
    return result


def summarize_results(
    experiment: Experiment, store: ResultStore, records_: dict[str, dict[str, Any]]
) -> ExperimentResult:
    """Summary, paired differences (and sensitivity indices) from the recorded runs; written."""
    runs, daily, profile = tables(experiment.tasks, records_)
    variants, params = list(experiment.variants), experiment.params
    summary = summarize(runs, experiment.kpis, variants, params)
    differences = paired_differences(runs, experiment.kpis, variants, params)
    failed = runs[runs["status"] != "ok"]
    result = ExperimentResult(runs, daily, profile, summary, differences, None, store.out, failed)
    if experiment.kind == "sweep" and len(variants) > 1:
        result.winners = winners(summary, differences, params)
        write_atomic(store.out / "winners.csv", lambda tmp: result.winners.to_csv(tmp, index=False))
    write_json(store.out / "summary.json", result.to_json())
    write_atomic(store.out / "summary.csv", lambda tmp: summary.to_csv(tmp, index=False))
    if experiment.kind == "sensitivity":
        result.sensitivity = sensitivity_table(experiment, runs)
        write_json(store.out / "sensitivity.json", records(result.sensitivity))
        write_atomic(
            store.out / "sensitivity.csv", lambda tmp: result.sensitivity.to_csv(tmp, index=False)
        )
    return result
