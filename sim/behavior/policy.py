"""Management policies: a small interface of hooks, driven only by parameters.

The engine and the behavioural mechanisms never look at a policy's name. A policy acts through
four hooks — guidance at the start of a call, what an idle employee does, the daily review of
each employee's figures, and the weekly off-phone time — and the built-in policies differ only in
their parameters (the presets in `sim/scenario/policy.py`). A user can register a preset or a
subclass without editing the package: `sim.register_policy("mine", MyPolicy,
coaching_hours_per_week=2.0)`, or name a class in a scenario as `policy.name =
"package.module:ClassName"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.policy import PolicyParameters, PolicySettings, register_preset, resolve_policy

if TYPE_CHECKING:
    from sim.engine.employee import Employee


class Guidance(NamedTuple):
    """What an employee takes into a call: how hurried, how ready to ask the closing question."""

    pressure: float
    ask_propensity: float
    quality_gate: float


class Policy:
    """The hooks a management policy has; this base class implements them from its parameters."""

    def __init__(self, parameters: PolicyParameters):
        self.parameters = parameters
        self._guidance: dict[float, Guidance] = {}  # by review pressure; a few values a run

    def guidance(self, employee: Employee) -> Guidance:
        """At the start of a call: base pressure plus what reviews added for this employee.

        It depends only on the parameters and the employee's review pressure, so each value
        is computed once (this hook runs at every call; building a Guidance costs 0.6 µs)."""
        guidance = self._guidance.get(employee.pressure)
        if guidance is None:
            p = self.parameters
            pressure = min(1.0, p.time_pressure + employee.pressure)
            ask = p.closing_question * (1.0 - p.closing_skip_under_pressure * pressure)
            guidance = Guidance(pressure, ask, p.closing_quality_gate)
            self._guidance[employee.pressure] = guidance
        return guidance

    def outbound_propensity(self, employee: Employee) -> float:
        """When idle with no caller waiting: the chance to start an outbound sales call."""
        return self.parameters.outbound_when_idle

    def daily_review(self, employee: Employee, aht: float, contacts_per_hour: float) -> None:
        """Team leader's review of one employee's day: push who misses a target, relieve others."""
        p = self.parameters
        missed = (p.aht_target_seconds > 0 and aht > p.aht_target_seconds) or (
            p.contacts_per_hour_target > 0 and contacts_per_hour < p.contacts_per_hour_target
        )
        if missed:
            employee.pressure = min(1.0, employee.pressure + p.review_push)
        else:
            employee.pressure = max(0.0, employee.pressure - p.review_relief)

    def off_phone_hours_per_week(self, employee: Employee) -> dict[str, float]:
        """Hours per week this employee spends off the phones, per activity."""
        p = self.parameters
        return {
            "meeting": p.meeting_hours_per_week,
            "training": p.training_hours_per_week,
            "coaching": p.coaching_hours_per_week,
        }

    def describe(self) -> dict[str, Any]:
        """This policy's class and parameters, as the run used them (for manifests)."""
        cls = type(self)
        return {"class": f"{cls.__module__}.{cls.__qualname__}", **self.parameters.model_dump()}


def register_policy(name: str, cls: type[Policy] = Policy, **parameters: Any) -> None:
    """Make `name` selectable as `policy.name`: a Policy class with preset parameters."""
    known = PolicyParameters.model_fields
    unknown = sorted(set(parameters) - set(known))
    if unknown:
        raise ValueError(f"unknown policy parameters {unknown}; known: {', '.join(known)}")
    if not (isinstance(cls, type) and issubclass(cls, Policy)):
        raise TypeError(f"{cls!r} is not a subclass of sim.Policy")
    try:
        values = PolicyParameters(**parameters)
    except ValidationError as exc:
        raise ValueError(f"invalid policy parameters for {name!r}: {exc}") from None
    register_preset(name, values, None if cls is Policy else cls)


def make_policy(settings: PolicySettings) -> Policy:
    """The policy object a scenario's `[policy]` section selects: resolved once, for the run."""
    cls, parameters = resolve_policy(settings)
    cls = Policy if cls is None else cls
    if not issubclass(cls, Policy):
        raise ScenarioError(
            f"policy.name = {settings.name!r}: {cls!r} is not a sim.Policy subclass"
        )
    return cls(parameters)
