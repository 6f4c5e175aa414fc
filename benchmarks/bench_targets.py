"""Issue #22's speed and memory targets, measured on this machine, in one table.

    .venv/bin/python benchmarks/bench_targets.py                  # every target (~4 min)
    .venv/bin/python benchmarks/bench_targets.py --quick          # tiny sizes, seconds
    .venv/bin/python benchmarks/bench_targets.py --only T3,T4 --json
    .venv/bin/python benchmarks/bench_targets.py --save   # + benchmarks/results/targets.json
    .venv/bin/python benchmarks/bench_targets.py --notes why.json # {"T3": "the log's lists ..."}

T1/T2 speed against a bare SimPy queue (`bench_behavior`'s interleaving); T3/T5 memory per
contact and T4 the 500-employee month, each case in a fresh process (`bench_memory`); T6 the
experiment machinery's share of 1,000 one-day runs; T7 the 1 -> 2 worker speed-up
(`bench_executor`). Nothing measured is written in this file: only the thresholds, and the
"why" notes the maintainer keeps in NOTES (or a --notes file). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_behavior import ccsim_slices, interleave, same_size_case, simpy_slices  # noqa: E402
from bench_executor import medium, timed  # noqa: E402
from bench_memory import in_subprocess  # noqa: E402

import sim  # noqa: E402
from sim.engine.model import cyclic_gc_paused  # noqa: E402
from sim.metrics.run_size import machine_bytes  # noqa: E402

BASELINE = HERE.parent / "experiments" / "scenarios" / "baseline.toml"
RESULTS = HERE / "results" / "targets.json"
TARGETS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7")
NO_WARMUP = {"calendar.warmup_days": 0}
BIG = {  # T4: a 500-employee center for a month
    "arrivals.rate_per_hour": 2200,
    "staffing.scale": 11,
    "customers.population": 660_000,
    "calendar.days": 30,
}
QUICK_BIG = {  # T4 in --quick: a tenth of it, for two days
    "arrivals.rate_per_hour": 220,
    "staffing.scale": 1.1,
    "customers.population": 66_000,
    "calendar.days": 2,
}
NOTES: dict[str, str] = {
    "T1": (
        "a one-day run draws its whole customer base up front (value, potential, satisfaction "
        "and patience of every customer of the population, most of whom never call), about "
        "40 % of the run; drawing a customer at their first contact would remove it but change "
        "every seed's results, a deliberate change left for its own issue"
    ),
    "T2": (
        "every contact runs the behavioural layer in plain Python (customer, conversation, "
        "experience, survey, failure demand, churn, money): the per-contact code researchers "
        "read and subclass; the bare SimPy queue does none of that work"
    ),
    "T3": (
        "what a contact costs is under the target; short runs carry fixed costs that do not grow "
        "with the contacts (the random-number batches, the first blocks of the logs, Python's "
        "and numpy's allocator arenas), spread over few contacts"
    ),
    "T5": (
        "the per-contact logs are kept, as typed columns, because every KPI, the daily and "
        "interval tables and calls.parquet are computed from whole columns; aggregating finished "
        "days would change the order floats are summed in, so no result would stay "
        "bit-identical; memory grows with the horizon at what each further contact costs (T3)"
    ),
}
"""Why a target is (not) met, by target id ("T3"): filled by the maintainer, never measured."""

Row = dict[str, Any]


def row(target: str, what: str, measured: float, unit: str, threshold: float, most: bool) -> Row:
    """One line of the table: `measured` against `threshold` (`most`: an upper bound)."""
    met = measured <= threshold if most else measured >= threshold
    return {
        "target": target,
        "what": what,
        "threshold": threshold,
        "bound": "at most" if most else "at least",
        "unit": unit,
        "measured": float(measured),
        "met": bool(met),
    }


def verdict(r: Row) -> str:
    """'met', or 'NOT MET' and by how much: '1.05x of 1.5x: 30 % short', '412 B of 300 B: 37 %
    over'."""
    if r["met"]:
        return "met"
    measured, threshold, unit = r["measured"], r["threshold"], r["unit"]
    if r["bound"] == "at most":
        gap = f"{100 * (measured / threshold - 1):.0f} % over" if threshold else "over"
    else:
        gap = f"{100 * (1 - measured / threshold):.0f} % short"
    return f"NOT MET: {fmt(measured, unit)} of {fmt(threshold, unit)}, {gap}"


def days(n: int) -> str:
    """'1 day', '10 days'."""
    return f"{n} day" if n == 1 else f"{n} days"


