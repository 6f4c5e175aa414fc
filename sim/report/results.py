"""A results folder as the report reads it: what `ccsim run`, `compare`, `sweep`,
`sensitivity` or `uncertainty` wrote there."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError
from sim.experiments.decomposition import adds_up

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
    def ok_runs(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] == "ok"] if len(self.runs) else self.runs


def _table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path) if path.is_file() else pd.DataFrame()
    return pd.read_csv(path) if path.is_file() else pd.DataFrame()


def load_results(folder: str | Path) -> Results:
    """Read a results folder; a folder that is not one gets a message saying why."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"RESULTS_DIR {folder}: no such folder")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise UsageError(
            f"RESULTS_DIR {folder}: holds no manifest.json; give a folder that `ccsim run --out`, "
            "`compare`, `sweep`, `sensitivity` or `uncertainty` wrote"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(f"RESULTS_DIR {folder}: manifest.json is unreadable") from None
    kind = manifest.get("command") or ("run" if (folder / "kpis.json").is_file() else "")
    if kind not in KINDS:
        raise UsageError(f"RESULTS_DIR {folder}: results of {kind!r}; the report reads {KINDS}")
    results = Results(folder, kind, manifest)
    if kind == "run":
        return _single_run(results)
    results.runs = _table(folder / "runs.parquet")
    results.daily = _table(folder / "daily.parquet")
    results.profile = _table(folder / "day_profile.parquet")
    results.summary = _table(folder / "summary.csv")
    results.winners = _table(folder / "winners.csv")
    results.sensitivity = _table(folder / "sensitivity.csv")
    results.decomposition = _decomposition(folder)
    results.worlds = _table(folder / "worlds.parquet")
    results.world_differences = _table(folder / "differences.parquet")
    summary = folder / "uncertainty.json"
    if summary.is_file():
        try:
            results.uncertainty = json.loads(summary.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UsageError(f"RESULTS_DIR {folder}: uncertainty.json is unreadable") from None
    if not results.daily.empty and not results.runs.empty:
        ok = set(results.ok_runs["run_id"])
        results.daily = results.daily[results.daily["run_id"].isin(ok)]
        if not results.profile.empty:
            results.profile = results.profile[results.profile["run_id"].isin(ok)]
    return results


def _decomposition(folder: Path) -> pd.DataFrame:
    """decomposition.csv (`experiments/what_drives_the_result.py --into`), refused when its
    parts do not add up to their totals: a split that does not add up is not drawn."""
    table = _table(folder / "decomposition.csv")
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
    results.kpis = json.loads((folder / "kpis.json").read_text(encoding="utf-8"))
    policy = (results.scenario.get("policy") or {}).get("name") or "run"
    head = {"run_id": "run", "variant": policy, "replication": 0}
    head["seed"] = results.manifest.get("seed", 0)
    results.runs = pd.DataFrame([{**head, "status": "ok", **results.kpis}])
    daily = _table(folder / "daily.parquet")
    results.daily = daily.assign(**head) if not daily.empty else daily
    intervals = _table(folder / "intervals.parquet")
    if not intervals.empty:
        results.profile = average_day(intervals).assign(**head)
    return results
