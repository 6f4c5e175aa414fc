"""How fast the dashboard answers "what if?": the baseline and one what-if, 5 paired
replications of 5 measured days each (after the scenario's warm-up), through the dashboard's
warm worker pool (`sim.dashboard.service`), against the same comparison through the command
line (`ccsim compare`, a new process that imports, validates and starts its pool).

    python benchmarks/bench_dashboard.py [--rounds 3]

Measured per round: the CLI's wall time; the dashboard's first question (nothing cached);
and a second question with a different what-if (the baseline's runs come from the cache, as
they do for every question after the first). Medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sim.dashboard.service import RunService  # noqa: E402
from sim.dashboard.whatif import today, with_policy  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIO = ROOT / "experiments" / "scenarios" / "baseline.toml"
CCSIM = Path(sys.executable).parent / "ccsim"


def cli_seconds(whatif: dict, folder: Path) -> float:
    """`ccsim compare` of the baseline and the what-if, wall time of the whole command."""
    experiment = folder / "pair.toml"
    variants = "\n".join(f'"{k}" = {json.dumps(v)}' for k, v in whatif.items())
    experiment.write_text(
        f'name = "pair"\nscenario = "{SCENARIO}"\nreplications = 5\nseed = 1\n'
        f'[base]\n"calendar.days" = 5\n[variants.baseline]\n[variants.what-if]\n{variants}\n',
        encoding="utf-8",
    )
    out = folder / f"out-{time.monotonic_ns()}"
    started = time.perf_counter()
    subprocess.run(
        [str(CCSIM), "compare", str(experiment), "--out", str(out), "--json"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = load_scenario(SCENARIO)
    opened = today(base).model_copy(update={"days": 5, "replications": 5})
    first = with_policy(opened, "quality", base)  # the quality preset's values in its levers
    second = first.model_copy(update={"coaching_hours_per_week": 2.5})
    cli, cold, warm = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            cli.append(cli_seconds(first.overrides(base), Path(tmp)))
            service = RunService(SCENARIO)
            baseline = {"calendar.days": 5}
            cold.append(service.ask(baseline, first.overrides(base), 5).seconds)
            warm.append(service.ask(baseline, second.overrides(base), 5).seconds)
            service.close()
            print(
                f"round {r + 1}: CLI {cli[-1]:.1f} s, dashboard first {cold[-1]:.1f} s, "
                f"next {warm[-1]:.1f} s",
                flush=True,
            )
    print(
        f"median of {args.rounds}: CLI {statistics.median(cli):.1f} s; dashboard first "
        f"question {statistics.median(cold):.1f} s, each next {statistics.median(warm):.1f} s"
    )


if __name__ == "__main__":
    main()
