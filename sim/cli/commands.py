"""The `ccsim` command line: the parser with every command, and the exit codes.

Bad input (unknown keys, wrong types, out-of-range values, missing or malformed files, bad
options) prints one short message on stderr and exits with code 2; nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from sim.cli import calibrate, dashboard, experiments, keys, report, run, uncertainty
from sim.errors import InputError, printable
from sim.version import __version__

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (`ccsim: error: ...`, exit 2) like every other bad input."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("ccsim").strip()
        where = f"{command}: " if command else ""
        self.exit(EXIT_USAGE, f"ccsim: error: {where}{message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = Parser(prog="ccsim", description="Contact-center simulator.")
    parser.add_argument("--version", action="version", version=f"ccsim {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_command(commands)
    keys.add_command(commands)
    experiments.add_commands(commands)
    uncertainty.add_command(commands)
    report.add_commands(commands)
    dashboard.add_command(commands)
    calibrate.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ccsim` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("CCSIM_DEBUG", "") not in ("", "0")
    try:
        return args.handler(args)
    except InputError as exc:
        print(f"ccsim: error: {printable(str(exc), keep=chr(10))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ccsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug or a broken environment: one line, the rest on request
        if debug:
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1:]
        at = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        text = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"ccsim: unexpected error: {type(exc).__name__}: {text}{at} "
            "(run again with --debug, or CCSIM_DEBUG=1, for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
