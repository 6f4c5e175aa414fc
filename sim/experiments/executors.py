"""Where runs execute: in this process, in a local process pool, or on a Dask cluster.

Every executor calls the same top-level function, `execute`, on the same task, so seeds and
results are identical whichever executor runs them; only `wall_seconds` differs.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from sim.errors import UsageError
from sim.experiments.design import RunTask
from sim.metrics import average_day, run
from sim.scenario import validate
from sim.version import __version__

DASK_TIMEOUT_SECONDS = 5


def execute(task: RunTask) -> dict[str, Any]:
    """Run one task and return its journal record; an exception becomes status 'failed'."""
    started = time.perf_counter()
    record: dict[str, Any] = {"run_id": task.run_id, "seed": task.seed}
    try:
        result = run(validate(task.scenario), seed=task.seed)
    except (Exception, SystemExit) as exc:  # recorded, so the other runs continue (a hook
        # that calls sys.exit must not end the worker, or the experiment, quietly)
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" (at {last[0].filename}:{last[0].lineno})" if last else ""
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}", kpis={})
        record.update(daily=[], profile=[], wall_seconds=time.perf_counter() - started)
        return record
    record.update(status="ok", error="", kpis={k: float(v) for k, v in result.kpis.items()})
    record["daily"] = result.daily.to_dict(orient="records")
    record["profile"] = average_day(result.intervals).to_dict(orient="records")
    record["wall_seconds"] = time.perf_counter() - started
    return record


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Executor(Protocol):
    """Runs `fn` over tasks, yielding results as they finish; `close` stops everything."""

    workers: int
    description: str

    def imap_unordered(
        self, fn: Callable[[RunTask], dict[str, Any]], tasks: Iterable[RunTask]
    ) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """One run after another in this process: no start-up cost, easy to debug."""

    workers = 1
    description = "in-process (1 worker)"

    def imap_unordered(
        self, fn: Callable[[RunTask], dict[str, Any]], tasks: Iterable[RunTask]
    ) -> Iterator[dict[str, Any]]:
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        pass


PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal a process gets when its parent ends."""


def _end_with_parent() -> None:
    """End this worker when its parent process dies (kill -9 included), so no orphan lives on
    holding the terminal's stdout and stderr (`ccsim compare ... | tee log` would never end).

    On Linux the kernel sends SIGTERM (prctl PR_SET_PDEATHSIG); everywhere a daemon thread
    also checks once a second that the parent is still the one that started this worker."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the thread below still ends the worker
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="ccsim-parent-watch", daemon=True).start()


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and keeps what finished; SIGTERM
    (how the parent stops them) ends them quietly, whatever handler they inherited; and they
    end when the parent dies (`_end_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()


def _start_method() -> str | None:
    """How pool workers start: $CCSIM_START_METHOD if set; else 'fork' while this process runs
    a single Python thread (workers start in milliseconds; the idle thread pools of native
    libraries such as BLAS do not matter to them); else 'forkserver' (safe next to Python
    threads: a notebook kernel, Dask; about 2 s to start), else the platform's default."""
    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get("CCSIM_START_METHOD")
    if chosen in methods:
        return chosen
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else None


def _ready() -> bool:
    return True


class PoolExecutor:
    """A local process pool whose workers start at once, before any progress-bar thread."""

    def __init__(self, workers: int):
        self.workers = workers
        method = self._method = _start_method()
        self.description = f"local process pool ({workers} workers, {method or 'spawn'})"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["sim.metrics.runner", "sim.experiments.executors"])
        self._pool = self._new_pool(workers)
        self._pool.submit(_ready).result()  # with fork: every worker is forked now

    def imap_unordered(
        self, fn: Callable[[RunTask], dict[str, Any]], tasks: Iterable[RunTask]
    ) -> Iterator[dict[str, Any]]:
        """Results as runs finish. When a worker process dies (the out-of-memory killer, a hook
        that kills its own process), every run in flight is suspect: the pool is replaced and
        each suspect runs again alone, so only the run that kills its worker is recorded as
        failed and the experiment goes on."""
        pending = iter(tasks)
        running: dict[Future[dict[str, Any]], RunTask] = {}
        limit = 2 * self.workers  # a few queued per worker: Ctrl-C cancels little work
        while True:
            for task in pending:
                running[self._pool.submit(fn, task)] = task
                if len(running) >= limit:
                    break
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    running[future] = task  # a suspect, with the others in flight
                    continue
                yield result
            if broken:
                suspects = list(running.values())
                running.clear()
                self._replace_pool()
                for task in suspects:
                    yield self._alone(fn, task)

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self._method)
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_ignore_sigint
        )

    def _replace_pool(self) -> None:
        self.close()
        self._pool = self._new_pool(self.workers)

    def _alone(self, fn: Callable[[RunTask], dict[str, Any]], task: RunTask) -> dict[str, Any]:
        """Run one task in a pool of its own; a dead worker makes it a failed run."""
        pool = self._new_pool(1)
        try:
            return pool.submit(fn, task).result()
        except BrokenProcessPool:
            return {
                "run_id": task.run_id,
                "seed": task.seed,
                "status": "failed",
                "error": "the worker process died running it (killed by the system, e.g. "
                "out of memory, or by code the run called)",
                "kpis": {},
                "daily": [],
                "profile": [],
                "wall_seconds": math.nan,
            }
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Cancel queued runs and stop the workers at once (runs in flight are not kept)."""
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def _dask_import() -> Any:
    """The `distributed` module, or a usage error that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--dask needs Dask distributed, which is not installed; "
            "install it with: pip install 'ccsim[dask]'"
        ) from None
    return distributed


