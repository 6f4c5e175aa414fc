"""Reading scenario files: TOML, then overrides, then validation; every failure a ScenarioError."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario, validate


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning a missing file or a syntax error into a ScenarioError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"file not found: {path}") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"malformed TOML in {path}: {exc}") from None


def load_scenario(
    path: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> Scenario:
    """Read a scenario TOML file (or the defaults when `path` is None) and apply overrides."""
    data = read_toml(path) if path is not None else {}
    return validate(apply_overrides(data, overrides), str(path) if path is not None else None)
