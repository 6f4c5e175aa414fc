"""Executors give identical results (process pool, in-process, a real Dask LocalCluster), and
Ctrl-C on the command stops it cleanly so the same command resumes to the same tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments import load_experiment
from sim.experiments.executors import DaskExecutor, execute
from tests.helpers import interruptible
from tests.test_experiment_files import TINY, ccsim, write

KPI_COLUMNS = ["variant", "replication", "seed", "status", "offered", "service_level", "asa"]


def kpi_table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "runs.parquet")[KPI_COLUMNS]


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_results_as_the_pool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, TINY)
    pool, dask, serial = tmp_path / "pool", tmp_path / "dask", tmp_path / "serial"
    assert ccsim(capsys, "compare", path, "--workers", "2", "--out", pool)[0] == 0
    code, _, stderr = ccsim(
        capsys, "compare", path, "--dask", "local", "--workers", "1", "--out", dask
    )
    assert code == 0, stderr
    assert "Dask LocalCluster" in stderr
    assert ccsim(capsys, "compare", path, "--workers", "1", "--out", serial)[0] == 0
    pd.testing.assert_frame_equal(kpi_table(pool), kpi_table(dask))
    pd.testing.assert_frame_equal(kpi_table(pool), kpi_table(serial))
    daily = [pd.read_parquet(p / "daily.parquet") for p in (pool, dask)]
    pd.testing.assert_frame_equal(*daily)


@pytest.mark.slow
def test_dask_threads_cluster_runs_the_worker_function(tmp_path: Path) -> None:
    tasks = load_experiment(write(tmp_path, TINY), "compare", replications=1).tasks
    executor = DaskExecutor("local", workers=1, processes=False)
    try:
        results = sorted(executor.imap_unordered(execute, tasks), key=lambda r: r["run_id"])
    finally:
        executor.close()
    direct = sorted((execute(t) for t in tasks), key=lambda r: r["run_id"])
    assert [r["kpis"] for r in results] == [r["kpis"] for r in direct]


SLOW_SWEEP = TINY.replace('"calendar.days" = 1', '"calendar.days" = 2') + (
    '[grid]\n"arrivals.rate_per_hour" = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0]\n'
)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_the_same_command_resumes(tmp_path: Path) -> None:
    path = write(tmp_path, SLOW_SWEEP)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sim.cli", "sweep", str(path), "--workers", "2"]
    command += ["--replications", "3", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=interruptible,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "runs").glob("*.json"))) < 3:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert b"interrupted" in stderr
    done = pd.read_parquet(out / "runs.parquet")
    assert 3 <= len(done) < 36 and done["run_id"].is_unique
    resumed = subprocess.run(command, capture_output=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"{len(done)} already done".encode() in resumed.stderr
    whole = tmp_path / "whole"
    again = [*command[:-1], str(whole)]
    assert subprocess.run(again, capture_output=True, env=env, timeout=300).returncode == 0
    for name in ("runs.parquet", "daily.parquet"):
        a = pd.read_parquet(out / name).drop(columns="wall_seconds", errors="ignore")
        b = pd.read_parquet(whole / name).drop(columns="wall_seconds", errors="ignore")
        pd.testing.assert_frame_equal(a, b)
