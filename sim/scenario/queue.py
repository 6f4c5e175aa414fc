"""Scenario sections of the queueing core: calendar, arrivals, durations, redials, staffing,
KPI settings, and the switch between the pure queue and the behavioural model."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.section import NonNegative, Positive, Probability, Section

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

    days: int = Field(5, ge=1, le=3660, description="opening days measured (after the warm-up)")
    warmup_days: int = Field(
        0,
        ge=0,
        le=3660,
        description="opening days simulated before the measured ones; no KPI, table or money "
        "counts them",
    )
    open_from: str = Field("08:00", description="opening time, HH:MM")
    open_until: str = Field("20:00", description="closing time, HH:MM ('24:00' = midnight)")
    interval_minutes: int = Field(15, ge=1, le=1440, description="reporting/staffing interval")
    weekdays: list[Literal[WEEKDAYS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        min_length=1,
        description="weekdays the center is open; simulated days cycle through them",
    )
    start_weekday: Literal[WEEKDAYS] | None = Field(  # type: ignore[valid-type]
        None, description="weekday of the first measured day (default: the first of weekdays)"
    )

    @field_validator("open_from", "open_until", mode="before")
    @classmethod
    def _time_of_day(cls, value: Any) -> Any:
        """TOML reads 08:00:30 unquoted as a time of day: say the format wanted."""
        if isinstance(value, datetime.time):
            raise ValueError(f'{value.isoformat()} is a time with seconds; give "HH:MM"')
        return value

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

    @property
    def simulated_days(self) -> int:
        """Opening days simulated: the warm-up, then the measured days."""
        return self.warmup_days + self.days

    def weekday(self, day: int) -> str:
        """Weekday name of simulated day `day` (0-based, the warm-up first): the first measured
        day falls on `start_weekday`."""
        first = self.weekdays.index(self.start_weekday) if self.start_weekday else 0
        return self.weekdays[(first + day - self.warmup_days) % len(self.weekdays)]


class Arrivals(Section):
    """Poisson arrivals: a base rate shaped by an optional intraday profile and weekday factors."""

    rate_per_hour: NonNegative = Field(
        300.0,
        le=100_000,
        description="mean calls per hour (profile factor 1; at most 100,000: memory grows with "
        "the calls of a day)",
    )
    profile: list[NonNegative] | None = Field(
        None, description="one factor per interval of the opening hours (mean 1 keeps the rate)"
    )
    day_of_week: dict[Literal[WEEKDAYS], NonNegative] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="factor per weekday; weekdays not named get 1.0"
    )


MAX_CV = 20.0
"""A lognormal with a larger CV has almost all its mass near 0 and overflows in its parameters
(cv = 1e200 gave NaN durations); 20 is far beyond any measured talk or patience time."""


class Duration(Section):
    """A random duration in seconds."""

    distribution: Literal["exponential", "lognormal", "deterministic"] = "exponential"
    mean_seconds: Positive = 240.0
    cv: Positive = Field(1.0, le=MAX_CV)


class Service(Duration):
    """Talk time of a handled call in the pure queue (with the behavioural layer, talk time
    comes from the conversation, and a [service] setting is refused)."""

    distribution: Literal["exponential", "lognormal", "deterministic"] = Field(
        "lognormal", description="talk-time distribution (pure queue only)"
    )
    mean_seconds: Positive = Field(240.0, description="mean talk time, seconds (pure queue only)")
    cv: Positive = Field(
        1.0, le=MAX_CV, description="coefficient of variation (lognormal only; at most 20)"
    )


class AfterCallWork(Section):
    """Wrap-up work after the talk, during which the employee cannot take a call."""

    distribution: Literal["none", "exponential", "lognormal", "deterministic"] = Field(
        "none", description="after-call work distribution ('none': no after-call work)"
    )
    mean_seconds: Positive = Field(30.0, description="mean after-call work, seconds")
    cv: Positive = Field(
        0.5, le=MAX_CV, description="coefficient of variation (lognormal only; at most 20)"
    )


class Patience(Section):
    """How long a caller is willing to wait before abandoning ('none': forever)."""

    distribution: Literal["none", "exponential", "lognormal", "deterministic"] = Field(
        "exponential", description="patience distribution ('none': callers never abandon)"
    )
    mean_seconds: Positive = Field(180.0, description="mean patience, seconds")
    cv: Positive = Field(
        1.0, le=MAX_CV, description="coefficient of variation (lognormal only; at most 20)"
    )


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
    adjustment: list[Annotated[int, Field(ge=-100_000, le=100_000)]] | None = Field(
        None,
        description="employees added to (negative: taken from) each interval's target, after "
        "scale and weekly sizing (e.g. five fewer from 08:00 to 10:00); never below 0",
    )
    target_service_level: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="size each week's schedule with Erlang A from the previous week's contacts "
        "to this service level within kpi.service_level_seconds (the schedule or employees "
        'staff the first week); "none": keep the schedule',
    )

    @field_validator("target_service_level", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        """'none' (TOML has no null) keeps the schedule, as in a scenario without the key."""
        if isinstance(value, str):
            if value == "none":
                return None
            raise ValueError('allowed: a number between 0 and 1, or "none" (keep the schedule)')
        return value


class Kpi(Section):
    """How KPIs are measured."""

    service_level_seconds: NonNegative = Field(
        20.0, description="service level counts calls answered within this many seconds"
    )


class BehaviorSwitch(Section):
    """The behavioural layer; disabled gives the pure queue (arrivals, service, routing)."""

    enabled: bool = Field(
        True, description="false: pure queue (no customers' memory, policies or money)"
    )
