"""`ccsim compare`, `ccsim sweep` and `ccsim sensitivity`: run an experiment file.

Tables go to stdout (or one JSON object with --json); progress and errors go to stderr.
Exit codes: 0 all runs ok, 1 some runs failed (listed on stderr), 2 bad input (nothing
written), 130 interrupted (finished runs are kept; the same command resumes).
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import time
from types import FrameType
from typing import IO, Any

import pandas as pd

from sim.cli import whole_number
from sim.experiment import load_experiment
from sim.experiment_run import ExperimentResult, default_out, run_experiment
from sim.result import json_ready

EXIT_FAILED_RUNS = 1


_positive = whole_number(1)


class PlainReporter:
    """One log line per finished run (at most one every few seconds), and one per failure."""

    def __init__(self, stream: IO[str], every_seconds: float = 5.0):
        self.stream, self.every = stream, every_seconds

    def start(self, total: int, done: int, description: str) -> None:
        self.total, self.done, self.failed = total, done, 0
        self.started, self.ran, self.last = time.monotonic(), 0, 0.0
        resumed = f", {done} already done (resuming)" if done else ""
        self._line(f"{total} runs{resumed} on {description}")

    def _line(self, text: str) -> None:
        print(f"ccsim: {text}", file=self.stream, flush=True)

    def update(self, record: dict[str, Any]) -> None:
        self.ran += 1
        if record["status"] == "ok":
            self.done += 1
        else:
            self.failed += 1
            self._line(f"run {record['run_id']} (seed {record['seed']}) failed: {record['error']}")
        now = time.monotonic()
        finished = self.done + self.failed
        if now - self.last >= self.every or finished == self.total:
            self.last = now
            elapsed = now - self.started
            left = self.total - finished
            eta = elapsed / self.ran * left if self.ran else math.nan
            self._line(
                f"{finished}/{self.total} runs, {self.failed} failed, "
                f"elapsed {_clock(elapsed)}, eta {_clock(eta)}"
            )

    def finish(self) -> None:
        pass


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RichReporter:
    """A progress bar on a terminal: completed runs, failures, elapsed time and ETA."""

    def __init__(self, stream: IO[str]):
        from rich.console import Console

        self.console = Console(file=stream)

    def start(self, total: int, done: int, description: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.failed = 0
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.progress.start()
        self.task = self.progress.add_task("runs", total=total, completed=done, failed=0)
        if done:
            self.console.print(f"resuming: {done} of {total} runs already done")
        self.console.print(f"running on {description}")

    def update(self, record: dict[str, Any]) -> None:
        if record["status"] != "ok":
            self.failed += 1
            self.console.print(f"[red]run {record['run_id']} failed:[/red] {record['error']}")
        self.progress.update(self.task, advance=1, failed=self.failed)

    def finish(self) -> None:
        self.progress.stop()


def make_reporter(stream: IO[str] | None = None) -> PlainReporter | RichReporter:
    """A progress bar on a terminal, plain log lines otherwise (both on stderr)."""
    stream = stream or sys.stderr
    return RichReporter(stream) if stream.isatty() else PlainReporter(stream)


def _fmt(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    return f"{value:.3f}"


def print_winners(result: ExperimentResult) -> None:
    """For a sweep: per design point and KPI, the variant with the best mean (the highest, or
    the lowest for KPIs where less is better: waits, abandonment, costs, churn, stress)."""
    from rich.console import Console
    from rich.table import Table

    summary = result.summary
    params = [c for c in summary.columns if c not in SUMMARY_COLUMNS]
    kpis = list(dict.fromkeys(summary["kpi"]))
    table = Table(title="best mean per design point (which variant wins where)")
    for column in [*params, *kpis]:
        table.add_column(column, overflow="fold")
    for keys, part in summary.groupby(params, sort=False):
        cells = []
        for kpi in kpis:
            rows = part[part["kpi"] == kpi].dropna(subset=["mean"])
            best = rows["mean"].idxmin() if kpi in LOWER_IS_BETTER else rows["mean"].idxmax()
            cells.append(str(rows.loc[best, "variant"]) if len(rows) else "n/a")
        table.add_row(*[str(k) for k in (keys if isinstance(keys, tuple) else (keys,))], *cells)
    Console().print(table)


LOWER_IS_BETTER = {
    "abandoned",
    "abandonment_rate",
    "asa",
    "mean_wait",
    "mean_queue_length",
    "max_queue_length",
    "cost",
    "employee_cost",
    "hiring_cost",
    "churned_customers",
    "churned_value",
    "failure_demand_share",
    "lost_demand",
    "attrition",
    "attrition_rate_annual",
    "mean_stress",
}
SUMMARY_COLUMNS = {"variant", "kpi", "mean", "std", "ci_low", "ci_high", "n"}


def print_comparison(result: ExperimentResult, title: str, differences: bool = True) -> None:
    """Means with 95% CIs per KPI and variant, then paired differences, as tables on stdout."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary = result.summary
    params = [c for c in summary.columns if c not in SUMMARY_COLUMNS]
    variants = list(dict.fromkeys(summary["variant"]))
    table = Table(title=f"{title}: mean ± half-width of the 95% CI", title_justify="left")
    counts = summary.groupby("variant", sort=False)["n"].min()
    heads = [f"{v} (n={counts[v]})" for v in variants]
    for column in [*params, "KPI", *heads]:
        table.add_column(column, justify="left" if column == "KPI" else "right")
    for keys, part in summary.groupby([*params, "kpi"], sort=False):
        by_variant = {row["variant"]: row for _, row in part.iterrows()}
        cells = []
        for v in variants:
            row = by_variant[v]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cells.append(f"{_fmt(row['mean'])} ± {_fmt(half)}")
        table.add_row(*[str(k) for k in (keys if isinstance(keys, tuple) else (keys,))], *cells)
    console.print(table)
    if not differences or result.differences.empty:
        return
    differences = result.differences
    table = Table(
        title="paired differences A − B (same seeds): mean [95% CI]",
        caption="* the 95% CI excludes 0",
        title_justify="left",
    )
    for column in [*params, "KPI", "A", "B", "difference"]:
        table.add_column(column, justify="right" if column == "difference" else "left")
    for _, row in differences.iterrows():
        low, high = row["ci_low"], row["ci_high"]
        star = " *" if math.isfinite(low) and (low > 0 or high < 0) else ""
        text = f"{_fmt(row['mean_diff'])} [{_fmt(low)}, {_fmt(high)}]{star}"
        cells = [str(row[p]) for p in params]
        table.add_row(*cells, row["kpi"], row["variant_a"], row["variant_b"], text)
    console.print(table)


