"""The key reference: every scenario key with its type, default and description (`ccsim keys`,
docs/SCENARIOS.md)."""

from __future__ import annotations

import json
from typing import Any

from sim.scenario.scenario import Scenario


def _schema_type(prop: dict[str, Any]) -> str:
    """Short human description of a JSON-schema property: type, choices and bounds."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    optional = len(options) < len(prop.get("anyOf", [prop]))
    parts = []
    for option in options:
        if "enum" in option:
            text = "one of " + ", ".join(map(str, option["enum"]))
        elif option.get("type") == "array":
            text = "list of " + _schema_type(option.get("items", {}))
        elif option.get("type") == "object":
            text = "table of " + _schema_type(option.get("additionalProperties", {}))
        else:
            text = {"number": "number", "integer": "integer", "string": "text"}.get(
                option.get("type", ""), option.get("type", "any")
            )
        bounds = [
            f"{sign} {option[name]}"
            for name, sign in (
                ("minimum", ">="),
                ("exclusiveMinimum", ">"),
                ("maximum", "<="),
                ("exclusiveMaximum", "<"),
            )
            if name in option
        ]
        parts.append(" ".join([text, ", ".join(bounds)]) if bounds else text)
    return " or ".join(parts) + (" (optional)" if optional else "")


def key_reference() -> list[dict[str, str]]:
    """Every leaf key with its type, default and description, for `ccsim keys` and the docs."""
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    defaults = Scenario().to_dict()
    rows = []
    for section, prop in schema["properties"].items():
        ref = prop.get("$ref")
        if ref is None:
            rows.append((section, prop, defaults[section]))
            continue
        for name, leaf in defs[ref.split("/")[-1]]["properties"].items():
            rows.append((f"{section}.{name}", leaf, defaults[section][name]))
    return [
        {
            "key": key,
            "type": _schema_type(prop),
            "default": json.dumps(default),
            "description": prop.get("description", ""),
        }
        for key, prop, default in rows
    ]
