"""The column mapping of an ACD export: a small TOML file naming the export's columns, its
date format, time zone, outcome values and duration unit. Every ACD names its columns
differently; an export with the documented default column names needs no mapping."""

from __future__ import annotations

import tomllib
import zoneinfo
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.calibration.sessions import BREAK_MINUTES
from sim.errors import ExportError, did_you_mean

CONTACT_FIELDS = {
    "arrived_at": "arrival date and time",
    "outcome": "answered or abandoned",
    "wait_seconds": "wait before answer or abandonment",
    "talk_seconds": "talk time of an answered contact",
    "acw_seconds": "after-call work of an answered contact",
    "agent": "agent id (optional)",
    "queue": "queue or skill (optional)",
    "caller": "caller id (optional)",
    "code": "outcome or wrap-up code (optional)",
}
"""Our names of a per-contact export's columns (also the default column names)."""

INTERVAL_FIELDS = {
    "interval_start": "start date and time of the interval",
    "offered": "contacts offered",
    "answered": "contacts answered",
    "abandoned": "contacts abandoned",
    "asa_seconds": "average speed of answer (optional)",
    "aht_seconds": "average handle time (optional)",
    "service_level": "service level, share 0..1 or percent 0..100 (optional)",
    "staff": "staff logged in (optional)",
    "answered_in_target": "answered within the service-level threshold (optional)",
}
"""Our names of an interval export's columns (also the default column names)."""

MAX_MAPPING_BYTES = 100_000


class OutcomeValues(BaseModel):
    """Which values of the outcome column mean answered and which abandoned."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    answered: list[str] = Field(default_factory=lambda: ["answered"], min_length=1)
    abandoned: list[str] = Field(default_factory=lambda: ["abandoned"], min_length=1)


class Mapping(BaseModel):
    """How to read one ACD export: its kind, its column names and formats."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    kind: Literal["contacts", "intervals"] = "contacts"
    columns: dict[str, str] = Field(default_factory=dict)
    datetime_format: str | None = None
    timezone: str | None = None
    outcome_values: OutcomeValues = Field(default_factory=OutcomeValues)
    duration_unit: Literal["seconds", "milliseconds", "hh:mm:ss"] = "seconds"
    interval_minutes: int | None = Field(None, ge=1, le=1440)
    service_level_seconds: float = Field(20.0, ge=0)
    break_minutes: float = Field(BREAK_MINUTES, gt=0, le=240)
    failure_codes: list[str] = Field(default_factory=list)
    delimiter: str | None = Field(None, min_length=1, max_length=1)

    @field_validator("columns")
    @classmethod
    def _our_names(cls, value: dict[str, str]) -> dict[str, str]:
        known = {**CONTACT_FIELDS, **INTERVAL_FIELDS}
        for ours in value:
            if ours not in known:
                raise ValueError(
                    f"{ours!r} is none of our column names{did_you_mean(ours, known)}; allowed: "
                    + ", ".join(known)
                )
        return value

    @field_validator("interval_minutes")
    @classmethod
    def _tiles_the_day(cls, value: int | None) -> int | None:
        if value is not None and 1440 % value:
            raise ValueError("the intervals must tile the day: 5, 10, 15, 20, 30, 60 ... minutes")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = did_you_mean(value, zoneinfo.available_timezones())
            raise ValueError(
                f"{value!r} is no IANA time zone{close}; e.g. 'Europe/Amsterdam'"
            ) from None
        return value

    def column(self, ours: str) -> str:
        """The export's name of our column `ours`."""
        return self.columns.get(ours, ours)

    @property
    def fields(self) -> dict[str, str]:
        """Our column names for this kind of export."""
        return CONTACT_FIELDS if self.kind == "contacts" else INTERVAL_FIELDS


def _describe(error: dict[str, Any]) -> str:
    """One line per pydantic error: the key, the value and what is allowed."""
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        keys = [*Mapping.model_fields, "outcome_values.answered", "outcome_values.abandoned"]
        return f"unknown key {key!r}{did_you_mean(key, keys)}"
    return f"{key} = {error.get('input')!r}: {message}"


def validate_mapping(data: dict[str, Any], source: str | None = None) -> Mapping:
    """A Mapping from a parsed TOML table; ExportError naming the key otherwise."""
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise ExportError([_describe(e) for e in exc.errors()], source) from None


def load_mapping(path: str | Path | None) -> Mapping:
    """Read a mapping TOML file (None: the defaults); ExportError naming the file and key."""
    if path is None:
        return Mapping()
    path = Path(path)
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise ExportError(f"a mapping has at most {MAX_MAPPING_BYTES:,} bytes", str(path))
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ExportError("mapping file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read the mapping: {exc}", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ExportError(f"malformed TOML: {exc}", str(path)) from None
    return validate_mapping(data, str(path))
