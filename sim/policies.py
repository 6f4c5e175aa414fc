"""Management policies: a small interface of hooks, driven only by parameters.

The engine and the behavioural mechanisms never look at a policy's name. A policy acts through
four hooks — guidance at the start of a call, what an idle employee does, the daily review of
each employee's figures, and the weekly off-phone time — and the built-in policies differ only in
their parameters (presets). A user can register a preset or a subclass without editing the
package: `sim.register_policy("mine", MyPolicy, coaching_hours_per_week=2.0)`, or name a class in
a scenario as `policy.name = "package.module:ClassName"`.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sim.behavior_config import Policy as PolicyConfig
    from sim.employee import Employee


@dataclass(frozen=True)
class PolicyParameters:
    """Everything a policy can set; see docs/MODEL.md for units and effects."""

    time_pressure: float = 0.0
    aht_target_seconds: float = 0.0
    contacts_per_hour_target: float = 0.0
    review_push: float = 0.0
    review_relief: float = 0.1
    closing_question: float = 0.5
    closing_skip_under_pressure: float = 0.0
    closing_quality_gate: float = 0.0
    outbound_when_idle: float = 0.0
    meeting_hours_per_week: float = 0.0
    training_hours_per_week: float = 0.0
    coaching_hours_per_week: float = 0.0


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


PRESETS: dict[str, tuple[type[Policy], PolicyParameters]] = {}


def register_policy(name: str, cls: type[Policy] = Policy, **parameters: Any) -> None:
    """Make `name` selectable as `policy.name`: a Policy class with preset parameters."""
    unknown = set(parameters) - {f.name for f in fields(PolicyParameters)}
    if unknown:
        raise ValueError(f"unknown policy parameters {sorted(unknown)}")
    if not (isinstance(cls, type) and issubclass(cls, Policy)):
        raise TypeError(f"{cls!r} is not a subclass of sim.policies.Policy")
    PRESETS[name] = (cls, PolicyParameters(**parameters))


# AHT-driven: an AHT target pushed at daily reviews, hurried conversations that skip the closing
# question, meetings about the numbers, the short training of the source text, little coaching.
register_policy(
    "aht",
    time_pressure=0.25,
    aht_target_seconds=300.0,
    review_push=0.15,
    review_relief=0.05,
    closing_question=0.6,
    closing_skip_under_pressure=0.7,
    meeting_hours_per_week=1.5,
    training_hours_per_week=0.25,
    coaching_hours_per_week=0.25,
)
# Call-volume-driven: a contacts-per-hour target; idle time goes to outbound sales calls.
register_policy(
    "volume",
    time_pressure=0.3,
    contacts_per_hour_target=11.0,
    review_push=0.15,
    review_relief=0.05,
    closing_question=0.8,
    closing_skip_under_pressure=0.3,
    outbound_when_idle=0.6,
    meeting_hours_per_week=1.5,
    training_hours_per_week=0.25,
    coaching_hours_per_week=0.25,
)
# Quality-driven: no AHT target; team leaders listen and coach; take the time the need requires
# and end good conversations with the closing question; longer training.
register_policy(
    "quality",
    time_pressure=0.0,
    review_relief=0.1,
    closing_question=0.95,
    closing_quality_gate=0.55,
    meeting_hours_per_week=0.5,
    training_hours_per_week=1.0,
    coaching_hours_per_week=1.5,
)
# Neutral starting point for a policy composed entirely in a scenario file.
register_policy("custom")


def policy_names() -> list[str]:
    """Names accepted by `policy.name` (besides 'module:Class' import paths)."""
    return sorted(PRESETS)


def _import_class(path: str) -> type[Policy]:
    module_name, _, class_name = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import policy class {path!r}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Policy)):
        raise ValueError(f"{path!r} is not a subclass of sim.policies.Policy")
    return cls


def resolve(config: PolicyConfig) -> tuple[type[Policy], PolicyParameters]:
    """The class and parameters a scenario's [policy] section selects (preset, then overrides)."""
    if ":" in config.name:
        cls, preset = _import_class(config.name), PolicyParameters()
    elif config.name in PRESETS:
        cls, preset = PRESETS[config.name]
    else:
        raise ValueError(
            f"policy.name = {config.name!r}: unknown policy; allowed: {', '.join(policy_names())}, "
            "or 'package.module:ClassName' of a sim.policies.Policy subclass"
        )
    given = {k: v for k, v in config.model_dump().items() if k != "name" and v is not None}
    return cls, replace(preset, **given)


def make_policy(config: PolicyConfig) -> Policy:
    """Instantiate the policy a scenario selects."""
    cls, parameters = resolve(config)
    return cls(parameters)


def describe(config: PolicyConfig) -> dict[str, Any]:
    """The fully resolved policy parameters (for manifests and docs)."""
    cls, parameters = resolve(config)
    return {"class": f"{cls.__module__}.{cls.__qualname__}", **asdict(parameters)}
