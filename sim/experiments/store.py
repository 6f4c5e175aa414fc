"""Results on disk that survive interruptions: a journal of one JSON file per finished run,
written atomically, consolidated into runs.parquet and daily.parquet in design order.

A run counts as done only when its journal file exists, so a resumed experiment skips exactly
the runs that finished, never duplicates one, and rebuilds the same tables.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ExperimentError
from sim.experiments.design import RunTask
from sim.experiments.estimate import plan
from sim.experiments.executors import Executor, execute
from sim.experiments.interrupts import interrupts_held
from sim.experiments.progress import Reporter
from sim.files import json_ready, write_atomic, write_parquet

RUN_COLUMNS = ["run_id", "variant", "replication", "seed", "status", "error", "wall_seconds"]


RECORD_FIELDS = {"run_id": str, "status": str, "kpis": dict}
"""The fields every journal record has, and their JSON types (`execute` writes them)."""


def _text(record: dict[str, Any]) -> str:
    """A record as the journal writes it (before its digest)."""
    return json.dumps(record, allow_nan=False, separators=(",", ":"))


def digest(record: dict[str, Any]) -> str:
    """SHA-256 of the record's text without its `digest`: an edit after the run changes it."""
    body = {k: v for k, v in record.items() if k != "digest"}
    return hashlib.sha256(_text(body).encode("utf-8")).hexdigest()


def journal_problem(record: Any, digest_required: bool = True) -> str | None:
    """What is wrong with a journal record read back (None: nothing): a record whose digest
    does not match was edited after its run; one without a digest was edited (its digest
    removed) or written by a ccsim before digests, and is refused when `digest_required`
    (a resume never builds on it; the report reads it with a note)."""
    if not isinstance(record, dict):
        return f"not a JSON object but {type(record).__name__} (a run's record is an object)"
    for name, kind in RECORD_FIELDS.items():
        if name not in record:
            return f"the record has no {name!r}"
        if not isinstance(record[name], kind):
            return f"{name!r} is {record[name]!r:.40}, not a JSON {kind.__name__}"
    if "digest" not in record:
        if digest_required:
            return (
                "the record has no digest: it was edited after its run, or written by a ccsim "
                "before records carried one"
            )
        return None
    if record["digest"] != digest(record):
        return "its digest does not match its content: the record was edited after its run"
    return None


def journal_files(journal: Path) -> list[Path]:
    """The journal's records in name order (temporary files, written as dot files and renamed
    into place, are never read)."""
    return [p for p in sorted(journal.glob("*.json")) if not p.name.startswith(".")]


class ResultStore:
    """The experiment folder: journal in `runs/`, consolidated tables next to it."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.journal = self.out / "runs"

    def load(self) -> dict[str, dict[str, Any]]:
        """Every run recorded in the journal, by run id (temporary files are never read)."""
        records: dict[str, dict[str, Any]] = {}
        if not self.journal.is_dir():
            return records
        for path in journal_files(self.journal):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # unreadable: treated as not run, so it runs again
            problem = journal_problem(record)
            if problem:  # written by hand or by something else: refused, never guessed at
                raise ExperimentError(
                    f"journal file {path}, line 1: {problem}; remove the file (its run runs "
                    "again) or choose another --out"
                )
            records[record["run_id"]] = record
        return records

    def record(self, result: dict[str, Any]) -> dict[str, Any]:
        """Write one finished run to the journal atomically; returns it as it will be read back."""
        record = json.loads(_text(json_ready(result)))  # as it reads back
        text = _text(record | {"digest": digest(record)})
        path = self.journal / f"{result['run_id']}.json"
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return json.loads(text)

    def consolidate(
        self, tasks: list[RunTask], records: dict[str, dict[str, Any]]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Write runs.parquet and daily.parquet for the runs of `tasks` that are recorded."""
        runs, daily, profile = tables(tasks, records)
        write_parquet(self.out / "runs.parquet", runs)
        write_parquet(self.out / "daily.parquet", daily)
        write_parquet(self.out / "day_profile.parquet", profile)
        return runs, daily, profile


