"""Validated scenario configuration: TOML files, dotted overrides and clear errors.

Every key has a default, so a scenario file states only what differs from the defaults.
"""

from __future__ import annotations

import copy
import difflib
import json
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from sim import behavior_config as bc
from sim.config_base import NonNegative, Positive, Probability, Section
from sim.errors import ScenarioError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_clock(text: str) -> int:
    """Seconds after midnight for an "HH:MM" clock time ("24:00": the end of the day)."""
    try:
        hours, minutes = text.split(":")
        h, m = int(hours), int(minutes)
    except ValueError:
        raise ValueError(f"{text!r} is not a clock time; use 'HH:MM', e.g. '08:30'") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m != 0):
        raise ValueError(f"{text!r} is not a clock time between '00:00' and '24:00'")
    return h * 3600 + m * 60


class Calendar(Section):
    """Opening days and hours, and the length of a reporting interval."""

    days: int = Field(5, ge=1, le=3660, description="number of consecutive opening days simulated")
    open_from: str = Field("08:00", description="opening time, HH:MM")
    open_until: str = Field("20:00", description="closing time, HH:MM ('24:00' = midnight)")
    interval_minutes: int = Field(15, ge=1, le=1440, description="reporting/staffing interval")
    weekdays: list[Literal[WEEKDAYS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        min_length=1,
        description="weekdays the center is open; simulated days cycle through them",
    )
    start_weekday: Literal[WEEKDAYS] | None = Field(  # type: ignore[valid-type]
        None, description="weekday of the first simulated day (default: the first of weekdays)"
    )

    @field_validator("open_from", "open_until")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_clock(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Calendar:
        if self.close_second <= self.open_second:
            raise ValueError(
                f"calendar.open_until ({self.open_until!r}) must be later than "
                f"calendar.open_from ({self.open_from!r})"
            )
        if (self.close_second - self.open_second) % self.interval_seconds:
            raise ValueError(
                f"the opening hours {self.open_from}-{self.open_until} are not a whole number of "
                f"calendar.interval_minutes ({self.interval_minutes})"
            )
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError(f"calendar.weekdays {self.weekdays} names a weekday twice")
        if self.start_weekday is not None and self.start_weekday not in self.weekdays:
            raise ValueError(
                f"calendar.start_weekday {self.start_weekday!r} is not one of calendar.weekdays "
                f"{self.weekdays}"
            )
        return self

    @property
    def open_second(self) -> int:
        return parse_clock(self.open_from)

    @property
    def close_second(self) -> int:
        return parse_clock(self.open_until)

    @property
    def interval_seconds(self) -> int:
        return self.interval_minutes * 60

    @property
    def intervals_per_day(self) -> int:
        return (self.close_second - self.open_second) // self.interval_seconds

    def weekday(self, day: int) -> str:
        """Weekday name of simulated day `day` (0-based)."""
        first = self.weekdays.index(self.start_weekday) if self.start_weekday else 0
        return self.weekdays[(first + day) % len(self.weekdays)]


class Arrivals(Section):
    """Poisson arrivals: a base rate shaped by an optional intraday profile and weekday factors."""

    rate_per_hour: NonNegative = Field(300.0, description="mean calls per hour (profile factor 1)")
    profile: list[NonNegative] | None = Field(
        None, description="one factor per interval of the opening hours (mean 1 keeps the rate)"
    )
    day_of_week: dict[Literal[WEEKDAYS], NonNegative] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="factor per weekday; weekdays not named get 1.0"
    )


class Duration(Section):
    """A random duration in seconds."""

    distribution: Literal["exponential", "lognormal", "deterministic"] = "exponential"
    mean_seconds: Positive = 240.0
    cv: Positive = 1.0


class Service(Duration):
    """Talk time of a handled call."""

    distribution: Literal["exponential", "lognormal", "deterministic"] = Field(
        "lognormal", description="talk-time distribution"
    )
    mean_seconds: Positive = Field(240.0, description="mean talk time, seconds")
    cv: Positive = Field(1.0, description="coefficient of variation (lognormal only)")


class AfterCallWork(Section):
    """Wrap-up work after the talk, during which the employee cannot take a call."""

    distribution: Literal["none", "exponential", "lognormal", "deterministic"] = Field(
        "none", description="after-call work distribution ('none': no after-call work)"
    )
    mean_seconds: Positive = Field(30.0, description="mean after-call work, seconds")
    cv: Positive = Field(0.5, description="coefficient of variation (lognormal only)")


class Patience(Section):
    """How long a caller is willing to wait before abandoning ('none': forever)."""

    distribution: Literal["none", "exponential", "lognormal", "deterministic"] = Field(
        "exponential", description="patience distribution ('none': callers never abandon)"
    )
    mean_seconds: Positive = Field(180.0, description="mean patience, seconds")
    cv: Positive = Field(1.0, description="coefficient of variation (lognormal only)")


class Redial(Section):
    """Abandoned callers who try again later."""

    probability: Probability = Field(0.0, description="chance an abandoned caller calls again")
    mean_delay_seconds: Positive = Field(
        600.0, description="mean of the exponential delay before redialling, in opening time"
    )


class Staffing(Section):
    """Employees on the phones: a constant number or one number per interval."""

    employees: int = Field(40, ge=0, le=100_000, description="employees on the phones")
    schedule: list[Annotated[int, Field(ge=0, le=100_000)]] | None = Field(
        None, description="employees on the phones per interval (overrides `employees`)"
    )
    scale: NonNegative = Field(
        1.0,
        description="multiplies every staffing target (rounded to whole employees): "
        "one key to sweep staffing up or down",
    )


class Kpi(Section):
    """How KPIs are measured."""

    service_level_seconds: NonNegative = Field(
        20.0, description="service level counts calls answered within this many seconds"
    )


class Behavior(Section):
    """The behavioural layer; disabled gives the pure queue (arrivals, service, routing)."""

    enabled: bool = Field(
        True, description="false: pure queue (no customers' memory, policies or money)"
    )


class Scenario(Section):
    """A complete, validated scenario."""

    name: str = Field("", description="short name shown in tables and manifests")
    description: str = Field("", description="one line on what the scenario is for")
    seed: int = Field(1, ge=0, description="default seed when a run names none")
    calendar: Calendar = Field(default_factory=Calendar)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    service: Service = Field(default_factory=Service)
    after_call_work: AfterCallWork = Field(default_factory=AfterCallWork)
    patience: Patience = Field(default_factory=Patience)
    redial: Redial = Field(default_factory=Redial)
    staffing: Staffing = Field(default_factory=Staffing)
    kpi: Kpi = Field(default_factory=Kpi)
    behavior: Behavior = Field(default_factory=Behavior)
    customers: bc.Customers = Field(default_factory=bc.Customers)
    demand: bc.Demand = Field(default_factory=bc.Demand)
    conversation: bc.Conversation = Field(default_factory=bc.Conversation)
    sales: bc.Sales = Field(default_factory=bc.Sales)
    satisfaction: bc.Satisfaction = Field(default_factory=bc.Satisfaction)
    churn: bc.Churn = Field(default_factory=bc.Churn)
    employees: bc.Employees = Field(default_factory=bc.Employees)
    policy: bc.Policy = Field(default_factory=bc.Policy)
    outbound: bc.Outbound = Field(default_factory=bc.Outbound)
    money: bc.Money = Field(default_factory=bc.Money)

    @model_validator(mode="after")
    def _per_interval_lengths(self) -> Scenario:
        n = self.calendar.intervals_per_day
        for key, values in (
            ("arrivals.profile", self.arrivals.profile),
            ("staffing.schedule", self.staffing.schedule),
        ):
            if values is not None and len(values) != n:
                raise ValueError(
                    f"{key} has {len(values)} values; the opening hours "
                    f"{self.calendar.open_from}-{self.calendar.open_until} in "
                    f"{self.calendar.interval_minutes}-minute intervals need exactly {n}"
                )
        return self

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new validated scenario with dotted-key overrides applied."""
        return validate(apply_overrides(self.model_dump(), overrides))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict of every setting, defaults included."""
        return self.model_dump(mode="json")


def valid_keys(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every dotted key a scenario accepts, sections included."""
    keys = []
    for name, field in model.model_fields.items():
        key = prefix + name
        keys.append(key)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(valid_keys(annotation, key + "."))
    return keys


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


def _describe(error: dict[str, Any]) -> str:
    """One line per pydantic error: the dotted field, the value and what is allowed."""
    key = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(key, valid_keys(), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if not key:
        return message
    value = error.get("input")
    if isinstance(value, dict) and error["type"] == "value_error":
        return message  # a section-level check: its message names the fields
    if isinstance(value, dict):
        return f"{key}: {message}, not a table"
    if isinstance(value, list) and len(repr(value)) > 60:
        return f"{key}: {message}"
    shown = str(value).lower() if isinstance(value, bool) else repr(value)  # as TOML writes it
    return f"{key} = {shown}: {message}"


def validate(data: dict[str, Any], source: str | None = None) -> Scenario:
    """Validate a nested dict into a Scenario, raising ScenarioError with readable messages."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_describe(e) for e in exc.errors()], source) from None


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Copy of `data` with each dotted key set to its value (tables are created as needed)."""
    data = copy.deepcopy(data)
    for dotted, value in (overrides or {}).items():
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
