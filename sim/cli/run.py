"""`ccsim run`: simulate one scenario with one seed; print its KPIs, optionally write its tables."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sim.cli.arguments import overrides, whole_number
from sim.cli.tables import print_kpis
from sim.errors import UsageError
from sim.files import LOCK_NAME, FolderLock, check_writable, json_ready
from sim.metrics import run
from sim.scenario import Scenario, load_scenario
from sim.version import __version__

RUN_FILES = {"calls.parquet", "intervals.parquet", "daily.parquet", "kpis.json", "manifest.json"}


def check_replaced(out: Path, scenario: Scenario, seed: int, force: bool) -> None:
    """Refuse to replace an earlier run's output in `out` with another run's (another scenario,
    seed or version) unless `force`: the earlier results would be gone without a word. The
    same run again (same scenario, seed and version) gives the same results and may rewrite
    them."""
    manifest = out / "manifest.json"
    if force or not any((out / name).exists() for name in RUN_FILES):
        return
    previous = _json(manifest) if manifest.is_file() else {}
    same = (previous.get("scenario"), previous.get("seed"), previous.get("version")) == (
        scenario.to_dict(),
        seed,
        __version__,
    )
    if not same:
        earlier = previous.get("scenario") or {}
        name = earlier.get("name") if isinstance(earlier, dict) else None
        what = f"scenario {name!r}, " if name else ""
        raise UsageError(
            f"--out {out}: holds an earlier run ({what}seed {previous.get('seed', '?')}) that "
            "this run would replace; choose another --out, or add --force to replace it"
        )


def check_run_out(out: Path) -> None:
    """Refuse an --out that is not a folder this command may write: a file, an empty path, a
    folder it cannot create or write, or one holding anything but an earlier run's output."""
    if str(out) in ("", "."):
        raise UsageError(f"--out {str(out)!r}: name a folder for the run's tables")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    if out.is_dir():
        others = sorted(p.name for p in out.iterdir() if p.name not in RUN_FILES | {LOCK_NAME})
        if others:
            raise UsageError(
                f"--out {out}: holds {', '.join(others[:3])}, not only an earlier run's output "
                f"({', '.join(sorted(RUN_FILES))}); choose another --out"
            )
        manifest = out / "manifest.json"
        if manifest.is_file() and "command" in _json(manifest):
            raise UsageError(
                f"--out {out}: holds the results of `ccsim {_json(manifest)['command']}`; "
                "choose another --out"
            )
    check_writable(out)


def _json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"command": "unreadable manifest"}
    return data if isinstance(data, dict) else {"command": "unreadable manifest"}


def command_run(args: argparse.Namespace) -> int:
    """`ccsim run`: simulate one scenario with one seed."""
    scenario = load_scenario(args.scenario, overrides(args.set))
    out = Path(args.out) if args.out is not None else None
    if out is None:
        result = run(scenario, seed=args.seed)
    else:
        check_run_out(out)  # before simulating: a bad folder must not cost the run
        seed = scenario.seed if args.seed is None else args.seed
        check_replaced(out, scenario, seed, args.force)
        with FolderLock(out):
            result = run(scenario, seed=args.seed)
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
        "--seed",
        type=whole_number(0, 2**63 - 1),
        default=None,
        help="run seed (default: the scenario's)",
    )
    p.add_argument("--out", default=None, metavar="DIR", help="write tables, KPIs and manifest")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an earlier run's output in --out (another scenario or seed)",
    )
    p.add_argument("--json", action="store_true", help="print only the KPIs as one JSON object")
    p.set_defaults(handler=command_run)
