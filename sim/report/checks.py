"""Checks of a results folder before the report reads a number of it: the manifest's fields,
the runs table against the manifest's design, and every run row against the journal (`runs/`,
one JSON file per finished run, see `sim.experiments.store`).

A folder that is broken or was edited after the runs is refused (`UsageError`, one line
naming the file and the field); a folder that is only partial (interrupted, failed runs, still
running) is read, with a `Note` the report puts first in its headline.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError
from sim.experiments.store import journal_files, journal_problem

RUN_COLUMNS = ("run_id", "variant", "replication", "seed", "status")
HEADLINE_KPIS = ("profit_after_churn", "service_level")
"""KPIs the headline reads: a table where one is never a number is refused."""
ADDITIVE = (
    "offered",
    "handled",
    "abandoned",
    "revenue",
    "cost",
    "profit_after_churn",
    "newcomers",
    "acquired_value",
    "acquisition_cost",
    "public_stories",
)
"""A run's KPIs that are the sum of its daily values (measured days only)."""


@dataclass(frozen=True)
class Note:
    """A statement the report makes first: a text key of the language tables and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


def refuse(folder: Path, file: str, problem: str) -> UsageError:
    """The one-line refusal: the folder, the file in it, what is wrong."""
    return UsageError(f"RESULTS_DIR {folder}: {file}: {problem}")


def _whole(value: Any, least: int = 0) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= least


def check_manifest(folder: Path, manifest: Any, kind: str) -> None:
    """The manifest's fields the report reads, each of the right type."""
    if not isinstance(manifest, dict):
        raise refuse(folder, "manifest.json", f"holds a {type(manifest).__name__}, not an object")
    scenario_field = "scenario" if kind == "run" else "base_scenario"
    wanted: list[tuple[str, Any, str]] = [(scenario_field, dict, "an object (the scenario)")]
    if kind != "run":
        wanted += [
            ("name", str, "the experiment's name (text)"),
            ("replications", int, "a whole number of at least 1"),
            ("variants", dict, "an object of the variants"),
        ]
    for name, kind_of, what in wanted:
        value = manifest.get(name)
        bad = not _whole(value, 1) if kind_of is int else not isinstance(value, kind_of)
        if bad or (kind_of is dict and not value):
            shown = "missing" if name not in manifest else f"= {value!r:.40}"
            raise refuse(folder, "manifest.json", f"field {name} {shown}: {what} is expected")
    for name, kind_of in (("design_points", list), ("status", str), ("experiment", dict)):
        if name in manifest and not isinstance(manifest[name], kind_of | None):
            raise refuse(folder, "manifest.json", f"field {name} = {manifest[name]!r:.40}")
    points = manifest.get("design_points") or []
    if not all(isinstance(p, dict) for p in points):
        raise refuse(folder, "manifest.json", "field design_points: a list of objects is expected")
    scenario = manifest[scenario_field]
    calendar = scenario.get("calendar")
    if not isinstance(calendar, dict) or not _whole(calendar.get("days"), 1):
        raise refuse(
            folder, "manifest.json", f"field {scenario_field}.calendar.days is not a day count"
        )
    currency = (scenario.get("money") or {}).get("currency", "EUR")
    if not isinstance(currency, str):
        raise refuse(
            folder, "manifest.json", f"field {scenario_field}.money.currency = {currency!r:.40}"
        )


