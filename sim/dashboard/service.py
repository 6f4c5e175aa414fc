"""Runs behind the dashboard: a what-if against the baseline as paired replications (common
random numbers), in warm worker processes that stay up between questions.

A question is a two-variant `compare` experiment, so its runs, seeds and tables are exactly
those `ccsim compare` would produce, run for run. Runs already done for the same resolved
scenario and seed (the baseline, above all) are taken from a cache rather than run again, a
run in flight is shared by every question that needs it, and a new question cancels what is
left of the one before from the same tab (session); another tab's questions run side by side.
While levers move, `prepare` starts the runs of the question on screen before Run is pressed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.design import RunTask
from sim.experiments.estimate import estimate_seconds
from sim.experiments.executors import execute
from sim.experiments.experiment import Experiment, load_experiment
from sim.experiments.statistics import paired_differences, summarize
from sim.experiments.store import tables
from sim.report.report import REPORT_KPIS, report_kpis

BASELINE, WHATIF = "baseline", "what-if"
EXTRA_KPIS = ["abandonment_rate", "mean_stress"]
KPIS = [*REPORT_KPIS, *EXTRA_KPIS]
"""The KPIs on the dashboard's cards, in order."""


def card_kpis(runs: pd.DataFrame) -> list[str]:
    """The cards for `runs`, in order: the report's key figures (word of mouth's only in an
    open base) and the dashboard's extra ones."""
    return [*report_kpis(runs), *(k for k in EXTRA_KPIS if k in runs)]


PREWARM = ""
"""The session of the start-up baseline: any tab's first question replaces it."""


class Cancelled(Exception):
    """A newer question from the same tab replaced this one."""


@dataclass
class Answer:
    """The what-if against the baseline: per-run tables and their summaries."""

    experiment: Experiment
    records: dict[str, dict[str, Any]]
    runs: pd.DataFrame
    daily: pd.DataFrame
    profile: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame  # baseline - what-if, per KPI
    seconds: float
    cached: int  # runs taken from the cache


def _warm() -> None:
    """Import everything a run needs once, when the worker starts."""
    import sim.metrics  # noqa: F401


