"""Dotted-key overrides (`staffing.employees = 45`): from the command line, experiment files and
the Python API, applied to a scenario's data before it is validated."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from typing import Any

from sim.errors import ScenarioError


def flatten(overrides: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys: `{"staffing": {"scale": 1.1}}` (TOML's own dotted keys,
    `--set 'staffing={scale=1.1}'`, a dict in Python) becomes `{"staffing.scale": 1.1}`, so an
    override changes the keys it names and merges into the section instead of replacing it."""
    flat: dict[str, Any] = {}
    for key, value in overrides.items():
        dotted = f"{prefix}{key}"
        if hasattr(value, "item") and getattr(value, "shape", None) == ():  # a numpy scalar
            value = value.item()
        if isinstance(value, dict) and value:
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Copy of `data` with each dotted key set to its value (tables are created as needed;
    a table given as a value merges into the table it names)."""
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ScenarioError(
            f"overrides {overrides!r:.60}: a mapping of dotted keys to values is allowed, "
            "like {'staffing.employees': 45}"
        )
    data = copy.deepcopy(data)
    for dotted, value in flatten(overrides or {}).items():
        parts = dotted.split(".")
        if not all(parts):
            raise ScenarioError(
                f"override key {dotted!r} is not a dotted key like 'staffing.employees'"
            )
        node = data
        for i, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ScenarioError(
                    f"cannot set {dotted!r}: {'.'.join(parts[: i + 1])!r} is a value, not a table"
                )
            node = child
        node[parts[-1]] = value
    return data


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a command-line 'key=value'; the value is read as TOML, else taken as a string."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ValueError(f"--set {text!r}: expected KEY=VALUE, e.g. staffing.employees=45")
    raw = raw.strip()
    try:
        return key, tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return key, raw
    except RecursionError:
        raise ValueError(f"--set {key}: the value is nested too deep") from None
