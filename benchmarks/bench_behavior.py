"""Throughput of the full behavioural model against a bare SimPy queue of the same size.

For each policy, ccsim runs `experiments/scenarios/baseline.toml` with everything on
(customers, conversations, failure demand, churn, workforce, outbound, money). SimPy then
runs a bare M/M/n+M queue of the same size: the same number of calls in the same open time
(constant rate), as many servers as ccsim had on the phones on average, exponential handle time
with ccsim's AHT and exponential patience with the scenario's mean. An untimed pilot run of
ccsim sizes the SimPy case and warms both up.

Method. The speed of a shared VM drifts by ±15 % within seconds, so whole runs timed one after
the other give ratios anywhere from 0.75 to 1.25 for the same code. Here the two simulations
run interleaved in slices in one process: ccsim's model build, each simulated day, and the
drain of the last calls plus building the result tables (`sim.metrics.gather`), alternating
with SimPy's environment build and the matching slices of its horizon. Each simulator's time is
the sum of its slices, so both see the same machine. Python's cyclic garbage collector is
paused for the whole interleaved run, as `ContactCenterModel.run_model` pauses it for its own
runs; SimPy normally runs with it, so this favours SimPy. The ratio reported is the median
over `--rounds` rounds (seeds 1, 2, ...).

Calls are inbound contacts (`offered`); the volume policy's outbound attempts are not counted.

    python benchmarks/bench_behavior.py [--rounds 3] [--days 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_queue import Case, simpy_model  # noqa: E402

import sim  # noqa: E402
from sim.engine.model import DAY, cyclic_gc_paused  # noqa: E402
from sim.metrics import build_model, gather  # noqa: E402
from sim.scenario.overrides import parse_assignment  # noqa: E402

BASELINE = HERE.parent / "experiments" / "scenarios" / "baseline.toml"


def ccsim_slices(scenario: sim.Scenario, seed: int, out: dict[str, Any]) -> Iterator[None]:
    """`sim.run` cut into slices: build, each day, then the drain and the result tables."""
    started = time.perf_counter()
    model = build_model(scenario, seed=seed)
    yield
    for day in range(scenario.calendar.days):
        model.run_until((day + 1) * DAY)
        yield
    model.run_model()  # the calls still in the system after the last closing
    out["result"] = gather(model, started)
    model.dispose()  # as `sim.run` does
    yield


def simpy_slices(case: Case, seed: int, slices: int, out: dict[str, Any]) -> Iterator[None]:
    """`bench_queue`'s SimPy model of the bare queue, run to its horizon in `slices`."""
    env, _ = simpy_model(case, seed, out)
    yield
    for k in range(1, slices + 1):
        env.run(until=case.horizon * k / slices)
        yield


def interleave(*slices: Iterator[None]) -> list[float]:
    """Advance the iterators in turn, one slice each; returns each one's total seconds."""
    seconds = [0.0] * len(slices)
    live = list(enumerate(slices))
    while live:
        for entry in list(live):
            index, iterator = entry
            started = time.perf_counter()
            finished = next(iterator, StopIteration) is StopIteration
            seconds[index] += time.perf_counter() - started
            if finished:
                live.remove(entry)
    return seconds


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


def benchmark(
    rounds: int,
    days: int,
    progress: Callable[[str], None] = print,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Interleaved ccsim and SimPy runs per policy; median calls per second and ratio."""
    report: dict[str, Any] = {"rounds": rounds, "days": days, "policies": {}}
    for policy in ("aht", "volume", "quality"):
        # no warm-up: every simulated day is timed and its calls counted
        changes = {"policy.name": policy, "calendar.days": days, "calendar.warmup_days": 0}
        scenario = sim.load_scenario(BASELINE, changes | (overrides or {}))
        case = same_size_case(scenario, sim.run(scenario, seed=0).kpis)  # pilot, untimed
        ours, simpy_rates, ratios = [], [], []
        for r in range(1, rounds + 1):
            mine: dict[str, Any] = {}
            bare: dict[str, Any] = {}
            with cyclic_gc_paused():
                t_ours, t_simpy = interleave(
                    ccsim_slices(scenario, r, mine), simpy_slices(case, r, days + 1, bare)
                )
            ours.append(mine["result"].kpis["offered"] / t_ours)
            simpy_rates.append(bare["offered"] / t_simpy)
            ratios.append(ours[-1] / simpy_rates[-1])
            progress(f"  {policy} round {r}: {ours[-1]:,.0f} vs {simpy_rates[-1]:,.0f} calls/s")
        report["policies"][policy] = {
            "ccsim_calls_per_second": statistics.median(ours),
            "simpy_bare_calls_per_second": statistics.median(simpy_rates),
            "ratio": statistics.median(ratios),
            "ratio_range": [min(ratios), max(ratios)],
            "bare_case": case.__dict__,
        }
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="scenario override"
    )
    args = parser.parse_args(argv)
    overrides = dict(parse_assignment(text) for text in args.set) or None
    report = benchmark(
        args.rounds,
        args.days,
        progress=lambda s: None if args.json else print(s),
        overrides=overrides,
    )
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