def check_table(folder: Path, file: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """A table read from `file` has these columns."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise refuse(folder, file, f"has no column {', '.join(missing)}")


def check_runs(folder: Path, runs: pd.DataFrame, manifest: dict[str, Any]) -> None:
    """runs.parquet as the manifest's design says: one row a run, known variants and
    replications, one row per variant, replication and design point, finite KPIs."""
    check_table(folder, "runs.parquet", runs, RUN_COLUMNS)
    counts = runs["run_id"].value_counts()
    if len(counts) and counts.iloc[0] > 1:
        raise refuse(
            folder,
            "runs.parquet",
            f"run_id {counts.index[0]} is in {counts.iloc[0]} rows; each run is one row (the "
            "table was edited or mixed with another)",
        )
    unknown = sorted(set(map(str, runs["variant"])) - set(manifest["variants"]))
    if unknown:
        raise refuse(folder, "runs.parquet", f"variant {unknown[0]!r} is not in the manifest")
    reps = manifest["replications"]
    good = runs["replication"].map(lambda r: _whole(r) and r < reps)
    if not good.all():
        bad = runs.loc[~good, "replication"].iloc[0]
        raise refuse(folder, "runs.parquet", f"replication {bad!r} is not one of 0 to {reps - 1}")
    params = [c for c in dict.fromkeys(k for p in manifest.get("design_points") or [] for k in p)]
    if manifest.get("command") != "uncertainty":
        keys = ["variant", "replication", *(c for c in params if c in runs)]
        twice = runs.duplicated(keys)
        if twice.any():
            row = runs.loc[twice].iloc[0]
            raise refuse(
                folder,
                "runs.parquet",
                f"variant {row['variant']!r}, replication {row['replication']} is in two rows "
                "at the same design point",
            )
    _check_kpis(folder, runs, set(RUN_COLUMNS) | set(params))


def _check_kpis(folder: Path, runs: pd.DataFrame, heads: set[str]) -> None:
    ok = runs[runs["status"] == "ok"]
    for column in runs.columns:
        if column in heads or column in ("error", "wall_seconds"):
            continue
        values = ok[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            if column in HEADLINE_KPIS or len(values.dropna()):
                raise refuse(folder, "runs.parquet", f"column {column} does not hold numbers")
            continue
        if np.isinf(values.to_numpy(dtype=float)).any():
            raise refuse(folder, "runs.parquet", f"column {column} holds an infinite value")
        if column in HEADLINE_KPIS and len(values) and values.isna().all():
            raise refuse(folder, "runs.parquet", f"column {column} has no value in any run")


def completeness(runs: pd.DataFrame, manifest: dict[str, Any], kind: str) -> list[Note]:
    """A note when the experiment did not finish every run of its design: how many of how
    many, and which variants are missing or short."""
    status = str(manifest.get("status") or "complete")
    variants = list(manifest["variants"])
    ok = runs[runs["status"] == "ok"]
    done = ok["variant"].astype(str).value_counts()
    if kind == "uncertainty":  # worlds decide which runs there are: the status says it
        if status == "complete":
            return []
        return [Note("folder_incomplete", {"done": len(ok), "total": len(runs), "status": status})]
    points = {
        json.dumps(p, sort_keys=True, default=str) for p in manifest.get("design_points") or []
    }
    each = max(len(points), 1) * manifest["replications"]
    short = [(v, int(done.get(v, 0)), each) for v in variants if done.get(v, 0) < each]
    if status == "complete" and not short:
        return []
    total = each * len(variants)
    notes = [Note("folder_incomplete", {"done": len(ok), "total": total, "status": status})]
    if short:
        notes.append(Note("folder_short", {"short": short}))
    return notes


def read_journal(folder: Path) -> dict[str, dict[str, Any]] | None:
    """The journal's records by run id; None when the folder has no journal."""
    journal = folder / "runs"
    if not journal.exists():
        return None
    if not journal.is_dir():
        raise refuse(folder, "runs", "is a file, not the journal folder of the runs")
    records: dict[str, dict[str, Any]] = {}
    for path in journal_files(journal):
        name = f"runs/{path.name}"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise refuse(folder, name, "is unreadable (not a JSON object)") from None
        if not isinstance(record, dict) or not isinstance(record.get("kpis"), dict):
            raise refuse(folder, name, "is not a run's record (no kpis object)")
        problem = journal_problem(record, digest_required=False)
        if problem:
            raise refuse(folder, name, f"{problem}; run the experiment again")
        if record.get("run_id") in records:
            raise refuse(folder, name, f"records run {record.get('run_id')} a second time")
        records[str(record.get("run_id"))] = record
    return records


def _same(a: Any, b: Any) -> bool:
    """Equal as the journal and the table hold them: JSON null is NaN."""
    a = math.nan if a is None else a
    b = math.nan if b is None else b
    try:
        return (math.isnan(a) and math.isnan(b)) or a == b
    except TypeError:
        return a == b


def adds_up(kpis: dict[str, Any], daily: list[dict[str, Any]] | pd.DataFrame) -> str | None:
    """The first additive KPI that is not the sum of its daily values (None when all are)."""
    days = pd.DataFrame(daily)
    for kpi in ADDITIVE:
        value = kpis.get(kpi)
        if kpi not in days or not isinstance(value, int | float) or not len(days):
            continue
        total = float(pd.to_numeric(days[kpi], errors="coerce").sum())
        if not math.isclose(value, total, rel_tol=1e-6, abs_tol=1e-6):
            return f"{kpi} = {value:.6g}, its days add up to {total:.6g}"
    return None


def check_journal(folder: Path, runs: pd.DataFrame) -> list[Note]:
    """Every row of runs.parquet equals its journal record, and every record adds up; a
    folder without a journal is read with a note that it could not be checked."""
    records = read_journal(folder)
    if records is None:
        return [Note("folder_unchecked")]
    undigested = sum("digest" not in record for record in records.values())
    notes = [Note("journal_undigested", {"count": undigested})] if undigested else []
    differ: list[str] = []
    for row in runs.to_dict("records"):
        record = records.get(str(row["run_id"]))
        if record is None:
            differ.append(f"run {row['run_id']} has no journal record")
            continue
        if record.get("status") != row["status"]:
            differ.append(f"run {row['run_id']}: status {row['status']!r}")
        for kpi, value in record["kpis"].items():
            if kpi in row and not _same(row[kpi], value):
                differ.append(
                    f"run {row['run_id']}: {kpi} is {row[kpi]!r:.12} here, {value!r:.12} in runs/"
                )
                break
        wrong = adds_up(record["kpis"], record.get("daily") or [])
        if wrong:
            raise refuse(
                folder,
                f"runs/{row['run_id']}.json",
                f"{wrong}: the journal was edited after the run; run the experiment again",
            )
    if differ:
        raise refuse(
            folder,
            "runs.parquet",
            f"differs from the journal (runs/) for {len(differ)} run{'s' * (len(differ) != 1)} "
            f"({differ[0]}): the folder was edited after the runs; restore it or run the "
            "experiment again",
        )
    return notes
