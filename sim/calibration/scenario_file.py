"""The calibrated scenario as a TOML file in which every value says where it came from: the
estimate, its 95 % CI, the method and the rows it rests on, or the assumption it is."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from typing import Any

from sim.calibration.records import Estimate, Export
from sim.scenario import Scenario
from sim.scenario.scenario import validate

SECTION_ORDER = (
    "calendar",
    "arrivals",
    "service",
    "after_call_work",
    "patience",
    "redial",
    "staffing",
    "shifts",
    "kpi",
    "behavior",
    "customers",
    "demand",
    "policy",
)


@dataclass
class Entry:
    """One key of the file: its value and the comment lines above it."""

    value: Any
    comments: list[str] = field(default_factory=list)


@dataclass
class Draft:
    """A scenario being written: sections of commented keys, a header and reported figures."""

    header: list[str] = field(default_factory=list)
    top: dict[str, Entry] = field(default_factory=dict)
    sections: dict[str, dict[str, Entry]] = field(default_factory=dict)
    reported: list[Estimate] = field(default_factory=list)

    def set(self, key: str, value: Any, *comments: str) -> None:
        """Set a dotted key ("arrivals.rate_per_hour", or "name") with its comment lines."""
        section, _, name = key.rpartition(".")
        entry = Entry(value, [c for c in comments if c])
        if section:
            self.sections.setdefault(section, {})[name] = entry
        else:
            self.top[name] = entry

    def update(self, key: str, value: Any) -> None:
        """Change a dotted key's value, keeping its comments (set it when it is new)."""
        section, _, name = key.rpartition(".")
        entries = self.sections.get(section, {}) if section else self.top
        if name in entries:
            entries[name].value = value
        else:
            self.set(key, value)

    def value(self, key: str) -> Any:
        """The value set for a dotted key (KeyError when not set)."""
        section, _, name = key.rpartition(".")
        return (self.sections[section] if section else self.top)[name].value

    def add(self, estimate: Estimate) -> None:
        """An estimate: set its key with its comment, or keep it as a reported figure."""
        if estimate.key:
            self.set(estimate.key, _rounded(estimate.key, estimate.value), estimate.comment())
        else:
            self.reported.append(estimate)

    def data(self) -> dict[str, Any]:
        """The nested dict a Scenario validates."""
        out: dict[str, Any] = {name: e.value for name, e in self.top.items()}
        for section, entries in self.sections.items():
            node = out
            for part in section.split("."):
                node = node.setdefault(part, {})
            node.update({name: e.value for name, e in entries.items()})
        return out

    def scenario(self) -> Scenario:
        """The validated scenario (a ScenarioError names any value the model refuses); the file's
        text must read back to exactly it."""
        scenario = validate(self.data(), "the calibrated scenario")
        if validate(tomllib.loads(self.text())) != scenario:
            raise RuntimeError("the scenario file does not read back to the scenario estimated")
        return scenario

    def text(self) -> str:
        """The TOML file: header, top-level keys, sections in the scenario's order, and the
        figures the model has no key for as a closing comment block."""
        lines = [f"# {h}" if h else "#" for h in self.header]
        for name, entry in self.top.items():
            lines += _entry(name, entry)
        for section in sorted(self.sections, key=_section_rank):
            lines += ["", f"[{section}]"]
            for name, entry in self.sections[section].items():
                lines += _entry(name, entry)
        if self.reported:
            lines += ["", "# Reported, not set (the model has no key for these):"]
            for estimate in self.reported:
                lines += _wrapped(
                    f"{estimate.value}: {estimate.comment()}"
                    if not isinstance(estimate.value, int | float)
                    else estimate.comment()
                )
        return "\n".join(lines) + "\n"


def _section_rank(section: str) -> tuple[int, str]:
    head = section.split(".")[0]
    rank = SECTION_ORDER.index(head) if head in SECTION_ORDER else len(SECTION_ORDER)
    return rank, section


def _entry(name: str, entry: Entry) -> list[str]:
    lines: list[str] = []
    for comment in entry.comments:
        lines += _wrapped(comment)
    return [*lines, f"{name} = {toml_value(entry.value)}"]


def _wrapped(text: str, width: int = 98) -> list[str]:
    """A comment over as many `# ` lines as it needs."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width - 2:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [f"# {x}" for x in [*lines, line] if x]


def toml_value(value: Any) -> str:
    """A value as TOML: strings, booleans, numbers, lists (twelve to a line) and inline tables."""
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be written to a scenario")
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        items = [toml_value(v) for v in value]
        if len(items) <= 12:
            return "[" + ", ".join(items) + "]"
        rows = [", ".join(items[i : i + 12]) for i in range(0, len(items), 12)]
        return "[\n  " + ",\n  ".join(rows) + ",\n]"
    raise TypeError(f"cannot write {type(value).__name__} to a scenario")


DECIMALS = {"profile": 3, "day_of_week": 3, "probability": 3, "cv": 3}


def _rounded(key: str, value: Any) -> Any:
    """Values as a person reads them: factors and shares to 3 decimals, seconds and rates to 1;
    whole-number lists stay whole."""
    name = key.rpartition(".")[2]
    digits = DECIMALS.get(name, 1)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _rounded(key, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(key, v) for v in value]
    if hasattr(value, "item"):  # a numpy scalar
        return _rounded(key, value.item())
    return value


def calendar_entries(draft: Draft, export: Export, warmup_days: int) -> None:
    """The calendar the export shows: its dates, opening hours, interval and weekdays."""
    dates = sorted(export.observed["date"].unique())
    first = export.observed.loc[export.observed["date"] == dates[0], "weekday"].iloc[0]
    source = f"the export: {len(dates)} dates, {str(dates[0])[:10]} to {str(dates[-1])[:10]}"
    draft.set("calendar.days", len(dates), f"as many measured days as {source}")
    draft.set(
        "calendar.warmup_days",
        warmup_days,
        "simulated first and counted nowhere, so the measured days start from a settled queue "
        "(assumption)",
    )
    draft.set("calendar.start_weekday", first, "the weekday of the export's first date")
    draft.set("calendar.open_from", export.open_from, "the first interval with contacts")
    draft.set(
        "calendar.open_until", export.open_until, "the end of the last interval with contacts"
    )
    draft.set("calendar.interval_minutes", export.interval_minutes, "the export's interval")
    draft.set("calendar.weekdays", list(export.weekdays), "the weekdays with contacts")
    draft.set(
        "kpi.service_level_seconds",
        float(export.service_level_seconds),
        "the service-level threshold the export's service level is measured against",
    )
