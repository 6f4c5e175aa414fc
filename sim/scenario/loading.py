"""Reading scenario files: TOML, then overrides, then validation; every failure a ScenarioError."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.scenario.overrides import apply_overrides
from sim.scenario.scenario import Scenario, validate

MAX_FILE_BYTES = 1_000_000
"""Scenario and experiment files are a few kilobytes; a larger one is a mistake."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning a missing file or a syntax error into a ScenarioError."""
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise ScenarioError(f"cannot read {path}: not a regular file (a device or a pipe)")
    try:
        if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{path}: {path.stat().st_size:,} bytes; a scenario or experiment file may have "
                f"at most {MAX_FILE_BYTES:,}"
            )
        text = path.read_text(encoding="utf-8-sig")  # a UTF-8 byte-order mark is fine
    except FileNotFoundError:
        raise ScenarioError(f"file not found: {path}") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {path}: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"malformed TOML in {path}: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: tables or arrays nested too deep") from None


def load_scenario(
    path: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> Scenario:
    """Read a scenario TOML file (or the defaults when `path` is None) and apply overrides."""
    if path is not None and not isinstance(path, str | os.PathLike):
        raise ScenarioError(f"path {path!r:.60}: a file name (str or Path) or None is allowed")
    data = read_toml(path) if path is not None else {}
    return validate(apply_overrides(data, overrides), str(path) if path is not None else None)
