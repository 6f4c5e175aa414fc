"""What the dashboard hands out: the what-if as a scenario TOML that `ccsim run` accepts, and
its results as the files `ccsim compare` writes, with the report of the pair — all written
inside the folder the dashboard was started for."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sim.dashboard.service import Answer
from sim.experiments.execution import summarize_results
from sim.experiments.store import ResultStore
from sim.files import write_atomic, write_json
from sim.report import write_report

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if BARE_KEY.match(name) else json.dumps(name)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A nested dict as TOML: plain values first, then one [table] per sub-dict; None is left
    out (the scenario's default applies)."""
    lines = [
        f"{_key(k)} = {_value(v)}"
        for k, v in data.items()
        if v is not None and not isinstance(v, dict)
    ]
    for name, value in data.items():
        if isinstance(value, dict):
            table = f"{prefix}{_key(name)}"
            body = to_toml(value, table + ".")
            lines.append(f"\n[{table}]\n{body}" if body.strip() else f"\n[{table}]")
    return "\n".join(lines).strip() + "\n"


def scenario_toml(answer: Answer, variant: str = "what-if") -> str:
    """The resolved scenario of `variant` as TOML (every setting spelled out)."""
    task = next(t for t in answer.experiment.tasks if t.variant == variant)
    scenario = dict(task.scenario)
    header = "# A what-if exported from the ccsim dashboard: ccsim run this file\n"
    return header + to_toml(scenario)


def write_results(answer: Answer, folder: Path) -> Path:
    """The comparison as `ccsim compare` writes it (tables, summary, manifest), the report of
    the pair, and the what-if scenario, in a new folder under `folder`; returns it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = Path(folder) / f"dashboard-{stamp}"
    store = ResultStore(out)
    for record in answer.records.values():
        store.record(record)
    store.consolidate(answer.experiment.tasks, answer.records)
    summarize_results(answer.experiment, store, answer.records)
    write_json(out / "manifest.json", _manifest(answer))
    write_atomic(
        out / "what-if.toml",
        lambda tmp: Path(tmp).write_text(scenario_toml(answer), encoding="utf-8"),
    )
    write_report(out)
    return out


def _manifest(answer: Answer) -> dict[str, Any]:
    from sim.experiments.execution import manifest

    started = datetime.now().isoformat(timespec="seconds")
    return manifest(answer.experiment, "dashboard (warm process pool)", started, status="complete")


def zipped(folder: Path) -> Path:
    """`folder` as a zip beside it."""
    return Path(shutil.make_archive(str(folder), "zip", folder))