def fmt(value: float, unit: str) -> str:
    """A figure with its unit, as the table shows it."""
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "MB":
        return f"{value:,.1f} MB"
    return f"{value:,.0f} {unit}"


# --- T1, T2: speed against SimPy's bare queue ------------------------------------------------


def speed_ratio(days: int, runs: int, rounds: int, say: Callable[[str], None]) -> dict[str, Any]:
    """ccsim's baseline (no warm-up) against a bare SimPy queue of the same size: per round,
    `runs` runs of each with distinct seeds, interleaved run by run in day slices (model build,
    customer base and result tables inside ccsim's time); median over rounds of the ratio of
    calls per second."""
    scenario = sim.load_scenario(BASELINE, NO_WARMUP | {"calendar.days": days})
    case = same_size_case(scenario, sim.run(scenario, seed=0).kpis)  # pilot, untimed
    ratios, ours, bares = [], [], []
    for r in range(rounds):
        seconds = [0.0, 0.0]
        calls = [0.0, 0.0]
        for k in range(runs):
            mine: dict[str, Any] = {}
            bare: dict[str, Any] = {}
            seed = 1 + r * runs + k
            with cyclic_gc_paused():
                t_ours, t_bare = interleave(
                    ccsim_slices(scenario, seed, mine), simpy_slices(case, seed, days + 1, bare)
                )
            gc.collect()  # between runs, untimed, for both
            seconds[0] += t_ours
            seconds[1] += t_bare
            calls[0] += mine["result"].kpis["offered"]
            calls[1] += bare["offered"]
        ours.append(calls[0] / seconds[0])
        bares.append(calls[1] / seconds[1])
        ratios.append(ours[-1] / bares[-1])
        say(f"  {days}-day x {runs}, round {r + 1}: ratio {ratios[-1]:.2f}")
    return {
        "ratio": statistics.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "ccsim_calls_per_second": statistics.median(ours),
        "simpy_bare_calls_per_second": statistics.median(bares),
        "days": days,
        "runs_per_round": runs,
        "rounds": rounds,
    }


def speed_rows(target: str, days: int, runs: int, rounds: int, say: Callable) -> list[Row]:
    """T1 (1-day runs) or T2 (20-day runs): at least 1.5x SimPy's bare queue."""
    data = speed_ratio(days, runs, rounds, say)
    low, high = data["ratio_range"]
    r = row(target, f"speed vs SimPy bare queue, {days}-day runs", data["ratio"], "x", 1.5, False)
    r["detail"] = (
        f"{data['ccsim_calls_per_second']:,.0f} vs {data['simpy_bare_calls_per_second']:,.0f} "
        f"calls/s; {rounds} rounds of {runs} runs, ratios {low:.2f}-{high:.2f}"
    )
    r["data"] = data
    return [r]


# --- T3, T4, T5: memory ---------------------------------------------------------------------


def memory_cases(horizons: tuple[int, ...], say: Callable) -> dict[int, dict[str, Any]]:
    """Per horizon: the held case and the peak case, each in its own fresh process."""
    cases = {}
    for d in horizons:
        changes = NO_WARMUP | {"calendar.days": d}
        held, peak = in_subprocess("held", changes), in_subprocess("peak", changes)
        contacts = held["contacts"]
        cases[d] = {
            "contacts": contacts,
            "callers": held["callers"],
            "held_bytes": held["held_bytes"],
            "built_bytes": held["built_bytes"],
            "grown_per_contact": (held["held_bytes"] - held["built_bytes"]) / contacts,
            "held_per_contact": held["held_bytes"] / contacts,
            "held_per_caller": held["held_bytes"] / max(held["callers"], 1),
            "peak_bytes": peak["peak_bytes"],
            "peak_per_contact": (peak["peak_bytes"] - peak["base_bytes"]) / peak["contacts"],
            "base_bytes": held["base_bytes"],
        }
        say(f"  memory, {days(d)}: {cases[d]['held_per_contact']:,.0f} B/contact held")
    return cases


