"""`ccsim uncertainty`: the policy comparison across plausible worlds of the model's
assumptions (docs/EXPERIMENTS.md, "Uncertainty across plausible worlds").

The plan and progress go to stderr; the worlds kept and, per pair of variants and outcome,
who wins how often and what decides it go to stdout (or one JSON object with --json).
Exit codes as the other experiment commands: 0, 1 runs failed, 2 bad input, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json

from sim.cli.arguments import overrides, whole_number
from sim.cli.experiments import EXIT_FAILED_RUNS, add_options, list_failed, run_guarded, write_page
from sim.cli.tables import print_uncertainty
from sim.experiments.execution import default_out
from sim.experiments.progress import make_reporter
from sim.experiments.uncertainty_run import run_uncertainty
from sim.experiments.worlds import load_worlds
from sim.files import json_ready

HELP = "the comparison across plausible worlds: who wins how often, and what decides it"
_worlds = whole_number(1, 1_000_000)  # as in an experiment file


def command_uncertainty(args: argparse.Namespace) -> int:
    """Validate the experiment and its ranges, run (or resume) both stages, print the answer."""
    experiment, worlds = load_worlds(
        args.experiment, overrides(args.set), args.replications, args.worlds
    )
    reporter = make_reporter()
    out = args.out or default_out(experiment)
    result = run_guarded(
        out, lambda: run_uncertainty(experiment, worlds, out, args.workers, args.dask, reporter)
    )
    if result is None:
        return EXIT_FAILED_RUNS
    report = write_page(result.runs, result.out)
    if args.json:
        print(json.dumps(json_ready(result.to_json()), allow_nan=False))
    else:
        print_uncertainty(result.summary, experiment.name)
        print(f"results written to {result.out}/ (runs, worlds, differences, uncertainty.json)")
        if report is not None:
            print(f"report: {report}")
    return list_failed(result.runs, result.failed)


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register `uncertainty` on the `ccsim` parser."""
    p = commands.add_parser("uncertainty", help=HELP, description=HELP)
    add_options(p)
    p.add_argument(
        "--worlds",
        type=_worlds,
        default=None,
        metavar="N",
        help="worlds to draw from the ranges (default: the file's [uncertainty] worlds)",
    )
    p.set_defaults(handler=command_uncertainty)
