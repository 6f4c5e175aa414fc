"""Running an uncertainty experiment in two resumable stages: the reference variant in every
world, then the other variants only in the worlds the acceptance rule keeps (the runs of
rejected worlds are saved); then the tables of worlds and differences, and the summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.design import RunTask
from sim.experiments.estimate import STARTUP_SECONDS, duration_text, estimate_seconds
from sim.experiments.execution import ManifestBook, prepare
from sim.experiments.executors import default_workers, make_executor
from sim.experiments.experiment import Experiment
from sim.experiments.interrupts import interrupts_held
from sim.experiments.progress import Reporter, SilentReporter
from sim.experiments.store import ResultStore, execute_pending, tables
from sim.experiments.uncertainty import (
    KEPT,
    accept_worlds,
    counts,
    summarize_worlds,
    world_differences,
)
from sim.experiments.worlds import WORLD, Worlds
from sim.files import FolderLock, write_json, write_parquet


@dataclass
class UncertaintyResult:
    """What an uncertainty experiment produced: the runs, one row per world (drawn values,
    kept / rejected / failed), the paired differences per kept world, and the summary."""

    runs: pd.DataFrame
    daily: pd.DataFrame
    worlds: pd.DataFrame
    differences: pd.DataFrame
    summary: dict[str, Any]
    out: Path | None
    failed: pd.DataFrame

    def to_json(self) -> dict[str, Any]:
        """The object `--json` prints and uncertainty.json holds."""
        return self.summary


class StageReporter:
    """Passes progress on, the stage said before the plan line."""

    def __init__(self, inner: Reporter, stage: str):
        self.inner, self.stage = inner, stage

    def start(self, total: int, done: int, description: str, plan: str = "") -> None:
        self.inner.start(total, done, description, f"{self.stage}: {plan}")

    def update(self, record: dict[str, Any]) -> None:
        self.inner.update(record)

    def finish(self) -> None:
        self.inner.finish()


def plan_line(experiment: Experiment, worlds: Worlds, workers: int) -> str:
    """'200 worlds × 3 variants × 2 replications: at most 1,200 runs, about 25 min
    (estimated) if every world is kept'."""
    variants, reps = len(experiment.variants), experiment.replications
    eta = duration_text(estimate_seconds(experiment.tasks, workers, STARTUP_SECONDS))
    return (
        f"{len(worlds.values):,} worlds × {variants} variants × {reps} replication"
        f"{'s' * (reps != 1)}: at most {len(experiment.tasks):,} runs, {eta} (estimated) if "
        "every world is kept"
    )


def design_info(worlds: Worlds) -> dict[str, Any]:
    """What the manifest records of the design: ranges (and the file's text), the rule."""
    return {
        "worlds": len(worlds.values),
        "method": worlds.spec.method,
        "seed": worlds.seed,
        "reference": worlds.reference,
        "outcomes": worlds.outcomes,
        "accept": {k: list(v) for k, v in worlds.accept.items()},
        "ranges_file": str(worlds.ranges_path),
        "ranges_text": worlds.ranges_text,
        "ranges": {k: r.model_dump() for k, r in worlds.ranges.items()},
    }


def run_uncertainty(
    experiment: Experiment,
    worlds: Worlds,
    out: str | Path | None = None,
    workers: int | None = None,
    dask: str | None = None,
    reporter: Reporter | None = None,
    stop_after: int | None = None,
) -> UncertaintyResult:
    """Run (or resume) both stages in `out` and write the worlds, differences and summary."""
    out = prepare(experiment, out, workers, dask)
    with FolderLock(out):
        return _run_stages(experiment, worlds, out, workers, dask, reporter, stop_after)


def _run_stages(
    experiment: Experiment,
    worlds: Worlds,
    out: Path,
    workers: int | None,
    dask: str | None,
    reporter: Reporter | None,
    stop_after: int | None,
) -> UncertaintyResult:
    store, reporter = ResultStore(out), reporter or SilentReporter()
    store.load()  # a malformed journal is refused before any worker starts
    executor = make_executor(max(1, min(workers or default_workers(), len(experiment.tasks))), dask)
    book = ManifestBook(out, experiment, executor.description, uncertainty=design_info(worlds))
    reference = worlds.reference
    first = [t for t in experiment.tasks if t.variant == reference]
    plan = plan_line(experiment, worlds, executor.workers)
    try:
        stage = StageReporter(reporter, f"{plan}; stage 1, {reference} in every world")
        records = execute_pending(
            store, first, executor, stage, keep_open=True, stop_after=stop_after
        )
        try:
            accepted = _accepted(first, records, worlds, experiment.replications)
            kept = set(accepted.loc[accepted["status"] == KEPT, "world"])
            second = [t for t in experiment.tasks if t.variant != reference and t.point in kept]
            shown = [t for t in experiment.tasks if t.variant == reference or t.point in kept]
        except BaseException:
            executor.close()
            raise
        others = ", ".join(v for v in experiment.variants if v != reference)
        stage = StageReporter(reporter, f"stage 2, {others} in the {len(kept):,} kept worlds")
        left = None if stop_after is None else max(1, stop_after - len(first))
        records = execute_pending(store, second, executor, stage, shown=shown, stop_after=left)
        with interrupts_held():  # tables, summary and manifest are written together
            result = _write_results(experiment, worlds, store, shown, records, accepted)
            book.finish(result.runs, len(result.failed), worlds=result.summary["worlds"])
    except BaseException as exc:
        book.stopped(exc)
        raise
    return result


def _accepted(
    tasks: list[RunTask], records: dict[str, dict[str, Any]], worlds: Worlds, reps: int
) -> pd.DataFrame:
    """The acceptance rule applied to the reference's runs (stage 1)."""
    runs = tables(tasks, records)[0]
    return accept_worlds(runs, len(worlds.values), worlds.reference, worlds.accept, reps)


def worlds_table(worlds: Worlds, accepted: pd.DataFrame) -> pd.DataFrame:
    """One row per world: its number, each drawn value, and what the acceptance rule found."""
    values = pd.DataFrame(worlds.values, columns=worlds.keys)
    values.insert(0, WORLD, range(len(worlds.values)))
    return values.merge(accepted, on=WORLD, how="left")


def _write_results(
    experiment: Experiment,
    worlds: Worlds,
    store: ResultStore,
    shown: list[RunTask],
    records: dict[str, dict[str, Any]],
    accepted: pd.DataFrame,
) -> UncertaintyResult:
    """The tables of both stages' runs, the worlds, the differences and the summary; written."""
    runs, daily, _ = tables(shown, records)
    table = worlds_table(worlds, accepted)
    kept = [int(w) for w in accepted.loc[accepted["status"] == KEPT, WORLD]]
    variants = list(experiment.variants)
    differences = world_differences(runs, kept, variants, worlds.outcomes)
    pairs = summarize_worlds(
        table, differences, worlds.params_for, variants, worlds.outcomes, experiment.replications
    )
    summary = {
        "worlds": counts(accepted),
        "reference": worlds.reference,
        "method": worlds.spec.method,
        "replications": experiment.replications,
        "days": experiment.base.calendar.days,
        "accept": {k: list(v) for k, v in worlds.accept.items()},
        "outcomes": worlds.outcomes,
        "pairs": pairs,
    }
    write_parquet(store.out / "worlds.parquet", table)
    write_parquet(store.out / "differences.parquet", differences)
    write_json(store.out / "uncertainty.json", summary)
    failed = runs[runs["status"] != "ok"]
    return UncertaintyResult(runs, daily, table, differences, summary, store.out, failed)