def held_rows(cases: dict[int, dict[str, Any]]) -> list[Row]:
    """T3: at most 300 bytes per contact held in memory, logs and customers included: what the
    finished model holds beyond the model just built (the customer base's columns over the whole
    population, the agents), per contact, by horizon; the built model is in the detail."""
    rows = []
    for d, c in cases.items():
        r = row("T3", f"memory per contact, {days(d)}", c["grown_per_contact"], "B", 300, True)
        r["detail"] = (
            f"{c['contacts']:,} contacts; built model {c['built_bytes'] / 2**20:,.1f} MB "
            f"(the population's columns); all held / contacts {c['held_per_contact']:,.0f} B; "
            f"peak {c['peak_per_contact']:,.0f} B/contact with the result tables"
        )
        r["data"] = c
        rows.append(r)
    (short, a), (long, b) = sorted(cases.items())[-2:]  # the two longest horizons
    slope = (b["held_bytes"] - a["held_bytes"]) / (b["contacts"] - a["contacts"])
    r = row("T3", f"each further contact, {days(short)} to {days(long)}", slope, "B", 300, True)
    r["detail"] = (
        "the held memory's growth per contact between the two horizons: what a contact costs "
        "once the fixed costs (the population's columns, the random-number batches) are paid"
    )
    rows.append(r)
    return rows


def growth_rows(cases: dict[int, dict[str, Any]]) -> list[Row]:
    """T5: memory that does not grow with the horizon: held memory per simulated day beyond the
    first (the slope between the shortest and the longest horizon), against 0 (flat)."""
    short, long = min(cases), max(cases)
    slope = (cases[long]["held_bytes"] - cases[short]["held_bytes"]) / (long - short)
    r = row(
        "T5", f"held memory per day, {days(short)} to {days(long)}", slope / 2**20, "MB", 0, True
    )
    r["detail"] = "; ".join(
        f"{d} d: {c['held_bytes'] / 2**20:,.1f} MB held, {c['callers']:,} callers"
        for d, c in cases.items()
    )
    return [r]


def peak_row(
    target: str, what: str, changes: dict[str, Any], limit_mb: float, say: Callable
) -> Row:
    """A big run's peak resident size in its own process, with its time and contacts/s; a run
    that fails (refused, out of memory) is a row NOT MET with its error, not a crash."""
    say(f"  {what} ...")
    try:
        data = in_subprocess("peak", changes)
    except RuntimeError as exc:
        r = row(target, what, math.nan, "MB", limit_mb, True)
        r["met"], r["detail"] = False, f"did not complete: {exc}"
        return r
    r = row(target, what, data["peak_bytes"] / 2**20, "MB", limit_mb, True)
    r["detail"] = (
        f"{data['seconds']:.1f} s, {data['contacts']:,} contacts measured "
        f"({data['offered']:,.0f} inbound offered), "
        f"{data['contacts'] / data['seconds']:,.0f} contacts/s"
    )
    r["data"] = data
    return r


def year_row(say: Callable) -> Row:
    """T5: a year of the default center (260 working days, its own warm-up) completes; its
    peak against this machine's memory, with its time."""
    have = machine_bytes()
    limit = have / 2**20 if have else math.inf
    return peak_row("T5", "one year (260 days) completes: peak", {"calendar.days": 260}, limit, say)


# --- T6, T7: the experiment machinery ---------------------------------------------------------


def overhead_row(runs: int, say: Callable) -> Row:
    """T6: share of an experiment of one-day runs (1 worker, in-process) spent outside the runs:
    1 - sum of the runs' recorded wall_seconds / the experiment's wall time (loading its design,
    running, journal, tables and summary)."""
    say(f"  experiment of {runs} one-day runs ...")
    data = {
        "name": "bench-overhead",
        "scenario": BASELINE.as_posix(),
        "replications": runs,
        "base": NO_WARMUP | {"calendar.days": 1},
    }
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()  # the design of the runs is part of the experiment
        experiment = sim.experiments.load_experiment(data, "compare")
        result = sim.experiments.run_experiment(experiment, Path(tmp) / "out", workers=1)
        wall = time.perf_counter() - started
    inside = float(result.runs["wall_seconds"].sum())
    failed = len(result.failed)
    r = row(
        "T6", f"experiment overhead, {runs} one-day runs", 100 * (1 - inside / wall), "%", 10, True
    )
    r["detail"] = (
        f"{wall:.1f} s wall, {inside:.1f} s in the runs ({wall / runs * 1000:.0f} ms/run)"
        + (f"; {failed} runs FAILED" if failed else "")
    )
    return r


