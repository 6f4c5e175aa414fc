"""The times and counts README.md quotes, measured on this machine and printed as the lines to
paste: the number of tests, the time of the headline comparison (`ccsim compare
experiments/policy_comparison.toml`, measured as wall time from the command line, the one way
README states it), and with --make-test the time of the whole suite as `make test` runs it.

    .venv/bin/python experiments/readme_figures.py [--make-test]

The compare time is also printed beside the advance estimate `ccsim compare` shows before it
starts (`sim.experiments.estimate`), so a drift between the two is seen.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "experiments/policy_comparison.toml"


def test_count() -> int:
    """The number of tests pytest collects (what `make test` runs)."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return collected(out)


def collected(pytest_output: str) -> int:
    """The count in pytest's last line ('589 tests collected in 3.1s')."""
    found = re.search(r"(\d+) tests? collected", pytest_output)
    if not found:
        raise SystemExit(f"pytest collected nothing: {pytest_output[-300:]}")
    return int(found.group(1))


def timed(command: list[str]) -> float:
    """Wall time of a command run from the repository, in seconds (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare_estimate() -> float:
    """The advance estimate `ccsim compare` prints for the headline comparison, in seconds."""
    from sim.experiments.estimate import estimate_seconds
    from sim.experiments.experiment import load_experiment

    experiment = load_experiment(ROOT / EXPERIMENT)
    return estimate_seconds(experiment.tasks, os.cpu_count() or 1)


def minutes(seconds: float) -> str:
    """'4 min 5 s' or '38 s'."""
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--make-test", action="store_true", help="also time `make test`")
    args = parser.parse_args()
    print(f"- tests: {test_count()}")
    with tempfile.TemporaryDirectory() as out:
        seconds = timed([sys.executable, "-m", "sim.cli", "compare", EXPERIMENT, "--out", out])
    print(f"- `ccsim compare {EXPERIMENT}`: {minutes(seconds)} on {os.cpu_count()} cores")
    print(f"  (its advance estimate: {minutes(compare_estimate())})")
    if args.make_test:
        print(f"- `make test`: {minutes(timed(['make', 'test']))}")


if __name__ == "__main__":
    main()
