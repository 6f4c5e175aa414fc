"""`ccsim keys`: every scenario key with its type, default and meaning."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table

from sim.scenario import key_reference


def keys_markdown() -> str:
    """The scenario key reference as a Markdown table (docs/SCENARIOS.md embeds it)."""
    lines = ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    for row in key_reference():
        lines.append(
            f"| `{row['key']}` | {row['type']} | `{row['default']}` | {row['description']} |"
        )
    return "\n".join(lines) + "\n"


def command_keys(args: argparse.Namespace) -> int:
    """`ccsim keys`: every scenario key with its type, default and meaning."""
    if args.markdown:
        print(keys_markdown(), end="")
        return 0
    if not sys.stdout.isatty():  # piped (grep, a file): full names, one key a line, no table
        for row in key_reference():
            print("\t".join((row["key"], row["type"], row["default"], row["description"])))
        return 0
    table = Table(title="scenario keys (set in a TOML file or with --set KEY=VALUE)")
    for column in ("key", "type", "default", "description"):
        table.add_column(column, overflow="fold")
    for row in key_reference():
        table.add_row(row["key"], row["type"], row["default"], row["description"])
    Console().print(table)
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register `keys` on the `ccsim` parser."""
    p = commands.add_parser("keys", help="list every scenario key with its default")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.set_defaults(handler=command_keys)