def speed_up_row(replications: int, days: int, rounds: int, say: Callable) -> Row:
    """T7: a sweep's speed-up from 1 to 2 workers (`bench_executor`'s medium runs and method)."""
    data = medium(replications)
    data["base"] = data["base"] | {"calendar.days": days}
    timed(data, 1), timed(data, 2)  # warm imports, caches, memory
    pairs = []
    for r in range(rounds):
        pairs.append((timed(data, 1), timed(data, 2)))
        say(f"  workers round {r + 1}: {pairs[-1][0] / pairs[-1][1]:.2f}x")
    ups = [a / b for a, b in pairs]
    r = row(
        "T7",
        f"speed-up 1 -> 2 workers, {replications} runs",
        statistics.median(ups),
        "x",
        1.8,
        False,
    )
    r["detail"] = (
        f"1 worker {statistics.median(a for a, _ in pairs):.1f} s, 2 workers "
        f"{statistics.median(b for _, b in pairs):.1f} s; rounds {min(ups):.2f}-{max(ups):.2f}x"
    )
    return r


# --- the table ------------------------------------------------------------------------------


def measure(only: set[str], quick: bool, runs: int | None, say: Callable) -> list[Row]:
    """Every target asked for, in order; quick: tiny sizes (seconds, for the smoke test)."""
    rows: list[Row] = []
    if "T1" in only:
        rows += speed_rows("T1", 1, *((2, 1) if quick else (20, 3)), say)
    if "T2" in only:
        rows += speed_rows("T2", *((2, 1, 1) if quick else (20, 1, 3)), say)
    if only & {"T3", "T5"}:
        cases = memory_cases((1, 2) if quick else (1, 10, 30), say)
        rows += held_rows(cases) if "T3" in only else []
        rows += growth_rows(cases) if "T5" in only else []
    if "T4" in only:
        big = BIG | NO_WARMUP
        big |= QUICK_BIG if quick else {}
        what = f"peak, {big['calendar.days']}-day run at {big['arrivals.rate_per_hour']} calls/h"
        rows.append(peak_row("T4", what, big, 1024, say))
    if "T5" in only and not quick:  # the default center for a year, warm-up as it is
        rows.append(year_row(say))
    if "T6" in only:
        rows.append(overhead_row(runs or (10 if quick else 1000), say))
    if "T7" in only:
        rows.append(speed_up_row(*((2, 2, 1) if quick else (8, 10, 3)), say))
    return rows


def table(rows: list[Row], notes: dict[str, str]) -> str:
    """The rows as text: target, threshold, measured, verdict, detail; the why as footnotes."""
    lines = [f"{'target':7}{'what':44}{'threshold':>16}{'measured':>12}  verdict / detail"]
    for r in rows:
        threshold = f"{'<=' if r['bound'] == 'at most' else '>='} {fmt(r['threshold'], r['unit'])}"
        lines.append(
            f"{r['target']:7}{r['what'][:43]:44}{threshold:>16}{fmt(r['measured'], r['unit']):>12}"
            f"  {verdict(r)}"
        )
        lines.append(f"{'':7}  {r.get('detail', '')}")
    why = [f"  {t}: {notes[t]}" for t in dict.fromkeys(r["target"] for r in rows) if t in notes]
    return "\n".join(lines + (["why:", *why] if why else []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: seconds (smoke test)")
    parser.add_argument("--only", default=",".join(TARGETS), help="e.g. T3,T4 (default: all)")
    parser.add_argument("--runs", type=int, help="T6's one-day runs (default 1000, quick 10)")
    parser.add_argument("--notes", type=Path, help='JSON file {"T3": "why ...", ...}')
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--save", action="store_true", help=f"also write {RESULTS.relative_to(HERE.parent)}"
    )
    args = parser.parse_args(argv)
    only = {t.strip().upper() for t in args.only.split(",") if t.strip()}
    if unknown := only - set(TARGETS):
        parser.error(
            f"--only {args.only}: unknown {', '.join(sorted(unknown))}; allowed {','.join(TARGETS)}"
        )
    notes = NOTES | (json.loads(args.notes.read_text()) if args.notes else {})
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    started, load = time.perf_counter(), os.getloadavg()[0]
    rows = measure(only, args.quick, args.runs, say)
    for r in rows:
        r["verdict"] = verdict(r)
        r["why"] = notes.get(r["target"], "")
    report = {
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 1),
        "python": sys.version.split()[0],
        "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],  # start, end (1 min)
        "cpus": os.cpu_count(),
        "rows": rows,
    }
    if args.save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=1) + "\n")
    if args.json:
        print(json.dumps(report))
    else:
        print(table(rows, notes))
        start, end = report["load_average"]
        print(
            f"load average {start:.2f} at the start, {end:.2f} at the end ({os.cpu_count()} CPUs)"
        )


if __name__ == "__main__":
    main()
