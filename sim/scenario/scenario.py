"""The validated scenario: every section, cross-section checks, and readable validation errors.

Every key has a default, so a scenario file states only what differs from the defaults.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, model_validator

from sim.errors import ScenarioError, did_you_mean
from sim.scenario.behavior import (
    Churn,
    Conversation,
    Customers,
    Demand,
    Employees,
    Money,
    Outbound,
    Sales,
    Satisfaction,
    Shifts,
)
from sim.scenario.overrides import apply_overrides
from sim.scenario.policy import PolicySettings
from sim.scenario.queue import (
    AfterCallWork,
    Arrivals,
    BehaviorSwitch,
    Calendar,
    Kpi,
    Patience,
    Redial,
    Service,
    Staffing,
)
from sim.scenario.section import Description, Name, Section, dotted_keys
from sim.scenario.word_of_mouth import WordOfMouth

BEHAVIOR_SECTIONS = (
    "customers",
    "demand",
    "conversation",
    "sales",
    "satisfaction",
    "churn",
    "employees",
    "policy",
    "outbound",
    "money",
    "word_of_mouth",
)
"""The sections only the behavioural layer reads (`shifts` has its own check)."""


class Scenario(Section):
    """A complete, validated scenario."""

    name: Name = Field("", description="short name shown in tables and manifests")
    description: Description = Field("", description="one line on what the scenario is for")
    seed: int = Field(
        1, ge=0, le=2**63 - 1, description="default seed when a run names none (a 64-bit int)"
    )
    calendar: Calendar = Field(default_factory=Calendar)
    arrivals: Arrivals = Field(default_factory=Arrivals)
    service: Service = Field(default_factory=Service)
    after_call_work: AfterCallWork = Field(default_factory=AfterCallWork)
    patience: Patience = Field(default_factory=Patience)
    redial: Redial = Field(default_factory=Redial)
    staffing: Staffing = Field(default_factory=Staffing)
    kpi: Kpi = Field(default_factory=Kpi)
    behavior: BehaviorSwitch = Field(default_factory=BehaviorSwitch)
    customers: Customers = Field(default_factory=Customers)
    demand: Demand = Field(default_factory=Demand)
    conversation: Conversation = Field(default_factory=Conversation)
    sales: Sales = Field(default_factory=Sales)
    satisfaction: Satisfaction = Field(default_factory=Satisfaction)
    churn: Churn = Field(default_factory=Churn)
    employees: Employees = Field(default_factory=Employees)
    shifts: Shifts = Field(default_factory=Shifts)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    outbound: Outbound = Field(default_factory=Outbound)
    money: Money = Field(default_factory=Money)
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth)

    @model_validator(mode="after")
    def _per_interval_lengths(self) -> Scenario:
        n = self.calendar.intervals_per_day
        for key, values in (
            ("arrivals.profile", self.arrivals.profile),
            ("staffing.schedule", self.staffing.schedule),
            ("staffing.adjustment", self.staffing.adjustment),
        ):
            if values is not None and len(values) != n:
                raise ValueError(
                    f"{key} has {len(values)} values; the opening hours "
                    f"{self.calendar.open_from}-{self.calendar.open_until} in "
                    f"{self.calendar.interval_minutes}-minute intervals need exactly {n}"
                )
        return self

    @model_validator(mode="after")
    def _no_ignored_talk_time(self) -> Scenario:
        """With the behavioural layer, talk time comes from the conversation: a [service]
        setting would be silently ignored, so it is refused."""
        if not self.behavior.enabled:
            return self
        default = Service()
        changed = [
            f"service.{name} = {getattr(self.service, name)!r}"
            for name in Service.model_fields
            if getattr(self.service, name) != getattr(default, name)
        ]
        if changed:
            raise ValueError(
                f"{', '.join(changed)}: ignored while behavior.enabled = true (talk time comes "
                "from the conversation: demand.reasons.*.need_mean_seconds and conversation.*); "
                "remove it, or set behavior.enabled = false for the pure queue"
            )
        return self

    @model_validator(mode="after")
    def _no_ignored_employees(self) -> Scenario:
        """A schedule staffs every interval: a changed staffing.employees beside it would be
        silently ignored (identical runs), so it is refused."""
        employees = self.staffing.employees
        if self.staffing.schedule is not None and employees != Staffing().employees:
            raise ValueError(
                f"staffing.employees = {employees}: ignored while staffing.schedule is set (the "
                "schedule staffs every interval); use staffing.scale (e.g. 1.1) or "
                "staffing.target_service_level to change the staffing, or remove "
                "staffing.schedule"
            )
        return self

    @model_validator(mode="after")
    def _no_ignored_behavior(self) -> Scenario:
        """Without the behavioural layer, the sections only it reads would be silently ignored
        (a policy comparison on the pure queue would show identical variants): refused."""
        if self.behavior.enabled:
            return self
        changed = []
        for section in BEHAVIOR_SECTIONS:
            value, default = getattr(self, section), type(getattr(self, section))()
            changed += [
                f"{section}.{name} = {getattr(value, name)!r}"
                for name in type(value).model_fields
                if getattr(value, name) != getattr(default, name)
            ]
        if changed:
            shown = ", ".join(changed[:3]) + (
                f" (and {len(changed) - 3} more)" if changed[3:] else ""
            )
            raise ValueError(
                f"{shown}: ignored while behavior.enabled = false (the pure queue has no "
                "customers, conversations, policies, workforce or money); remove it, or set "
                "behavior.enabled = true"
            )
        return self

    @model_validator(mode="after")
    def _no_ignored_acquisition_cost(self) -> Scenario:
        """In a closed base nobody joins, so an acquisition cost would be silently ignored."""
        cost = self.money.acquisition_cost
        if not self.word_of_mouth.open and cost != Money().acquisition_cost:
            raise ValueError(
                f"money.acquisition_cost = {cost!r}: {CLOSED_BASE}; remove it, or set "
                "word_of_mouth.strength or word_of_mouth.baseline_monthly_share above 0"
            )
        return self

    @model_validator(mode="after")
    def _shifts(self) -> Scenario:
        if not self.shifts.enabled:
            return self
        if not self.behavior.enabled:
            raise ValueError(
                "shifts.enabled = true needs behavior.enabled = true (the workforce works the "
                "shifts); the pure queue keeps staffing.schedule exactly"
            )
        minutes = self.calendar.interval_minutes
        open_hours = self.calendar.intervals_per_day * minutes / 60
        for hours in self.shifts.lengths_hours:
            if abs(hours * 60 / minutes - round(hours * 60 / minutes)) > 1e-9:
                raise ValueError(
                    f"shifts.lengths_hours: {hours:g} h is not a whole number of "
                    f"calendar.interval_minutes ({minutes})"
                )
            if hours > open_hours:
                raise ValueError(
                    f"shifts.lengths_hours: {hours:g} h is longer than the opening hours "
                    f"({open_hours:g} h)"
                )
        return self

    @model_validator(mode="after")
    def _settled_by_sizing(self) -> Scenario:
        """Weekly sizing with a workforce that hires needs a warm-up of two weeks, or none: the
        first week's sizing sees a cold start (no failure demand built up yet), and the team
        settles at once only up to the first measured week (docs/MODEL.md §6.6); with a shorter
        warm-up one policy runs short for weeks and the comparison is not at equal service.
        Without a warm-up the start-up itself is measured, as the run says it is."""
        sizing = self.staffing.target_service_level is not None
        if not (sizing and self.behavior.enabled and self.shifts.enabled):
            return self
        weeks = 2 * len(self.calendar.weekdays)
        if 0 < self.calendar.warmup_days < weeks:  # none at all: the start-up is measured
            raise ValueError(
                f"calendar.warmup_days = {self.calendar.warmup_days}: with weekly sizing "
                f"(staffing.target_service_level = {self.staffing.target_service_level}) the "
                f"warm-up must cover two weeks, {weeks} opening days or more, so that the team "
                "is sized to a week with failure demand built up (or 0: measure the start-up); "
                'or set staffing.target_service_level = "none" to keep the schedule'
            )
        return self

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A new validated scenario with dotted-key overrides applied."""
        return validate(apply_overrides(self.model_dump(), overrides))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict of every setting, defaults included."""
        return self.model_dump(mode="json")


NOT_MODEL_PARAMETERS = {
    "seed": "replications vary the seed: use the experiment's `seed` and `replications` "
    "(replication k runs with seed + k)",
    "name": "it is a label",
    "description": "it is a label",
}
"""Top-level keys that are no model parameter, so never a key to vary, and why."""


WORD_OF_MOUTH_RATES = ("word_of_mouth.strength", "word_of_mouth.baseline_monthly_share")
"""The two rates that open the customer base (either above 0); the rest of the section and the
acquisition cost act only in an open base."""
CLOSED_BASE = (
    "ignored while word_of_mouth.strength = 0 and word_of_mouth.baseline_monthly_share = 0 "
    "(a closed base: nobody joins)"
)


def ignored_by_model(scenario: Scenario, key: str) -> str | None:
    """Why the model ignores the dotted `key` in `scenario` (None: it reads it): varying such
    a key gives bit-identical runs, so an experiment refuses it. The checks at validation
    refuse a changed value of some of these; a varied key is refused even at its default."""
    section = key.split(".", 1)[0]
    if key == "staffing.employees" and scenario.staffing.schedule is not None:
        return "ignored while staffing.schedule is set (the schedule staffs every interval)"
    if section == "shifts" and key != "shifts.enabled" and not scenario.shifts.enabled:
        return "ignored while shifts.enabled = false (no shifts are planned)"
    if section in (*BEHAVIOR_SECTIONS, "shifts") and not scenario.behavior.enabled:
        return "ignored while behavior.enabled = false (the pure queue)"
    if (
        (section == "word_of_mouth" or key == "money.acquisition_cost")
        and key not in WORD_OF_MOUTH_RATES
        and not scenario.word_of_mouth.open
    ):
        return CLOSED_BASE
    if section == "service" and scenario.behavior.enabled:
        return "ignored while behavior.enabled = true (talk time comes from the conversation)"
    return None


def valid_keys() -> list[str]:
    """Every dotted key a scenario accepts, sections included."""
    return dotted_keys(Scenario)


def _describe(error: dict[str, Any]) -> str:
    """One line per pydantic error: the dotted field, the value and what is allowed."""
    key = ".".join(str(part) if str(part).isprintable() else repr(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"unknown key {key!r}{did_you_mean(key, valid_keys())}"
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