def print_sensitivity(frame: pd.DataFrame) -> None:
    """The sensitivity indices as a table on stdout."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="sensitivity indices (value ± 95% CI)")
    sobol = "S1" in frame.columns
    heads = ["S1", "ST"] if sobol else ["mu_star", "sigma"]
    for column in ["variant", "output", "parameter", *heads, "note"]:
        table.add_column(column)
    for _, row in frame.iterrows():
        if sobol:
            values = [
                f"{row['S1']:.3f} ± {row['S1_conf']:.3f}",
                f"{row['ST']:.3f} ± {row['ST_conf']:.3f}",
            ]
        else:
            values = [f"{_fmt(row['mu_star'])} ± {_fmt(row['mu_star_conf'])}", _fmt(row["sigma"])]
        if not isinstance(row.get("parameter"), str):
            values = ["", ""]
        cells = [row["variant"], row["output"], str(row.get("parameter") or "")]
        table.add_row(*cells, *values, str(row.get("note") or ""))
    Console().print(table)


def _sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def command_experiment(args: argparse.Namespace) -> int:
    """Validate the experiment, run (or resume) it, print the results, say which runs failed."""
    from sim.cli import _overrides

    experiment = load_experiment(
        args.experiment, args.command, _overrides(args.set), args.replications
    )
    reporter = make_reporter()
    out = args.out or default_out(experiment)
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        result = run_experiment(experiment, out, args.workers, args.dask, reporter)
    except KeyboardInterrupt:
        print(
            f"ccsim: stopped; finished runs are kept in {out}; "
            f"the same command with --out {out} resumes",
            file=sys.stderr,
        )
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    if args.json:
        payload = (
            {"sensitivity": _records(result.sensitivity)}
            if args.command == "sensitivity"
            else result.to_json()
        )
        print(json.dumps(json_ready(payload), allow_nan=False))
    elif args.command == "sensitivity" and result.sensitivity is not None:
        print_sensitivity(result.sensitivity)
    elif args.command == "sweep" and experiment.params:
        print_comparison(result, experiment.name, differences=False)
        print_winners(result)
        print("paired differences per design point: summary.json")
    else:
        print_comparison(result, experiment.name)
    if not args.json:
        print(f"results written to {result.out}/ (runs, daily, summary, manifest)")
    if not result.failed.empty:
        print(f"ccsim: {len(result.failed)} of {len(result.runs)} runs failed:", file=sys.stderr)
        for _, row in result.failed.head(20).iterrows():
            print(
                f"  {row['variant']} replication {row['replication']} "
                f"(seed {row['seed']}): {row['error']}",
                file=sys.stderr,
            )
        print(
            "rerun the same command with the same --out to retry only the failed runs",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return 0


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    from sim.statistics import records

    return [] if frame is None else records(frame)


HELP = {
    "compare": "run an experiment's variants with paired replications: means, CIs, differences",
    "sweep": "run an experiment's [grid] / [sample] design for every variant",
    "sensitivity": "Sobol or Morris sensitivity indices (SALib) of an experiment's outputs",
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register `compare`, `sweep` and `sensitivity` on the `ccsim` parser."""
    for name, text in HELP.items():
        p = commands.add_parser(name, help=text, description=text)
        p.add_argument("experiment", help="experiment TOML file (see docs/EXPERIMENTS.md)")
        p.add_argument(
            "--replications",
            type=_positive,
            default=None,
            metavar="N",
            help="replications per variant and point (default: the file's)",
        )
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a key of the base scenario, as in `ccsim run`",
        )
        p.add_argument(
            "--workers",
            type=_positive,
            default=None,
            metavar="N",
            help="local worker processes (default: the number of CPUs)",
        )
        p.add_argument(
            "--dask",
            default=None,
            metavar="ADDRESS",
            help="run on Dask: 'local' (a LocalCluster here) or a scheduler address, e.g. tcp://host:8786",
        )
        p.add_argument(
            "--out",
            default=None,
            metavar="DIR",
            help="results folder (default: a new folder under results/); an existing one resumes",
        )
        p.add_argument(
            "--json", action="store_true", help="print one JSON object on stdout and nothing else"
        )
        p.set_defaults(handler=command_experiment)
