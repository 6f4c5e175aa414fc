"""A real Dask cluster: a scheduler and two workers started as their own processes on
127.0.0.1 (the `dask` command of the dev install). `ccsim compare --dask tcp://...` gives the
local pool's results run for run; a worker killed with SIGKILL mid-experiment costs nothing;
a scheduler that stops mid-run gives one clear line, keeps the finished runs, and a rerun
resumes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import ROOT, free_port

BIN = Path(sys.executable).parent
EXPERIMENT = f"""
name = "cluster-check"
scenario = "{ROOT / "experiments" / "scenarios" / "baseline.toml"}"
replications = 4
seed = 1
kpis = ["profit_after_churn", "csat", "service_level"]
[base]
"calendar.days" = 2
"calendar.warmup_days" = 1
"customers.population" = 20000
"staffing.target_service_level" = "none"
[variants.aht]
"policy.name" = "aht"
[variants.quality]
"policy.name" = "quality"
[variants.volume]
"policy.name" = "volume"
"""


class Cluster:
    """A scheduler and `workers` single-threaded workers, each its own process."""

    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.scheduler = self._start(
            "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"
        )
        self.workers = [
            self._start("worker", self.address, "--nthreads", "1", "--no-dashboard")
            for _ in range(workers)
        ]
        self.wait_for(workers)

    @staticmethod
    def _start(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "dask"), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_for(self, workers: int, timeout: float = 60) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=timeout)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=20)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    running = Cluster()
    yield running
    running.stop()


def compare(experiment: Path, out: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "ccsim"), "compare", str(experiment), "--out", str(out), "--json", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def journal(out: Path) -> list[Path]:
    return sorted((out / "runs").glob("*.json")) if (out / "runs").is_dir() else []


def kpis(out: Path) -> pd.DataFrame:
    runs = pd.read_parquet(out / "runs.parquet").set_index("run_id").sort_index()
    return runs[["status", "profit_after_churn", "csat", "service_level"]]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("cluster")
    experiment = folder / "experiment.toml"
    experiment.write_text(EXPERIMENT, encoding="utf-8")
    done = compare(experiment, folder / "local", "--workers", "2")
    assert done.wait(timeout=300) == 0, done.stderr.read()
    return experiment, kpis(folder / "local")


def test_a_real_cluster_gives_the_local_pools_results(
    cluster: Cluster, local: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    experiment, expected = local
    run = compare(experiment, tmp_path / "out", "--dask", cluster.address)
    assert run.wait(timeout=300) == 0, run.stderr.read()
    assert "2 worker threads" in run.stderr.read()
    pd.testing.assert_frame_equal(kpis(tmp_path / "out"), expected)


def test_a_killed_worker_costs_no_run(
    cluster: Cluster, local: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    experiment, expected = local
    out = tmp_path / "out"
    run = compare(experiment, out, "--dask", cluster.address)
    deadline = time.monotonic() + 120
    while len(journal(out)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the experiment ended before a worker could be killed"
    cluster.workers[0].send_signal(signal.SIGKILL)
    assert run.wait(timeout=300) == 0, run.stderr.read()
    result = kpis(out)
    assert (result["status"] == "ok").all() and len(result) == len(expected)
    pd.testing.assert_frame_equal(result, expected)


def test_a_scheduler_that_stops_keeps_the_finished_runs_and_the_rerun_resumes(
    local: tuple[Path, pd.DataFrame], tmp_path: Path
) -> None:
    experiment, expected = local
    out = tmp_path / "out"
    first = Cluster()
    try:
        run = compare(experiment, out, "--dask", first.address)
        deadline = time.monotonic() + 120
        while len(journal(out)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.scheduler.send_signal(signal.SIGKILL)
        code = run.wait(timeout=120)
        lines = [line for line in run.stderr.read().splitlines() if line.startswith("ccsim:")]
    finally:
        first.stop()
    assert code == 1
    assert "stopped answering" in lines[-1] and "resumes" in lines[-1]
    assert "Traceback" not in "\n".join(lines)
    kept = len(journal(out))
    assert 2 <= kept < len(expected)
    second = Cluster()
    try:
        rerun = compare(experiment, out, "--dask", second.address)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
        assert f"{kept} already done" in rerun.stderr.read()
    finally:
        second.stop()
    pd.testing.assert_frame_equal(kpis(out), expected)


def test_a_worker_with_another_ccsim_is_refused(cluster: Cluster, tmp_path: Path) -> None:
    from distributed import Client

    with Client(cluster.address, set_as_default=False) as client:  # pretend an old install
        client.run(exec, "import sim.version; sim.version.__version__ = '0.0.1'")
    experiment = tmp_path / "experiment.toml"
    experiment.write_text(EXPERIMENT, encoding="utf-8")
    run = compare(experiment, tmp_path / "out", "--dask", cluster.address)
    assert run.wait(timeout=120) == 2
    message = run.stderr.read()
    assert "another ccsim" in message and "0.0.1" in message and "Traceback" not in message
    assert not journal(tmp_path / "out")
