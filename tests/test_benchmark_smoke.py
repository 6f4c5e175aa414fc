"""The benchmark scripts run end to end (their speed figures are not asserted: see README)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

from tests.helpers import ROOT


def run_script(name: str, *args: str) -> dict[str, Any]:
    """Run `benchmarks/<name>` with `args` and `--json`; its report."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), *args, "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def test_benchmark_quick_run_produces_ratios_for_the_same_system() -> None:
    report = run_script("bench_queue.py", "--quick")
    assert set(report["summary"]) == {"ours", "simpy", "ciw"}
    assert set(report["ratios"]) == {"ours/simpy", "ours/ciw"}
    # the three simulators simulate the same system: one day of ~14,400 calls each, so
    # offered counts agree within a few Poisson standard deviations (sd ~ 120)
    offered = [report["summary"][name]["offered"] for name in ("ours", "simpy", "ciw")]
    assert max(offered) - min(offered) < 6 * 120


def test_behavior_benchmark_runs_interleaved_and_reports_each_policy() -> None:
    report = run_script("bench_behavior.py", "--rounds", "1", "--days", "1")
    assert set(report["policies"]) == {"aht", "volume", "quality"}
    for row in report["policies"].values():
        assert row["ccsim_calls_per_second"] > 0 and row["simpy_bare_calls_per_second"] > 0
        assert row["ratio_range"][0] <= row["ratio"] <= row["ratio_range"][1]


def test_targets_benchmark_quick_gives_every_target_a_measured_value_and_a_verdict() -> None:
    saved = ROOT / "benchmarks" / "results" / "targets.json"
    before = saved.stat().st_mtime_ns if saved.exists() else None
    report = run_script("bench_targets.py", "--quick")
    rows = report["rows"]
    # --quick skips only the one-year run (T5's second row); every other target is measured
    assert {r["target"] for r in rows} == {"T1", "T2", "T3", "T4", "T5", "T6", "T7"}
    for r in rows:
        assert isinstance(r["measured"], float) and math.isfinite(r["measured"]), r
        assert isinstance(r["met"], bool), r
        assert r["verdict"] == "met" or r["verdict"].startswith("NOT MET: "), r
    assert report["quick"] is True
    assert (saved.stat().st_mtime_ns if saved.exists() else None) == before  # only with --save


def test_targets_benchmark_refuses_an_unknown_target() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_targets.py"), "--only", "T3,T9"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "--only T3,T9: unknown T9; allowed T1,T2,T3,T4,T5,T6,T7" in done.stderr


def test_memory_benchmark_peak_is_the_child_process_own_not_its_parent() -> None:
    # a child's ru_maxrss starts at its parent's resident size (Linux keeps the high-water
    # mark through exec), so a big parent would inflate every memory case it starts
    ballast = b"x" * (200 * 2**20)  # written, so resident in this (the parent) process
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_memory; "
        "print(bench_memory.peak_bytes())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "benchmarks")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(ballast) and int(done.stdout) < 100 * 2**20
