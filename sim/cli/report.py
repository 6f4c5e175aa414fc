"""`ccsim report` and `ccsim talk`: a results folder as an offline HTML report, or as a deck."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.errors import UsageError
from sim.report import languages, write_report, write_talk


def check_file(option: str, value: str | None) -> None:
    """An --out that names a file that can be written: not a folder, not under a file."""
    if value is None:
        return
    path = Path(value)
    if path.is_dir():
        raise UsageError(f"{option} {value}: is a folder; give a file name, like report.html")
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UsageError(f"{option} {value}: {parent} is a file, not a folder")


def check_folder(option: str, value: str | None) -> None:
    """A --png that names a folder (or where one can be made), not a file."""
    if value is None:
        return
    path = Path(value)
    blocking = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UsageError(f"{option} {value}: {blocking} is a file; give a folder for the PNGs")


def command_report(args: argparse.Namespace) -> int:
    """Write the report and print its path."""
    check_file("--out", args.out)
    path = write_report(args.results, args.lang, args.out)
    print(f"report written to {path}")
    return 0


def command_talk(args: argparse.Namespace) -> int:
    """Write the deck (and PNGs when asked) and print where."""
    check_file("--out", args.out)
    check_folder("--png", args.png)
    path, pngs, note = write_talk(args.results, args.lang, args.out, args.png)
    print(f"talk written to {path} (arrow keys or PageUp/PageDown move between slides)")
    if pngs:
        print(f"{len(pngs)} figures written as PNG to {pngs[0].parent}/")
    if note:
        print(f"ccsim: {note}", file=sys.stderr)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `report` and `talk` on the `ccsim` parser."""
    codes = languages()
    p = commands.add_parser(
        "report",
        help="an offline HTML report of a results folder (run, compare, sweep, sensitivity, "
        "uncertainty)",
    )
    p.add_argument("results", metavar="RESULTS_DIR", help="a folder ccsim wrote with --out")
    p.add_argument("--lang", choices=codes, default="en", help="language (default: en)")
    p.add_argument(
        "--out", default=None, metavar="FILE.html", help="default: RESULTS_DIR/report[-LANG].html"
    )
    p.set_defaults(handler=command_report)
    t = commands.add_parser(
        "talk", help="a talk deck in one offline HTML file, built from a results folder"
    )
    t.add_argument("results", metavar="RESULTS_DIR", help="a folder ccsim wrote with --out")
    t.add_argument("--lang", choices=codes, default="nl", help="language (default: nl)")
    t.add_argument(
        "--out", default=None, metavar="FILE.html", help="default: RESULTS_DIR/talk-LANG.html"
    )
    t.add_argument(
        "--png",
        default=None,
        metavar="DIR",
        help="also write each slide's figure as PNG (kaleido with the system's Chromium)",
    )
    t.set_defaults(handler=command_talk)
