"""The result of one run, and writing it to disk (Parquet tables, KPI JSON, manifest)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.scenario import Scenario
from sim.version import __version__


def json_ready(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) with null, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def _read_umask() -> int:
    mask = os.umask(0)  # the only portable way to read it; done once, at import
    os.umask(mask)
    return mask


UMASK = _read_umask()


def write_atomic(path: Path, write: Any) -> None:
    """Write a file via a temporary sibling and an atomic rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; results follow the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Atomically write `data` as indented JSON (NaN as null)."""
    text = json.dumps(json_ready(data), indent=2, allow_nan=False) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as Parquet."""
    write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


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
    wall_seconds: float = 0.0
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def manifest(self) -> dict[str, Any]:
        """What produced these results: the resolved scenario (with the policy's parameters as
        its preset and overrides resolve them), seed, version and run time."""
        from sim.policies import describe

        behavioural = self.scenario.behavior.enabled
        return {
            "package": "ccsim",
            "version": __version__,
            "seed": self.seed,
            "started_at": self.started_at,
            "wall_seconds": round(self.wall_seconds, 3),
            "scenario": self.scenario.to_dict(),
            "policy": describe(self.scenario.policy) if behavioural else None,
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
