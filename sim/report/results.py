"""A results folder as the report reads it: what `ccsim run`, `compare`, `sweep`,
`sensitivity` or `uncertainty` wrote there, checked (`sim.report.checks`) before a number of
it is shown: a broken or edited folder is refused in one line, a partial one carries notes."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError
from sim.experiments.decomposition import COLUMNS as SPLIT_COLUMNS
from sim.experiments.decomposition import adds_up
from sim.report import checks
from sim.report.checks import Note, refuse

KINDS = ("run", "compare", "sweep", "sensitivity", "uncertainty")


@dataclass
class Results:
    """The tables of one results folder; absent tables are empty frames."""

    folder: Path
    kind: str
    manifest: dict[str, Any]
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    daily: pd.DataFrame = field(default_factory=pd.DataFrame)
    profile: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    winners: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)
    kpis: dict[str, float] = field(default_factory=dict)
    worlds: pd.DataFrame = field(default_factory=pd.DataFrame)  # uncertainty: one row a world
    world_differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    uncertainty: dict[str, Any] = field(default_factory=dict)  # uncertainty.json
    notes: list[Note] = field(default_factory=list)  # what the headline says first

    @property
    def name(self) -> str:
        return str(self.manifest.get("name") or self.folder.name)

    @property
    def variants(self) -> list[str]:
        """Variants in the experiment's order, those with runs that are ok."""
        if self.runs.empty:
            return []
        ok = self.runs[self.runs["status"] == "ok"]
        return list(dict.fromkeys(ok["variant"]))

    @property
    def scenario(self) -> dict[str, Any]:
        return self.manifest.get("base_scenario") or self.manifest.get("scenario") or {}

    @property
    def currency(self) -> str:
        return str(self.scenario.get("money", {}).get("currency", "EUR"))

    @property
    def days(self) -> int:
        return int(self.scenario.get("calendar", {}).get("days", 0))

    @property
    def replications(self) -> int:
        return int(self.manifest.get("replications", 1))

    @property
    def params(self) -> list[str]:
        """The swept (or sampled) parameters."""
        points = self.manifest.get("design_points") or []
        return list(points[0]) if points else []

    @property
    def base_samples(self) -> int | None:
        """A sensitivity experiment's base sample size N (None when the manifest has none)."""
        sensitivity = (self.manifest.get("experiment") or {}).get("sensitivity") or {}
        n = sensitivity.get("n")
        return n if isinstance(n, int) and not isinstance(n, bool) else None

    @property
    def ok_runs(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"] if len(self.runs) else self.runs


TABLES = {  # file: the columns the report reads of it
    "runs.parquet": checks.RUN_COLUMNS,
    "daily.parquet": ("run_id", "variant", "seed", "day"),
    "day_profile.parquet": ("run_id", "variant"),
    "summary.csv": ("variant", "kpi", "mean", "ci_low", "ci_high", "n"),
    "winners.csv": ("kpi", "winner", "decided"),
    "sensitivity.csv": ("variant", "method", "output", "parameter"),
    "decomposition.csv": tuple(SPLIT_COLUMNS),
    "worlds.parquet": (),
    "differences.parquet": (),
    "intervals.parquet": (),
}


def _table(folder: Path, name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A table of the folder (an empty frame when it is absent); one that cannot be read or
    lacks a column the report reads is refused, naming the file."""
    path = folder / name
    if not path.exists():
        return pd.DataFrame()
    try:
        table = (
            pd.read_parquet(path)
            if path.suffix == ".parquet"
            else pd.read_csv(path, float_precision="round_trip")  # the values as written
        )
    except Exception as exc:  # pyarrow, pandas and the OS each raise their own kinds
        raise refuse(folder, name, f"cannot be read as a table ({type(exc).__name__})") from None
    if len(table.columns):
        checks.check_table(folder, name, table, TABLES[name] if columns is None else columns)
    return table


def _json(folder: Path, name: str) -> Any:
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise refuse(folder, name, "is unreadable (not JSON)") from None


def load_results(folder: str | Path) -> Results:
    """Read a results folder, checked: a folder that is not one, or is broken or edited, gets
    a message saying why; a partial one is read with notes saying what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"RESULTS_DIR {folder}: no such folder")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise UsageError(
            f"RESULTS_DIR {folder}: holds no manifest.json; give a folder that `ccsim run --out`, "
            "`compare`, `sweep`, `sensitivity` or `uncertainty` wrote"
        )
    manifest = _json(folder, "manifest.json")
    if not isinstance(manifest, dict):
        raise refuse(folder, "manifest.json", f"holds a {type(manifest).__name__}, not an object")
    kind = manifest.get("command") or ("run" if (folder / "kpis.json").is_file() else "")
    if kind not in KINDS:
        raise UsageError(f"RESULTS_DIR {folder}: results of {kind!r}; the report reads {KINDS}")
    checks.check_manifest(folder, manifest, kind)
    results = Results(folder, kind, manifest)
    if kind == "run":
        return _single_run(results)
    if not (folder / "runs.parquet").exists():
        raise refuse(folder, "runs.parquet", "is missing; the report reads the runs from it")
    results.runs = _table(folder, "runs.parquet")
    checks.check_runs(folder, results.runs, manifest)
    results.notes = checks.check_journal(folder, results.runs)
    results.notes += checks.completeness(results.runs, manifest, kind)
    results.daily = _table(folder, "daily.parquet")
    results.profile = _table(folder, "day_profile.parquet")
    results.summary = _table(folder, "summary.csv")
    results.winners = _table(folder, "winners.csv")
    results.sensitivity = _table(folder, "sensitivity.csv")
    results.decomposition = _decomposition(folder)
    results.worlds = _table(folder, "worlds.parquet")
    results.world_differences = _table(folder, "differences.parquet")
    if (folder / "uncertainty.json").exists():
        results.uncertainty = _json(folder, "uncertainty.json")
        if not isinstance(results.uncertainty, dict):
            raise refuse(folder, "uncertainty.json", "is not an object")
    if not results.daily.empty and not results.runs.empty:
        ok = set(results.ok_runs["run_id"])
        results.daily = results.daily[results.daily["run_id"].isin(ok)]
        if not results.profile.empty:
            results.profile = results.profile[results.profile["run_id"].isin(ok)]
    return results


def _decomposition(folder: Path) -> pd.DataFrame:
    """decomposition.csv (`experiments/what_drives_the_result.py --into`), refused when its
    parts do not add up to their totals: a split that does not add up is not drawn."""
    table = _table(folder, "decomposition.csv")
    if table.empty:
        return table
    problems = adds_up(table)
    if problems:
        raise UsageError(
            f"RESULTS_DIR {folder}: decomposition.csv does not add up ({problems[0]}); "
            "write it again with experiments/what_drives_the_result.py --into"
        )
    return table


def _single_run(results: Results) -> Results:
    """A `ccsim run --out` folder, shaped as an experiment of one run of one variant."""
    from sim.metrics import average_day  # the run's average day, as experiments keep it

    folder = results.folder
    kpis = _json(folder, "kpis.json") if (folder / "kpis.json").exists() else None
    if not isinstance(kpis, dict) or not all(
        isinstance(v, int | float | None) and not isinstance(v, bool) for v in kpis.values()
    ):
        raise refuse(folder, "kpis.json", "is missing or not an object of KPI numbers")
    results.kpis = {k: math.nan if v is None else v for k, v in kpis.items()}
    policy = (results.scenario.get("policy") or {}).get("name") or "run"
    head = {"run_id": "run", "variant": str(policy), "replication": 0}
    head["seed"] = results.manifest.get("seed", 0)
    results.runs = pd.DataFrame([{**head, "status": "ok", **results.kpis}])
    checks.check_runs(folder, results.runs, {"variants": {head["variant"]: {}}, "replications": 1})
    daily = _table(folder, "daily.parquet", ("day",))
    wrong = checks.adds_up(results.kpis, daily)
    if wrong:
        raise refuse(folder, "kpis.json", f"{wrong}: the folder was edited after the run")
    results.daily = daily.assign(**head) if not daily.empty else daily
    intervals = _table(folder, "intervals.parquet")
    if not intervals.empty:
        results.profile = average_day(intervals).assign(**head)
    return results