def cache_key(task: RunTask) -> str:
    """What determines a run's result: its resolved scenario and seed (not the variant name)."""
    text = json.dumps([task.scenario, task.seed], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class RunService:
    """Warm worker processes and a cache of finished runs; one question at a time per tab."""

    def __init__(self, scenario: Path, workers: int = 2):
        self.scenario = Path(scenario)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["sim.metrics", "sim.experiments.executors"])
        self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm)
        self.workers = workers
        self.cache: dict[str, dict[str, Any]] = {}
        self._inflight: dict[str, Future] = {}  # runs submitted and not finished, by cache key
        self._holders: dict[str, int] = {}  # questions (and preparations) waiting on each
        self._prepared: dict[str, list[str]] = {}  # per session: the keys `prepare` holds
        self._generations: dict[str, int] = {}  # per session: its newest question
        self._closed = False
        self._lock = threading.RLock()  # a cancel runs `_finished` at once, in this thread
        for future in [self.pool.submit(_warm) for _ in range(workers)]:
            future.result()  # the workers are up and have imported the model

    def prewarm(self, baseline: dict[str, Any], replications: int) -> threading.Thread:
        """Run the baseline's replications in the background (into the cache), so the first
        question only waits for its what-if."""

        def run() -> None:
            with contextlib.suppress(Cancelled):  # a question came first and runs it itself
                self.ask(baseline, baseline, replications, session=PREWARM)

        thread = threading.Thread(target=run, name="ccsim-prewarm", daemon=True)
        thread.start()
        return thread

    def experiment(
        self, baseline: dict[str, Any], whatif: dict[str, Any], replications: int, seed: int = 1
    ) -> Experiment:
        """The two-variant comparison as `ccsim compare` would run it."""
        return load_experiment(
            {
                "name": "dashboard",
                "scenario": str(self.scenario.resolve()),
                "replications": replications,
                "seed": seed,
                "variants": {BASELINE: baseline, WHATIF: whatif},
            }
        )

    def estimate(
        self, baseline: dict[str, Any], whatif: dict[str, Any], replications: int
    ) -> tuple[int, float]:
        """The runs a question still needs (the cache has the others) and their estimated
        wall time on the warm workers (`sim.experiments.estimate`), before it runs."""
        tasks = self.experiment(baseline, whatif, replications).tasks
        distinct = {cache_key(t): t for t in tasks if cache_key(t) not in self.cache}
        pending = list(distinct.values())
        return len(pending), estimate_seconds(pending, self.workers)

    def ask(
        self,
        baseline: dict[str, Any],
        whatif: dict[str, Any],
        replications: int,
        progress: Callable[[int, int], None] | None = None,
        session: str = "default",
    ) -> Answer:
        """Run (or take from the cache) every run of the comparison; raises `Cancelled` when a
        newer question from the same `session` (a browser tab) arrives first."""
        import time

        started = time.perf_counter()
        with self._lock:
            generation = self._generations.get(session, 0) + 1
            self._generations[session] = generation
            if session != PREWARM:  # a question runs the baseline itself, first
                self._generations[PREWARM] = self._generations.get(PREWARM, 0) + 1

        def replaced() -> bool:
            return self._closed or self._generations.get(session) != generation

        experiment = self.experiment(baseline, whatif, replications)
        records: dict[str, dict[str, Any]] = {}
        pending: dict[Future, list[RunTask]] = {}
        cached = 0
        with self._lock:
            claimed = self._claim(experiment.tasks)
        try:
            for task in experiment.tasks:
                got = claimed[cache_key(task)]
                if isinstance(got, Future):
                    pending.setdefault(got, []).append(task)
                else:
                    records[task.run_id] = got | {"run_id": task.run_id}
                    cached += 1
            total = len(experiment.tasks)
            if progress:
                progress(len(records), total)
            while pending:
                if replaced():
                    raise Cancelled
                done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                if replaced():  # replaced, or the service closed meanwhile
                    continue
                for future in done:
                    tasks = pending.pop(future)
                    record = future.result()
                    for task in tasks:
                        records[task.run_id] = record | {"run_id": task.run_id}
                    if progress:
                        progress(len(records), total)
        finally:  # runs no other question waits for are cancelled if they have not started
            with self._lock:
                self._release([k for k, v in claimed.items() if isinstance(v, Future)])
        runs, daily, profile = tables(experiment.tasks, records)
        variants = [BASELINE, WHATIF]
        kpis = card_kpis(runs)
        return Answer(
            experiment,
            records,
            runs,
            daily,
            profile,
            summarize(runs, kpis, variants),
            paired_differences(runs, kpis, variants),
            time.perf_counter() - started,
            cached,
        )

    def prepare(
        self,
        baseline: dict[str, Any],
        whatif: dict[str, Any],
        replications: int,
        session: str = "default",
    ) -> None:
        """Start the runs a question will need, without waiting (the levers moved; Run is
        likely next). The tab's previous preparation is let go: its runs that have not started
        are cancelled unless a question waits for them."""
        tasks = self.experiment(baseline, whatif, replications).tasks
        with self._lock:
            if self._closed:
                return
            self._release(self._prepared.pop(session, []))
            claimed = self._claim(tasks)
            self._prepared[session] = [k for k, v in claimed.items() if isinstance(v, Future)]

    def _claim(self, tasks: list[RunTask]) -> dict[str, Future | dict[str, Any]]:
        """Per cache key of `tasks`: the cached record, or the run in flight (submitted now
        if nobody has); each run in flight is held once more. Called under the lock."""
        claimed: dict[str, Future | dict[str, Any]] = {}
        for task in tasks:
            key = cache_key(task)
            if key in claimed:
                continue
            hit = self.cache.get(key)
            if hit is not None:
                claimed[key] = hit
                continue
            future = self._inflight.get(key)
            if future is None or future.cancelled():
                future = self.pool.submit(execute, task)
                self._inflight[key] = future
                future.add_done_callback(lambda f, key=key: self._finished(key, f))
            self._holders[key] = self._holders.get(key, 0) + 1
            claimed[key] = future
        return claimed

    def _release(self, keys: list[str]) -> None:
        """Let go of runs in flight; one nobody holds any more is cancelled if it has not
        started (a started run finishes into the cache). Called under the lock."""
        for key in keys:
            left = self._holders.get(key, 0) - 1
            if left > 0:
                self._holders[key] = left
                continue
            self._holders.pop(key, None)
            future = self._inflight.get(key)
            if future is not None:
                future.cancel()  # `_finished` forgets it, if it had not started

    def _finished(self, key: str, future: Future) -> None:
        """A run ended: an ok record goes into the cache, for every question that needs it."""
        with self._lock:
            if self._inflight.get(key) is future:
                del self._inflight[key]
            if future.cancelled() or future.exception() is not None:
                return
            record = future.result()
            if record["status"] == "ok":
                self.cache[key] = record

    def close(self) -> None:
        """Stop the worker processes: queued runs are dropped, a run in flight is ended."""
        with self._lock:
            self._closed = True  # a question still waiting sees it was cancelled
        processes = list(getattr(self.pool, "_processes", {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a run in flight is not worth waiting for
            process.terminate()
        for process in processes:
            process.join(timeout=5)
