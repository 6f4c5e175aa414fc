"""`ccsim calibrate`: from a center's own ACD export to a scenario that reproduces it, and a
validation report that sets the scenario's simulated interval KPIs against the data
(docs/CALIBRATION.md).

Progress goes to stderr; nothing is written until the scenario is estimated, fitted, validated
and its report rendered, and then both files are written atomically (an interrupted or failed
calibration leaves no half-written scenario)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.calibration.calibration import calibrate
from sim.calibration.draft import MODELS
from sim.cli.arguments import whole_number
from sim.errors import UsageError, printable
from sim.files import check_writable, write_atomic
from sim.report.calibration import write_calibration_report
from sim.scenario.policy import policy_names

HELP = "turn a center's ACD export into a scenario that reproduces it, with a validation report"


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register `ccsim calibrate`."""
    parser = commands.add_parser("calibrate", help=HELP, description=HELP)
    parser.add_argument("export", type=Path, help="per-contact or interval export (CSV, Parquet)")
    parser.add_argument(
        "--mapping", type=Path, help="TOML naming the export's columns (docs/CALIBRATION.md)"
    )
    parser.add_argument(
        "--inspect",
        action="store_true",
        help="show the columns found and a mapping to start from; estimate nothing",
    )
    parser.add_argument("--out", type=Path, help="the scenario file to write (.toml)")
    parser.add_argument(
        "--report", type=Path, help="the validation report (default: OUT with .calibration.html)"
    )
    parser.add_argument(
        "--model",
        choices=MODELS,
        default="behavior",
        help="behavior (default): customers, conversations and a policy on the measured queue; "
        "queue: the pure queue the export measures",
    )
    parser.add_argument(
        "--policy",
        default="aht",
        help="the preset closest to how the center is managed today (behavior model)",
    )
    parser.add_argument(
        "--replications",
        type=whole_number(2, 100),
        default=5,
        help="validation runs (and their seeds); their spread is the simulation's uncertainty",
    )
    parser.add_argument("--seed", type=whole_number(0), default=1, help="first seed")
    parser.add_argument("--workers", type=whole_number(1, 256), help="processes (default: CPUs)")
    parser.add_argument("--name", help="the scenario's name (default: OUT's name)")
    parser.add_argument("--force", action="store_true", help="replace an existing OUT")
    parser.set_defaults(handler=command_calibrate)


def command_calibrate(args: argparse.Namespace) -> int:
    """Inspect, or read, estimate, fit, validate and write."""
    if args.inspect:
        from sim.calibration.inspect import inspect_export

        print(inspect_export(args.export))
        return 0
    out, report = _outputs(args)
    if args.model == "behavior" and args.policy not in policy_names():
        raise UsageError(
            f"--policy {printable(args.policy)!r}: allowed {', '.join(policy_names())} (a "
            "scenario's own policy can be set in the written file)"
        )
    found = calibrate(
        args.export,
        args.mapping,
        args.model,
        args.policy,
        args.name or out.stem,
        args.replications,
        args.seed,
        args.workers,
        progress=_progress,
    )
    text = found.text()
    pending = report.with_name(f".{report.name}.pending")
    try:  # the page first, aside; then the scenario; then the page in place: both or neither
        write_calibration_report(
            pending, found.export, found.estimates, found.scenario, found.validation
        )
        write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        os.replace(pending, report)
    finally:
        pending.unlink(missing_ok=True)
    print(f"scenario written to {out}")
    print(f"validation report: {report}")
    return 0


def _outputs(args: argparse.Namespace) -> tuple[Path, Path]:
    """The scenario and report paths, refused before any work when they cannot be written."""
    if args.out is None:
        raise UsageError("--out: name the scenario file to write, e.g. --out my_center.toml")
    out: Path = args.out
    if out.suffix != ".toml":
        raise UsageError(f"--out {out}: a scenario file ends in .toml")
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; name the scenario file to write")
    if out.exists() and not args.force:
        raise UsageError(f"--out {out}: exists; choose another name, or add --force to replace it")
    report = args.report or out.with_suffix(".calibration.html")
    if report.is_dir():
        raise UsageError(f"--report {report}: is a folder; name the page to write")
    inputs = {p.resolve() for p in (args.export, args.mapping) if p is not None}
    for option, path in (("--out", out), ("--report", report)):
        if path.resolve() in inputs:
            raise UsageError(f"{option} {path}: is an input of this calibration; name another")
    if report.resolve() == out.resolve():
        raise UsageError(f"--report {report}: is --out too; name another page")
    if report.exists() and not args.force:
        raise UsageError(
            f"--report {report}: exists; choose another name, or add --force to replace it"
        )
    check_writable(out.absolute().parent, "--out")
    check_writable(report.absolute().parent, "--report")
    return out, report


def _progress(text: str) -> None:
    print(f"calibrate: {text}", file=sys.stderr, flush=True)
