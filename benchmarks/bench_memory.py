"""Memory of one run, measured in a fresh process so that peaks of different cases never mix.

    python benchmarks/bench_memory.py held '{"calendar.days": 10, "calendar.warmup_days": 0}'
    python benchmarks/bench_memory.py peak '{"calendar.days": 30, "calendar.warmup_days": 0}'

Prints one JSON object. Both modes first import the model's layers and load the baseline
scenario with the overrides given, then read the resident set size (`base`).

- `held`: `model = sim.metrics.build_model(scenario, seed)`, the resident size (`built_bytes`:
  the customer base's columns over the whole population, the agents), then `model.run_model()`
  and the resident size again (`held_bytes`): what the finished model holds (call log,
  conversation log, customers, agents), before any result table. Also: contacts
  (`len(model.log)`) and customers who called (distinct customer ids in the log).
- `peak`: `sim.run(scenario, seed)` (model, run, result tables), then the process's peak
  resident size (VmHWM; `peak_bytes` says why not ru_maxrss), the run's wall time and its
  contacts (`len(result.calls)`: every contact when there is no warm-up; the measured ones
  otherwise) and inbound contacts offered.

Resident size (VmRSS from /proc/self/status), not tracemalloc: it is what the machine pays,
numpy buffers, allocator slack and fragmentation included, and it does not slow the run down;
tracemalloc sees only what Python's allocators trace, and doubles the cost of every allocation.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASELINE = HERE.parent / "experiments" / "scenarios" / "baseline.toml"
MODES = ("held", "peak")


def status_bytes(field: str) -> int:
    """A size from /proc/self/status (`VmRSS`, `VmHWM`), bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def resident_bytes() -> int:
    """This process's resident set size now (VmRSS), bytes."""
    return status_bytes("VmRSS")


def peak_bytes() -> int:
    """This process's peak resident set size so far (VmHWM), bytes. Not ru_maxrss: Linux carries
    the parent's high-water mark through fork and exec into the child's ru_maxrss, so a child of
    a big process would report at least its parent's size."""
    return status_bytes("VmHWM")


def measure(mode: str, overrides: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """One case in this process (call it in a fresh one: see `in_subprocess`)."""
    sys.path.insert(0, str(HERE.parent))
    import numpy as np

    import sim
    import sim.behavior  # every layer a run touches, imported before the base reading
    import sim.metrics

    scenario = sim.load_scenario(BASELINE, overrides)
    gc.collect()
    report: dict[str, Any] = {"mode": mode, "overrides": overrides, "seed": seed}
    report["base_bytes"] = resident_bytes()
    started = time.perf_counter()
    if mode == "held":
        model = sim.metrics.build_model(scenario, seed)
        gc.collect()
        report["built_bytes"] = resident_bytes() - report["base_bytes"]
        model.run_model()
        report["seconds"] = time.perf_counter() - started
        gc.collect()
        report["held_bytes"] = resident_bytes() - report["base_bytes"]
        report["contacts"] = len(model.log)
        customers = np.asarray(model.log.customer, dtype=np.int64)
        report["callers"] = int(np.unique(customers[customers >= 0]).size)
    elif mode == "peak":
        result = sim.run(scenario, seed)
        report["seconds"] = time.perf_counter() - started
        report["contacts"] = len(result.calls)
        report["offered"] = float(result.kpis["offered"])
    else:
        raise ValueError(f"mode {mode!r}: one of {', '.join(MODES)} is allowed")
    report["peak_bytes"] = peak_bytes()
    return report


def in_subprocess(mode: str, overrides: dict[str, Any], seed: int = 1) -> dict[str, Any]:
    """`measure` in a fresh Python process (this interpreter); its report."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), mode, json.dumps(overrides), str(seed)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"memory case {mode} {overrides} failed: {tail[0]}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=MODES, help="held: the finished model; peak: sim.run")
    parser.add_argument("overrides", type=json.loads, help="scenario overrides as JSON")
    parser.add_argument("seed", type=int, nargs="?", default=1, help="the run's seed (1)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.mode, args.overrides, args.seed)))


if __name__ == "__main__":
    main()
