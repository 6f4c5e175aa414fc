"""Throughput of the full behavioural model against a bare SimPy queue of the same size.

For each policy, ccsim runs `experiments/scenarios/baseline.toml` with everything on
(customers, conversations, failure demand, churn, workforce, outbound, money). SimPy then
runs a bare M/M/n+M queue of the same size: the same number of calls in the same open time
(constant rate), as many servers as ccsim had on the phones on average, exponential handle time
with ccsim's AHT and exponential patience with the scenario's mean. Both run in one process,
back to back, `--rounds` times. The ratio is the median of the rounds' ratios: pairing each
ccsim run with the SimPy run next to it cancels the drift in machine speed between rounds
(about ±15 % on a shared VM), which a ratio of medians would keep.

Calls are inbound contacts (`offered`); the volume policy's outbound attempts are not counted.

    python benchmarks/bench_behavior.py [--rounds 5] [--days 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_queue import Case, run_simpy  # noqa: E402

import sim  # noqa: E402

BASELINE = HERE.parent / "experiments" / "scenarios" / "baseline.toml"


def run_ccsim(policy: str, days: int, seed: int) -> tuple[float, dict[str, float]]:
    """Calls per second of the behavioural baseline, and its KPIs."""
    scenario = sim.load_scenario(BASELINE, {"policy.name": policy, "calendar.days": days})
    started = time.perf_counter()
    result = sim.run(scenario, seed=seed)
    seconds = time.perf_counter() - started
    return result.kpis["offered"] / seconds, result.kpis


def same_size_case(scenario: sim.Scenario, kpis: dict[str, float]) -> Case:
    """The bare queue matching a behavioural run: calls, open time, staff, AHT, patience."""
    cal = scenario.calendar
    open_hours = cal.days * (cal.close_second - cal.open_second) / 3600
    return Case(
        employees=round(kpis["staffed_hours"] / open_hours),
        calls_per_hour=kpis["offered"] / open_hours,
        handle_mean=kpis["aht"],
        patience_mean=scenario.patience.mean_seconds,
        days=open_hours / 24,  # the same open time, as continuous days
    )


def benchmark(rounds: int, days: int) -> dict[str, Any]:
    """Alternate ccsim and SimPy per policy; report median calls per second and the ratio."""
    report: dict[str, Any] = {"rounds": rounds, "days": days, "policies": {}}
    for policy in ("aht", "volume", "quality"):
        ours, simpy = [], []
        case = None
        for r in range(rounds):
            rate, kpis = run_ccsim(policy, days, seed=1 + r)
            ours.append(rate)
            scenario = sim.load_scenario(BASELINE, {"calendar.days": days})
            case = same_size_case(scenario, kpis)
            bare = run_simpy(case, seed=1 + r)
            simpy.append(bare["offered"] / bare["seconds"])
        ratios = [a / b for a, b in zip(ours, simpy, strict=True)]
        report["policies"][policy] = {
            "ccsim_calls_per_second": statistics.median(ours),
            "simpy_bare_calls_per_second": statistics.median(simpy),
            "ratio": statistics.median(ratios),
            "ratio_range": [min(ratios), max(ratios)],
            "bare_case": case.__dict__ if case else {},
        }
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    report = benchmark(args.rounds, args.days)
    if args.json:
        print(json.dumps(report))
        return
    print(f"behavioural baseline ({args.days} days) vs a bare SimPy queue of the same size")
    print(f"{'policy':10}{'ccsim calls/s':>16}{'SimPy bare calls/s':>20}{'ratio':>8}  range")
    for policy, row in report["policies"].items():
        low, high = row["ratio_range"]
        print(
            f"{policy:10}{row['ccsim_calls_per_second']:16,.0f}"
            f"{row['simpy_bare_calls_per_second']:20,.0f}{row['ratio']:7.2f}x"
            f"  {low:.2f}-{high:.2f}"
        )


if __name__ == "__main__":
    main()
