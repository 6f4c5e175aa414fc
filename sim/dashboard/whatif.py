"""What a manager can change on the dashboard, with units and ranges, and how it becomes
scenario overrides (validated exactly as `ccsim run --set` validates them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import UsageError
from sim.scenario import Scenario, load_scenario
from sim.scenario.policy import PRESETS, policy_names, resolve_policy

LIMITS = {  # field: (min, max, step, unit)
    "staffing_scale": (0.5, 1.5, 0.05, "× schedule"),
    "shift_people": (-15, 15, 1, "people"),
    "arrival_scale": (0.5, 1.5, 0.05, "× calls"),
    "aht_target_seconds": (0.0, 600.0, 10.0, "s (0: none)"),
    "coaching_hours_per_week": (0.0, 5.0, 0.25, "h/week"),
    "training_hours_per_week": (0.0, 5.0, 0.25, "h/week"),
    "meeting_hours_per_week": (0.0, 5.0, 0.25, "h/week"),
    "sale_value": (0.0, 500.0, 10.0, "€ margin"),
    "service_target": (0.3, 0.95, 0.05, "of contacts within the target time"),
    "hourly_cost": (10.0, 100.0, 1.0, "€/h"),
    "word_of_mouth_strength": (0.0, 0.15, 0.005, "growth per year per unit of reputation"),
    "days": (1, 20, 1, "measured days"),
    "replications": (1, 10, 1, "paired runs"),
}
"""What the page's inputs allow; the same bounds are validated here."""


def _field(name: str, default: float, **extra: Any) -> Any:
    low, high, _, unit = LIMITS[name]
    return Field(default, ge=low, le=high, description=unit, **extra)


CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"
"""A time of day, 00:00-23:59."""

POLICY_LEVERS = {  # lever: the policy parameter it sets
    "aht_target_seconds": "aht_target_seconds",
    "coaching_hours_per_week": "coaching_hours_per_week",
    "training_hours_per_week": "training_hours_per_week",
    "meeting_hours_per_week": "meeting_hours_per_week",
}
OTHER_LEVERS = {  # lever: the scenario key it sets
    "sale_value": "sales.value_mean",
    "hourly_cost": "money.employee_hourly_cost",
    "service_target": "staffing.target_service_level",
    "word_of_mouth_strength": "word_of_mouth.strength",  # works over months, not days
}
STRETCH_HOURS = 2
"""The stretch of the day the ± lever acts on, at first: the first two opening hours."""


class WhatIf(BaseModel):
    """One what-if: a policy and the levers a manager pulls, every lever with its value
    (`today` gives the baseline's own). `service_target` None: the scenario keeps its
    schedule (no weekly sizing)."""

    model_config = ConfigDict(extra="forbid")

    policy: str = "aht"
    staffing_scale: float = _field("staffing_scale", 1.0)
    shift_from: str = Field("08:00", pattern=CLOCK)
    shift_to: str = Field("10:00", pattern=CLOCK)
    shift_people: int = _field("shift_people", 0)
    arrival_scale: float = _field("arrival_scale", 1.0)
    aht_target_seconds: float = _field("aht_target_seconds", 0.0)
    coaching_hours_per_week: float = _field("coaching_hours_per_week", 0.0)
    training_hours_per_week: float = _field("training_hours_per_week", 0.0)
    meeting_hours_per_week: float = _field("meeting_hours_per_week", 0.0)
    sale_value: float = _field("sale_value", 0.0)
    hourly_cost: float = _field("hourly_cost", 10.0)
    service_target: float | None = _field("service_target", None)
    word_of_mouth_strength: float = _field("word_of_mouth_strength", 0.075)
    days: int = _field("days", 5)
    replications: int = _field("replications", 5)

    def overrides(self, base: Scenario) -> dict[str, Any]:
        """The scenario overrides this what-if makes to `base` (dotted keys): only what
        differs from `base`, so the baseline's own values give the baseline's own runs. A
        policy other than the scenario's starts from that policy's preset (the scenario's
        `[policy]` settings do not carry over to it)."""
        if ":" in self.policy or self.policy not in policy_names():
            raise UsageError(
                f"policy {self.policy!r}: the dashboard runs the presets {policy_names()} "
                "only ('module:Class' would import code)"
            )
        out: dict[str, Any] = {"policy.name": self.policy, "calendar.days": self.days}
        if self.staffing_scale != 1.0:
            out["staffing.scale"] = self.staffing_scale
        if self.arrival_scale != 1.0:
            out["arrivals.rate_per_hour"] = base.arrivals.rate_per_hour * self.arrival_scale
        if self.shift_people:
            out["staffing.adjustment"] = stretch_adjustment(base, self)
        if self.policy != base.policy.name:  # the preset as it is, then the levers
            for key, value in base.policy.model_dump().items():
                if key != "name" and value is not None:
                    out[f"policy.{key}"] = None
        start = policy_values(self.policy, base)
        for name, parameter in POLICY_LEVERS.items():
            if getattr(self, name) != start[name]:
                out[f"policy.{parameter}"] = getattr(self, name)
        today_values = today(base)
        for name, key in OTHER_LEVERS.items():
            if getattr(self, name) != getattr(today_values, name):
                out[key] = getattr(self, name)
        return out