def _numeric(frame: pd.DataFrame, keep: Iterable[str]) -> pd.DataFrame:
    """Columns of numbers (JSON null meaning NaN) as float; text columns and `keep` untouched."""
    keep = set(keep)
    for column in frame.columns:
        if column in keep or frame[column].dtype != object:
            continue
        values = frame[column].dropna()
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            frame[column] = frame[column].astype(float)
    return frame


def tables(
    tasks: list[RunTask], records: dict[str, dict[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One row per recorded run, one per run and day, and one per run and interval of its
    average day (`sim.metrics.average_day`), in the order of `tasks`.

    Design points that coincide (e.g. after rounding) are one run and give one row.
    """
    rows, days, profile = [], [], []
    param_keys: list[str] = list(dict.fromkeys(k for t in tasks for k in t.params))
    seen: set[str] = set()
    for task in tasks:
        record = records.get(task.run_id)
        if record is None or task.run_id in seen:
            continue
        seen.add(task.run_id)
        head = {
            "run_id": task.run_id,
            "variant": task.variant,
            "replication": task.replication,
            "seed": task.seed,
        }
        params = {k: task.params.get(k) for k in param_keys}
        rows.append(
            {
                **head,
                "status": record["status"],
                "error": record.get("error") or "",
                "wall_seconds": record.get("wall_seconds", math.nan),
                **params,
                **{k: (math.nan if v is None else v) for k, v in record["kpis"].items()},
            }
        )
        days.extend({**head, **params, **day} for day in record.get("daily", []))
        profile.extend({**head, **params, **row} for row in record.get("profile", []))
    runs = pd.DataFrame(rows, columns=None if rows else RUN_COLUMNS + param_keys)
    keep = RUN_COLUMNS + param_keys
    return (
        _numeric(runs, keep),
        _numeric(pd.DataFrame(days), keep),
        _numeric(pd.DataFrame(profile), [*keep, "start"]),
    )


def execute_pending(
    store: ResultStore,
    tasks: list[RunTask],
    executor: Executor,
    reporter: Reporter,
    checkpoint_seconds: float = 30.0,
    stop_after: int | None = None,
    keep_open: bool = False,
    shown: list[RunTask] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run every task not already ok in the journal, journalling each run as it finishes.

    Failed runs in the journal are run again. The tables are rewritten every
    `checkpoint_seconds` and at the end, also when interrupted (KeyboardInterrupt is re-raised
    after saving). The final tables are read back from the journal, the one truth on disk: an
    interrupt that lands between a run's journal write and its bookkeeping here still leaves
    runs.parquet agreeing with what a resume will count as done. `stop_after` stops after that
    many runs (to test resuming). A stage of a larger design passes `keep_open` (the executor
    runs the next stage too, unless interrupted) and `shown`, the tasks the tables hold (all
    stages so far; default `tasks`).
    """
    shown = tasks if shown is None else shown
    records = store.load()
    wanted = {t.run_id for t in tasks}
    done = {i for i, r in records.items() if i in wanted and r["status"] == "ok"}
    pending = list({t.run_id: t for t in tasks if t.run_id not in done}.values())
    reporter.start(
        len(wanted), len(done), executor.description, plan(tasks, pending, executor.workers)
    )
    last = time.monotonic()
    finished = 0
    stopped = True
    try:
        for result in executor.imap_unordered(execute, pending):
            record = store.record(result)
            records[record["run_id"]] = record
            reporter.update(record)
            finished += 1
            if time.monotonic() - last > checkpoint_seconds:
                store.consolidate(shown, records)
                last = time.monotonic()
            if stop_after is not None and finished >= stop_after:
                raise KeyboardInterrupt
        stopped = False
    finally:
        try:
            if stopped or not keep_open:
                executor.close()
        finally:
            with interrupts_held():  # the tables agree with the journal, even after a Ctrl-C
                reporter.finish()
                records = store.load()
                store.consolidate(shown, records)
    return records
