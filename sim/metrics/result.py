"""The result of one run, and writing it to disk (Parquet tables, KPI JSON, manifest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.files import write_json, write_parquet
from sim.scenario import Scenario
from sim.version import __version__


@dataclass
class RunResult:
    """KPIs and tables of one run of one scenario with one seed."""

    scenario: Scenario
    seed: int
    kpis: dict[str, float]
    calls: pd.DataFrame
    intervals: pd.DataFrame
    daily: pd.DataFrame
    snapshots: pd.DataFrame  # Mesa DataCollector: state at the end of every interval
    policy: dict[str, Any] | None = None  # the policy object the run used (None: pure queue)
    wall_seconds: float = 0.0
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def manifest(self) -> dict[str, Any]:
        """What produced these results: the resolved scenario, the policy the run used (its
        class and parameters, preset and overrides applied), seed, version and run time."""
        return {
            "package": "ccsim",
            "version": __version__,
            "seed": self.seed,
            "started_at": self.started_at,
            "wall_seconds": round(self.wall_seconds, 3),
            "scenario": self.scenario.to_dict(),
            "policy": self.policy,
        }

    def write(self, out: str | Path) -> Path:
        """Write calls, intervals and daily tables (Parquet), KPIs and manifest (JSON) to `out`."""
        out = Path(out)
        write_parquet(out / "calls.parquet", self.calls)
        write_parquet(out / "intervals.parquet", self.intervals)
        write_parquet(out / "daily.parquet", self.daily)
        write_json(out / "kpis.json", self.kpis)
        write_json(out / "manifest.json", self.manifest())
        return out