def policy_values(policy: str, base: Scenario) -> dict[str, float]:
    """The policy levers' values when `policy` is chosen: the scenario's own settings for
    its own policy, the preset's for another."""
    if policy == base.policy.name:
        _, parameters = resolve_policy(base.policy)
    else:
        parameters = PRESETS[policy].parameters
    return {name: float(getattr(parameters, key)) for name, key in POLICY_LEVERS.items()}


def today(base: Scenario) -> WhatIf:
    """The levers at the baseline's own values: the center as it is today."""
    cal = base.calendar
    hour, minute = map(int, cal.open_from.split(":"))
    until = min(hour + STRETCH_HOURS, 23), minute
    return WhatIf(
        policy=base.policy.name if base.policy.name in policy_names() else "aht",
        shift_from=cal.open_from,
        shift_to=f"{until[0]:02d}:{until[1]:02d}",
        sale_value=base.sales.value_mean,
        hourly_cost=base.money.employee_hourly_cost,
        service_target=base.staffing.target_service_level,
        word_of_mouth_strength=base.word_of_mouth.strength,
        **policy_values(base.policy.name, base),
    )


SCENARIO_KEYS = {
    **{name: f"policy.{key}" for name, key in POLICY_LEVERS.items()},
    **OTHER_LEVERS,
}
"""The scenario key behind each lever that opens at the scenario's own value."""


def check_levers(base: Scenario) -> None:
    """The dashboard can open at `base` as it is: its policy is one of the presets and every
    lever's range holds the scenario's value (else one line naming the key, the value and
    the lever's range: a what-if at "today" must be the baseline itself)."""
    if base.policy.name not in policy_names():
        raise UsageError(
            f"policy.name = {base.policy.name!r}: the dashboard's policy lever offers the presets "
            f"{', '.join(p for p in policy_names() if p != 'custom')}; compare another policy "
            "with `ccsim compare`"
        )
    try:
        today(base)
    except ValidationError as exc:
        error = exc.errors()[0]
        lever = str(error["loc"][0])
        key = SCENARIO_KEYS.get(lever, lever)
        raise UsageError(
            f"{key} = {error['input']!r}: outside the dashboard's lever ({allowed(lever)}); "
            "use a scenario within it, or `ccsim run` / `ccsim compare` for this one"
        ) from None


def with_policy(current: WhatIf, policy: str, base: Scenario) -> WhatIf:
    """`current` with `policy` chosen and that policy's values loaded into its levers."""
    if policy not in policy_names():
        raise UsageError(f"policy = {policy!r:.40}: allowed: {allowed('policy')}")
    return current.model_copy(update={"policy": policy, **policy_values(policy, base)})


def away_from(start: WhatIf, current: WhatIf) -> list[str]:
    """The levers (and the policy) whose value in `current` differs from `start`, in order;
    the measured days and replications are how the question is answered, not what it asks."""
    return [
        name
        for name in WhatIf.model_fields
        if name not in ("days", "replications") and getattr(start, name) != getattr(current, name)
    ]


TIMES = ("shift_from", "shift_to")
INTEGERS = {"shift_people", "days", "replications"}


def changed(current: WhatIf, **changes: Any) -> WhatIf:
    """`current` with `changes` as they arrive from the page (any value a browser can send):
    what the levers cannot take is refused as the CLI refuses a bad `--set`, one line naming
    the lever, the value and what is allowed."""
    try:
        return WhatIf(**(current.model_dump() | changes))
    except ValidationError as exc:
        raise UsageError(_describe(exc.errors()[0])) from None


def allowed(name: str) -> str:
    """What lever `name` takes, in words."""
    if name in TIMES:
        return "a time of day as HH:MM from 00:00 to 23:59, e.g. 08:00"
    if name == "policy":
        return f"one of {', '.join(policy_names())}"
    if name not in LIMITS:
        return f"one of the levers {', '.join(WhatIf.model_fields)}"
    low, high, _, unit = LIMITS[name]
    kind = "a whole number" if name in INTEGERS else "a number"
    return f"{kind} from {low:g} to {high:g} {unit}"


def _describe(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else "what-if"
    value = error.get("input")
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    if error["type"] == "extra_forbidden":
        return f"unknown lever {name!r}; allowed: {allowed(name)}"
    return f"{name} = {shown}: allowed: {allowed(name)}"


def stretch_adjustment(base: Scenario, whatif: WhatIf) -> list[int]:
    """`shift_people` more (or fewer) on the phones in the intervals from `shift_from` to
    `shift_to`, 0 elsewhere: `staffing.adjustment`, which applies to the schedule in force
    (the scenario's, or the one weekly sizing makes)."""
    cal = base.calendar
    first, last = (
        _interval(t, cal.open_from, cal.interval_minutes)
        for t in (whatif.shift_from, whatif.shift_to)
    )
    n = cal.intervals_per_day
    if not 0 <= first < last <= n:
        raise UsageError(
            f"staff change from {whatif.shift_from} to {whatif.shift_to}: choose a stretch "
            f"within the opening hours {cal.open_from}-{cal.open_until}"
        )
    return [whatif.shift_people if first <= k < last else 0 for k in range(n)]


def _interval(clock: str, opens: str, minutes: int) -> int:
    hour, minute = map(int, clock.split(":"))
    open_hour, open_minute = map(int, opens.split(":"))
    return ((hour * 60 + minute) - (open_hour * 60 + open_minute)) // minutes


def scenario_for(path: Path, overrides: dict[str, Any]) -> Scenario:
    """The scenario file with the overrides, validated as the CLI validates `--set`."""
    return load_scenario(path, overrides)
