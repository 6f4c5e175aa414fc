"""Executor benchmark: speed-up from 1 to 2 workers, and the per-run overhead of the machinery.

    .venv/bin/python benchmarks/bench_executor.py            # defaults: 8 medium, 200 tiny runs
    .venv/bin/python benchmarks/bench_executor.py --quick    # smoke test
    .venv/bin/python benchmarks/bench_executor.py --json

Speed-up: the same medium runs (baseline, 10 days, 20,000 customers; about 1 s each) through
the whole experiment path (`sim.experiments.run_experiment`: journal, tables, summary) with
1 worker (in-process) and with a 2-process pool, pool start-up included. After an untimed
round of each, `--rounds` rounds time one of each back to back; the speed-up is the median of
the rounds' ratios (the machine's speed drifts between rounds, less within one).
Overhead: many tiny runs (pure queue, 1 day, 60 calls/h) called directly vs through the
experiment path in-process, and their wall time per run on a 2-process pool.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments import load_experiment, run_experiment  # noqa: E402
from sim.experiments.executors import execute  # noqa: E402

BASELINE = (ROOT / "experiments" / "scenarios" / "baseline.toml").as_posix()
ERLANG = (ROOT / "experiments" / "scenarios" / "erlang.toml").as_posix()


def medium(replications: int) -> dict[str, Any]:
    """Behavioural runs of about a second each."""
    return {
        "name": "bench-medium",
        "scenario": BASELINE,
        "replications": replications,
        "base": {"calendar.days": 10, "customers.population": 20_000},
    }


def tiny(replications: int) -> dict[str, Any]:
    """Pure-queue runs of a few milliseconds: the executor's cost dominates."""
    return {
        "name": "bench-tiny",
        "scenario": ERLANG,
        "replications": replications,
        "kpis": ["service_level"],
        "base": {"calendar.days": 1, "arrivals.rate_per_hour": 60.0, "staffing.employees": 3},
    }


def timed(data: dict[str, Any], workers: int) -> float:
    """Seconds to run the whole experiment into a fresh folder with `workers` workers."""
    experiment = load_experiment(data, "compare")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run_experiment(experiment, Path(tmp) / "out", workers=workers)
        return time.perf_counter() - started


def direct(data: dict[str, Any]) -> float:
    """Seconds to call the worker function on every task in this process, nothing else."""
    tasks = load_experiment(data, "compare").tasks
    started = time.perf_counter()
    for task in tasks:
        execute(task)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--medium-runs", type=int, default=8)
    parser.add_argument("--tiny-runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="4 medium and 40 tiny runs")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    n_medium, n_tiny = (4, 40) if args.quick else (args.medium_runs, args.tiny_runs)

    timed(medium(n_medium), 1), timed(medium(n_medium), 2)  # warm imports, caches, memory
    rounds = [(timed(medium(n_medium), 1), timed(medium(n_medium), 2)) for _ in range(args.rounds)]
    one = statistics.median(r[0] for r in rounds)
    two = statistics.median(r[1] for r in rounds)
    speed_ups = [a / b for a, b in rounds]
    bare = direct(tiny(n_tiny))
    serial = timed(tiny(n_tiny), 1)
    pool = timed(tiny(n_tiny), 2)
    report = {
        "medium_runs": n_medium,
        "one_worker_seconds": round(one, 2),
        "two_workers_seconds": round(two, 2),
        "speed_up": round(statistics.median(speed_ups), 2),
        "speed_up_range": [round(min(speed_ups), 2), round(max(speed_ups), 2)],
        "tiny_runs": n_tiny,
        "direct_ms_per_run": round(1000 * bare / n_tiny, 2),
        "in_process_overhead_ms_per_run": round(1000 * (serial - bare) / n_tiny, 2),
        "pool2_ms_per_run_wall": round(1000 * pool / n_tiny, 2),
    }
    if args.json:
        print(json.dumps(report))
        return
    print(
        f"speed-up, {n_medium} medium runs: 1 worker {one:.1f} s, 2 workers {two:.1f} s "
        f"-> {report['speed_up']:.2f}x (rounds {min(speed_ups):.2f}-{max(speed_ups):.2f}x; "
        f"target >= 1.8x)"
    )
    print(
        f"per-run cost, {n_tiny} tiny runs: direct {report['direct_ms_per_run']} ms; "
        f"experiment path in-process +{report['in_process_overhead_ms_per_run']} ms "
        f"(journal, tables); 2-process pool {report['pool2_ms_per_run_wall']} ms wall per run "
        f"including pool start-up"
    )


if __name__ == "__main__":
    main()
