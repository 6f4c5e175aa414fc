"""`ccsim report` and `ccsim talk`: a results folder as an offline HTML report, or as a deck."""

from __future__ import annotations

import argparse
import os
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


def check_writable(option: str, value: str | None) -> None:
    """A --pdf that names a file that can be written: `check_file`, and a folder to write in
    (the nearest one that exists must be writable)."""
    check_file(option, value)
    if value is None:
        return
    if not value.lower().endswith(".pdf"):
        raise UsageError(f"{option} {value}: give a file name ending in .pdf, like talk.pdf")
    path = Path(value)
    parent = next((p for p in path.absolute().parents if p.exists()), None)
    if (path.exists() and not os.access(path, os.W_OK)) or (
        parent is not None and not os.access(parent, os.W_OK)
    ):
        raise UsageError(f"{option} {value}: cannot write there (no permission)")


def command_talk(args: argparse.Namespace) -> int:
    """Write the deck (and the PNGs and PDF when asked) and print where."""
    check_file("--out", args.out)
    check_folder("--png", args.png)
    check_writable("--pdf", args.pdf)
    path, pngs, pdf = write_talk(args.results, args.lang, args.out, args.png, args.pdf)
    print(f"talk written to {path} (arrow keys or PageUp/PageDown move, N shows the notes)")
    if pngs:
        print(f"{len(pngs)} slides written as PNG to {pngs[0].parent}/")
    if pdf:
        print(f"the deck written as PDF to {pdf} (one slide a page)")
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
        help="also write every slide as PNG (printed by the system's Chromium)",
    )
    t.add_argument(
        "--pdf",
        default=None,
        metavar="FILE.pdf",
        help="also write the whole deck as one PDF, one slide a page (the system's Chromium)",
    )
    t.set_defaults(handler=command_talk)