class DaskExecutor:
    """Runs on Dask distributed: 'local' starts a LocalCluster here, else connects to ADDRESS."""

    def __init__(self, address: str, workers: int | None = None, processes: bool = True):
        distributed = _dask_import()
        import logging

        self._cluster = None
        try:
            if address == "local":
                self._cluster = distributed.LocalCluster(
                    n_workers=workers or default_workers(),
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = distributed.Client(self._cluster)
            else:
                self._client = distributed.Client(
                    address, timeout=f"{DASK_TIMEOUT_SECONDS}s", set_as_default=False
                )
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UsageError(
                f"--dask {address}: no Dask scheduler answered within "
                f"{DASK_TIMEOUT_SECONDS} s ({text})"
            ) from None
        self.address = address
        self._check_workers()
        self.workers = max(1, sum(self._client.nthreads().values()))
        where = "LocalCluster" if self._cluster is not None else address
        self.description = f"Dask {where} ({self.workers} worker threads)"

    def _check_workers(self) -> None:
        """Refuse workers that run another ccsim than this client (or none): their results
        would not be this version's."""
        try:
            versions = self._client.run(worker_version)
        except Exception as exc:  # a worker could not even unpickle the check: no ccsim there
            self.close()
            raise UsageError(
                f"--dask {self.address}: a worker cannot run ccsim ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}); install ccsim {__version__} "
                "on every worker"
            ) from None
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            self.close()
            listed = ", ".join(f"{w} has {v}" for w, v in sorted(wrong.items()))
            raise UsageError(
                f"--dask {self.address}: workers run another ccsim than this client "
                f"({__version__}): {listed}; install ccsim {__version__} on every worker"
            )

    def imap_unordered(
        self, fn: Callable[[RunTask], dict[str, Any]], tasks: Iterable[RunTask]
    ) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        pending = iter(tasks)
        limit = 2 * self.workers
        first = [
            self._client.submit(fn, t, pure=False)
            for _, t in zip(range(limit), pending, strict=False)
        ]
        if not first:
            return
        # this client's loop: with set_as_default=False there is no default client to ask
        queue = as_completed(first, loop=self._client.loop)
        for future in queue:
            try:
                result = future.result()
            except Exception as exc:  # the scheduler went away (a run's own error is a record)
                raise ExecutorLost(
                    f"the Dask scheduler at {self.address} stopped answering "
                    f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
                ) from exc
            future.release()
            for task in itertools_next(pending):
                queue.add(self._client.submit(fn, task, pure=False))
            yield result

    def close(self) -> None:
        """Cancel what is queued and shut down the client (and the LocalCluster, if ours)."""
        client = getattr(self, "_client", None)
        if client is not None:
            client.close(timeout=DASK_TIMEOUT_SECONDS)
        if self._cluster is not None:
            self._cluster.close(timeout=DASK_TIMEOUT_SECONDS)


class ExecutorLost(RuntimeError):
    """The executor stopped answering in the middle of an experiment (finished runs are kept)."""


def worker_version() -> str:
    """The ccsim version a Dask worker runs (run there by `DaskExecutor._check_workers`)."""
    from sim.version import __version__ as version

    return version


def itertools_next(iterator: Iterator[RunTask]) -> list[RunTask]:
    """The next item of an iterator as a list of zero or one."""
    item = next(iterator, None)
    return [] if item is None else [item]


def make_executor(workers: int | None = None, dask: str | None = None) -> Executor:
    """The executor for the command-line options: Dask if named, else a pool (or in-process)."""
    if dask:
        return DaskExecutor(dask, workers)
    workers = workers or default_workers()
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
