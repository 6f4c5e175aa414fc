"""`ccsim compare`, `ccsim sweep` and `ccsim sensitivity`: run an experiment file.

Tables go to stdout (or one JSON object with --json); progress and errors go to stderr.
Exit codes: 0 all runs ok, 1 some runs failed (listed on stderr), 2 bad input (nothing
written), 130 interrupted (finished runs are kept; the same command resumes).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pandas as pd

from sim.cli.arguments import overrides, whole_number
from sim.cli.tables import print_comparison, print_headline, print_sensitivity, print_winners
from sim.experiments import load_experiment, run_experiment
from sim.experiments.execution import default_out
from sim.experiments.executors import ExecutorLost
from sim.experiments.progress import make_reporter
from sim.experiments.statistics import records
from sim.files import json_ready

EXIT_FAILED_RUNS = 1

_positive = whole_number(1)
_replications = whole_number(1, 100_000)  # as in an experiment file


def _sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_guarded[T](out: Path | str, call: Callable[[], T]) -> T | None:
    """Run `call` with SIGTERM as Ctrl-C; on either, say where the finished runs are and how
    to resume, then re-raise; a lost executor (Dask) is said the same way and gives None."""
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        return call()
    except KeyboardInterrupt:
        print(
            f"ccsim: stopped; finished runs are kept in {out}; "
            f"the same command with --out {out} resumes",
            file=sys.stderr,
        )
        raise
    except ExecutorLost as exc:
        print(
            f"ccsim: {exc}; finished runs are kept in {out}; "
            f"the same command with --out {out} resumes",
            file=sys.stderr,
        )
        return None
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_page(runs: pd.DataFrame, out: Path | None) -> Path | None:
    """The report of the results folder when some run is ok; a report that fails is said in
    one line and does not hide the results."""
    if out is None or runs.empty or not (runs["status"] == "ok").any():
        return None
    from sim.report import write_report  # plotly and jinja2: imported when a page is made

    try:
        return write_report(out)
    except Exception as exc:  # the results are safe; a page that fails must not hide them
        print(
            f"ccsim: the report could not be written ({type(exc).__name__}: {exc}); "
            f"the results are in {out}; `ccsim --debug report {out}` retries",
            file=sys.stderr,
        )
        return None


def list_failed(runs: pd.DataFrame, failed: pd.DataFrame) -> int:
    """List the failed runs on stderr: exit code 1 if any, else 0."""
    if failed.empty:
        return 0
    print(f"ccsim: {len(failed)} of {len(runs)} runs failed:", file=sys.stderr)
    for _, row in failed.head(20).iterrows():
        world = f" in world {row['world']}" if "world" in row else ""
        print(
            f"  {row['variant']}{world} replication {row['replication']} "
            f"(seed {row['seed']}): {row['error']}",
            file=sys.stderr,
        )
    print(
        "rerun the same command with the same --out to retry only the failed runs",
        file=sys.stderr,
    )
    return EXIT_FAILED_RUNS


def command_experiment(args: argparse.Namespace) -> int:
    """Validate the experiment, run (or resume) it, print the results, say which runs failed."""
    experiment = load_experiment(
        args.experiment, args.command, overrides(args.set), args.replications
    )
    reporter = make_reporter()
    out = default_out(experiment) if args.out is None else args.out
    result = run_guarded(
        out, lambda: run_experiment(experiment, out, args.workers, args.dask, reporter)
    )
    if result is None:
        return EXIT_FAILED_RUNS
    report = write_page(result.runs, result.out)
    if args.json:
        payload = (
            {"sensitivity": [] if result.sensitivity is None else records(result.sensitivity)}
            if args.command == "sensitivity"
            else result.to_json()
        )
        print(json.dumps(json_ready(payload), allow_nan=False))
    elif args.command == "sensitivity" and result.sensitivity is not None:
        print_sensitivity(result.sensitivity)
    elif args.command == "sweep" and experiment.params:
        print_comparison(result, experiment.name, differences=False)
        print_winners(result)
        print("paired differences per design point: summary.json")
    elif args.full:
        print_comparison(result, experiment.name)
    else:
        print_headline(result, experiment.name)
    if not args.json:
        print(f"results written to {result.out}/ (runs, daily, summary, manifest)")
        if report is not None:
            print(f"report: {report}")
    return list_failed(result.runs, result.failed)


def add_options(p: argparse.ArgumentParser) -> None:
    """The options every experiment command takes: --replications, --set, --workers, --dask,
    --out and --json."""
    p.add_argument("experiment", help="experiment TOML file (see docs/EXPERIMENTS.md)")
    p.add_argument(
        "--replications",
        type=_replications,
        default=None,
        metavar="N",
        help="replications per variant and point (default: the file's)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a key of the base scenario, as in `ccsim run`",
    )
    p.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help="local worker processes (default: the number of CPUs)",
    )
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run on Dask: 'local' (a LocalCluster here) or a scheduler address, e.g. tcp://host:8786",
    )
    p.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="results folder (default: a new folder under results/); an existing one resumes",
    )
    p.add_argument(
        "--json", action="store_true", help="print one JSON object on stdout and nothing else"
    )


HELP = {
    "compare": "run an experiment's variants with paired replications: means, CIs, differences",
    "sweep": "run an experiment's [grid] / [sample] design for every variant",
    "sensitivity": "Sobol or Morris sensitivity indices (SALib) of an experiment's outputs",
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `compare`, `sweep` and `sensitivity` on the `ccsim` parser."""
    for name, text in HELP.items():
        p = commands.add_parser(name, help=text, description=text)
        add_options(p)
        if name == "compare":
            p.add_argument(
                "--full",
                action="store_true",
                help="print every KPI and every paired difference (default: the key figures)",
            )
        p.set_defaults(handler=command_experiment)
