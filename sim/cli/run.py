"""`ccsim run`: simulate one scenario with one seed; print its KPIs, optionally write its tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.arguments import overrides, whole_number
from sim.cli.tables import print_kpis
from sim.errors import UsageError
from sim.files import json_ready
from sim.metrics import run
from sim.scenario import load_scenario


def command_run(args: argparse.Namespace) -> int:
    """`ccsim run`: simulate one scenario with one seed."""
    scenario = load_scenario(args.scenario, overrides(args.set))
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


def add_command(commands: argparse._SubParsersAction) -> None:
    """Register `run` on the `ccsim` parser."""
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
