"""`ccsim dashboard`: the what-if dashboard in a browser (the `dashboard` extra)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.arguments import whole_number

DEFAULT = Path("experiments/scenarios/baseline.toml")


def command_dashboard(args: argparse.Namespace) -> int:
    from sim.dashboard.server import serve  # solara: imported when the dashboard starts

    serve(Path(args.scenario), args.host, args.port, Path(args.folder), args.allow_host)
    return 0


def add_command(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "dashboard", help="the what-if dashboard: change the center in a browser, see the effect"
    )
    p.add_argument("--scenario", default=str(DEFAULT), help=f"the baseline (default: {DEFAULT})")
    p.add_argument(
        "--host", default="127.0.0.1", help="IP address or local name to bind (default: 127.0.0.1)"
    )
    p.add_argument(
        "--port", type=whole_number(1, 65535), default=8765, help="port, 1-65535 (default: 8765)"
    )
    p.add_argument(
        "--folder", default="results", help="where exports are written (default: results/)"
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another name the page may be opened under (e.g. this machine's name on the "
        "network); repeatable. Requests for other names, and from pages of other origins, "
        "are refused",
    )
    p.set_defaults(handler=command_dashboard)
