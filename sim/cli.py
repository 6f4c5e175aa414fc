"""The `ccsim` command line: run a scenario and print or save its KPIs.

Bad input (unknown keys, wrong types, out-of-range values, missing or malformed files)
prints one short message on stderr and exits with code 2; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from sim.errors import ScenarioError
from sim.result import json_ready
from sim.runner import run
from sim.scenario import key_reference, load_scenario, parse_assignment
from sim.version import __version__

EXIT_USAGE = 2

# How the KPI table shows each KPI: (label, format); shares are shown as percentages.
KPI_FORMATS: dict[str, tuple[str, str]] = {
    "offered": ("calls offered", "{:,.0f}"),
    "handled": ("calls handled", "{:,.0f}"),
    "abandoned": ("calls abandoned", "{:,.0f}"),
    "redials": ("redials", "{:,.0f}"),
    "abandonment_rate": ("abandonment rate", "{:.1%}"),
    "delayed_fraction": ("delayed (waited > 0 s)", "{:.1%}"),
    "service_level": ("service level", "{:.1%}"),
    "asa": ("ASA, answered calls (s)", "{:.1f}"),
    "mean_wait": ("mean wait, all calls (s)", "{:.1f}"),
    "aht": ("AHT (s)", "{:.1f}"),
    "occupancy": ("occupancy", "{:.1%}"),
    "mean_queue_length": ("mean queue length while open", "{:.2f}"),
    "max_queue_length": ("max queue length", "{:,.0f}"),
    "staffed_hours": ("staffed hours", "{:,.1f}"),
    "revenue": ("revenue", "{:,.0f}"),
    "sales_revenue": ("  from sales", "{:,.0f}"),
    "recurring_revenue": ("  recurring (retained base)", "{:,.0f}"),
    "cost": ("cost", "{:,.0f}"),
    "employee_cost": ("  employees", "{:,.0f}"),
    "team_leader_cost": ("  team leaders", "{:,.0f}"),
    "hiring_cost": ("  hiring", "{:,.0f}"),
    "profit": ("profit", "{:,.0f}"),
    "sales": ("sales", "{:,.0f}"),
    "offers": ("closing questions asked", "{:,.0f}"),
    "conversion_rate": ("conversion (sales / offers)", "{:.1%}"),
    "csat": ("CSAT (share of 4-5)", "{:.1%}"),
    "nps": ("NPS", "{:+.0f}"),
    "fcr": ("first-contact resolution", "{:.1%}"),
    "failure_demand_share": ("failure demand", "{:.1%}"),
    "mean_quality": ("mean conversation quality", "{:.2f}"),
    "survey_answers": ("survey answers", "{:,.0f}"),
    "churned_customers": ("customers churned", "{:,.0f}"),
    "churned_value": ("future value lost to churn", "{:,.0f}"),
    "active_customers": ("customers remaining", "{:,.0f}"),
    "lost_demand": ("calls not made (churned)", "{:,.0f}"),
    "attrition": ("employees who quit", "{:,.0f}"),
    "attrition_rate_annual": ("attrition, annualised", "{:.0%}"),
    "hires": ("hires", "{:,.0f}"),
    "mean_skill": ("mean service skill", "{:.3f}"),
    "mean_sales_skill": ("mean sales skill", "{:.3f}"),
    "mean_stress": ("mean stress", "{:.3f}"),
    "mean_engagement": ("mean engagement", "{:.3f}"),
    "coaching_hours": ("coaching hours", "{:,.1f}"),
    "training_hours": ("training hours", "{:,.1f}"),
    "meeting_hours": ("meeting hours", "{:,.1f}"),
    "outbound_attempts": ("outbound attempts", "{:,.0f}"),
    "outbound_connects": ("outbound connects", "{:,.0f}"),
    "outbound_sales": ("outbound sales", "{:,.0f}"),
}


class UsageError(Exception):
    """Bad command-line input that is not about the scenario itself."""


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum`, with a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            below = "negative" if minimum == 0 else f"below {minimum}"
            raise argparse.ArgumentTypeError(f"{value} is {below}; allowed: {minimum} or more")
        return value

    return parse


def _overrides(assignments: Sequence[str]) -> dict[str, Any]:
    try:
        return dict(parse_assignment(text) for text in assignments)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _format(name: str, value: float) -> tuple[str, str]:
    label, fmt = KPI_FORMATS.get(name, (name, "{:.4g}"))
    if value != value:  # NaN: undefined, e.g. no calls answered
        return label, "n/a"
    return label, fmt.format(value)


def print_kpis(kpis: dict[str, float], title: str) -> None:
    """A readable KPI table on stdout."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("KPI")
    table.add_column("key", style="dim")
    table.add_column("value", justify="right")
    for name, value in kpis.items():
        label, text = _format(name, value)
        table.add_row(label, name, text)
    Console().print(table)


def command_run(args: argparse.Namespace) -> int:
    """`ccsim run`: simulate one scenario with one seed."""
    scenario = load_scenario(args.scenario, _overrides(args.set))
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    result = run(scenario, seed=args.seed)
    if out is not None:
        result.write(out)
    if args.json:
        print(json.dumps(json_ready(result.kpis), allow_nan=False))
    else:
        name = scenario.name or Path(args.scenario).stem
        policy = f" · policy {scenario.policy.name}" if scenario.behavior.enabled else ""
        title = f"{name}{policy} · seed {result.seed} · {scenario.calendar.days} days"
        if scenario.behavior.enabled:
            title += f" · money in {scenario.money.currency}"
        print_kpis(result.kpis, title)
        if out is not None:
            print(f"results written to {out}/ (calls, intervals, daily, kpis.json, manifest.json)")
    return 0


def add_experiment_commands(commands: argparse._SubParsersAction) -> None:
    """Register `compare`, `sweep` and `sensitivity` when the experiments module is present."""
    try:
        from sim.experiments_cli import add_commands
    except ImportError:
        return
    add_commands(commands)


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
    from rich.console import Console
    from rich.table import Table

    table = Table(title="scenario keys (set in a TOML file or with --set KEY=VALUE)")
    for column in ("key", "type", "default", "description"):
        table.add_column(column, overflow="fold")
    for row in key_reference():
        table.add_row(row["key"], row["type"], row["default"], row["description"])
    Console().print(table)
    return 0


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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("run", help="run one scenario and print its KPIs")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key (dotted, value read as TOML), e.g. staffing.employees=45",
    )
    p.add_argument(
        "--seed", type=whole_number(0), default=None, help="run seed (default: the scenario's)"
    )
    p.add_argument("--out", default=None, metavar="DIR", help="write tables, KPIs and manifest")
    p.add_argument("--json", action="store_true", help="print only the KPIs as one JSON object")
    p.set_defaults(handler=command_run)

    p = commands.add_parser("keys", help="list every scenario key with its default")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.set_defaults(handler=command_keys)
    add_experiment_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ccsim` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (ScenarioError, UsageError) as exc:
        print(f"ccsim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ccsim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
