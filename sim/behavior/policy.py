"""Management policies: a small interface of hooks, driven only by parameters.

The engine and the behavioural mechanisms never look at a policy's name. A policy acts through
five hooks — guidance at the start of a call, what an idle employee does, how tight its targets
are against what the team achieves, the daily review of each employee's figures, and the weekly
off-phone time — and the built-in policies differ only in their parameters (the presets in
`sim/scenario/policy.py`). A user can register a preset or a subclass without editing the
package: `sim.register_policy("mine", MyPolicy, coaching_hours_per_week=2.0)`, or name a class
in a scenario as `policy.name = "package.module:ClassName"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.scenario.policy import (
    PolicyParameters,
    PolicySettings,
    check_policy_name,
    register_preset,
    resolve_policy,
)

if TYPE_CHECKING:
    from sim.engine.employee import Employee


class Guidance(NamedTuple):
    """What an employee takes into a call: the time pressure they feel, and management's
    instruction on when an offer may be made."""

    pressure: float
    quality_gate: float


class Policy:
    """The hooks a management policy has; this base class implements them from its parameters."""

    def __init__(self, parameters: PolicyParameters):
        self.parameters = parameters
        self._guidance: dict[float, Guidance] = {}  # by felt pressure; a few values a day

    def guidance(self, employee: Employee) -> Guidance:
        """At the start of a call: the pressure the employee feels (from the targets and from
        their reviews, set daily by the workforce) and the offer instruction.

        Each value is built once (this hook runs at every call; a Guidance costs 0.6 µs)."""
        guidance = self._guidance.get(employee.felt_pressure)
        if guidance is None:
            guidance = Guidance(employee.felt_pressure, self.parameters.closing_quality_gate)
            self._guidance[employee.felt_pressure] = guidance
        return guidance

    def target_tightness(self, aht: float, contacts_per_hour: float) -> float:
        """How the team's day compares with the targets: achieved / target for AHT, target /
        achieved for contacts per hour (1: exactly on target; above 1: missed); the tightest
        target counts; 0 without targets."""
        p = self.parameters
        tightness = 0.0
        if p.aht_target_seconds > 0:
            tightness = max(tightness, aht / p.aht_target_seconds)
        if p.contacts_per_hour_target > 0:
            achieved = contacts_per_hour if contacts_per_hour > 0 else 1e-9
            tightness = max(tightness, p.contacts_per_hour_target / achieved)
        return tightness

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


def register_policy(
    name: str, cls: type[Policy] = Policy, *, replace: bool = False, **parameters: Any
) -> None:
    """Make `name` selectable as `policy.name`: a Policy class with preset parameters.

    The built-in presets cannot be redefined, and a registered name is redefined only with
    `replace=True`: a silent redefinition would change what every later run of that name means
    (run ids hash the preset's parameters, so a resume never mixes the two)."""
    check_policy_name(name, replace)
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


def policy_setup(settings: PolicySettings) -> tuple[type[Policy], PolicyParameters]:
    """The Policy class and parameters a `[policy]` section selects, importing a class named by
    import path here, at run setup (ScenarioError naming `policy.name` if that fails)."""
    try:
        cls, parameters = resolve_policy(settings)
    except ValueError as exc:
        raise ScenarioError(f"policy.name = {settings.name!r}: {exc}") from None
    cls = Policy if cls is None else cls
    if not issubclass(cls, Policy):
        raise ScenarioError(
            f"policy.name = {settings.name!r}: {cls!r} is not a sim.Policy subclass"
        )
    return cls, parameters


def make_policy(settings: PolicySettings) -> Policy:
    """The policy object a scenario's `[policy]` section selects: resolved once, for the run."""
    cls, parameters = policy_setup(settings)
    return cls(parameters)
