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
from types import FrameType

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


def command_experiment(args: argparse.Namespace) -> int:
    """Validate the experiment, run (or resume) it, print the results, say which runs failed."""
    experiment = load_experiment(
        args.experiment, args.command, overrides(args.set), args.replications
    )
    reporter = make_reporter()
    out = args.out or default_out(experiment)
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        result = run_experiment(experiment, out, args.workers, args.dask, reporter)
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
        return EXIT_FAILED_RUNS
    finally:
        signal.signal(signal.SIGTERM, previous)
    report = None
    if not result.runs.empty and (result.runs["status"] == "ok").any():
        from sim.report import write_report  # plotly and jinja2: imported when a page is made

        try:
            report = write_report(result.out)
        except Exception as exc:  # the results are safe; a page that fails must not hide them
            print(
                f"ccsim: the report could not be written ({type(exc).__name__}: {exc}); "
                f"the results are in {result.out}; `ccsim --debug report {result.out}` retries",
                file=sys.stderr,
            )
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
    if not result.failed.empty:
        print(f"ccsim: {len(result.failed)} of {len(result.runs)} runs failed:", file=sys.stderr)
        for _, row in result.failed.head(20).iterrows():
            print(
                f"  {row['variant']} replication {row['replication']} "
                f"(seed {row['seed']}): {row['error']}",
                file=sys.stderr,
            )
        print(
            "rerun the same command with the same --out to retry only the failed runs",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return 0


HELP = {
    "compare": "run an experiment's variants with paired replications: means, CIs, differences",
    "sweep": "run an experiment's [grid] / [sample] design for every variant",
    "sensitivity": "Sobol or Morris sensitivity indices (SALib) of an experiment's outputs",
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `compare`, `sweep` and `sensitivity` on the `ccsim` parser."""
    for name, text in HELP.items():
        p = commands.add_parser(name, help=text, description=text)
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
        if name == "compare":
            p.add_argument(
                "--full",
                action="store_true",
                help="print every KPI and every paired difference (default: the key figures)",
            )
        p.set_defaults(handler=command_experiment)
