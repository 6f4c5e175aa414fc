"""The management policy's settings: its parameters (declared once), the presets that name a set
of them, and the `[policy]` section that picks a preset and overrides any parameter.

Presets are data. A preset may also name the policy class that acts on its parameters (a
subclass registered with `sim.register_policy`); the behavioural layer turns a scenario's
`[policy]` section into that object once per run (`sim.behavior.policy.make_policy`).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, create_model, field_validator
from pydantic.fields import FieldInfo

from sim.errors import UsageError
from sim.scenario.section import NonNegative, Section
from sim.scenario.section import Probability as Share

REVIEW_SMOOTHING = 0.2
"""Reviews look at an exponentially weighted mean of the daily figures with this weight on the
latest day: 2 / (9 + 1), the mean age of a rolling average of the last two working weeks, as
centers review weekly and monthly figures rather than yesterday's. With weight w and a loop
gain K (seconds of AHT a unit of pressure removes, times the pressure a second adds), the
daily review loop alternates when w (1 + K) > 1; 0.2 keeps it from alternating up to K = 4
(docs/MODEL.md §6.6)."""


class PolicyParameters(Section):
    """Everything a policy can set; docs/MODEL.md gives each parameter's effect and source."""

    aht_target_seconds: NonNegative = Field(0.0, description="AHT target (0: none)")
    contacts_per_hour_target: NonNegative = Field(
        0.0, description="contacts per phone hour target (0: none)"
    )
    review_push: Share = Field(
        0.0, description="pressure added to an employee who misses a target at the daily review"
    )
    review_relief: Share = Field(
        0.1, description="pressure removed from an employee who meets the targets"
    )
    review_smoothing: float = Field(
        REVIEW_SMOOTHING,
        gt=0,
        le=1,
        description="weight of the latest day in the figures reviews look at (an "
        "exponentially weighted mean; 0.2: about the last two weeks; 1: yesterday alone)",
    )
    closing_quality_gate: Share = Field(
        0.0, description="instruction: offer only after a conversation of at least this quality"
    )
    outbound_when_idle: Share = Field(
        0.0, description="chance an idle employee makes an outbound sales call"
    )
    meeting_hours_per_week: NonNegative = Field(0.0, description="per employee")
    training_hours_per_week: NonNegative = Field(0.0, description="per employee")
    coaching_hours_per_week: NonNegative = Field(0.0, description="per employee")
    team_size: int = Field(12, ge=1, le=1000, description="employees per team leader")


@dataclass(frozen=True)
class Preset:
    """A named set of policy parameters, and the class that acts on them (None: the standard
    `sim.behavior.policy.Policy`)."""

    parameters: PolicyParameters
    policy_class: type | None = None


PRESETS: dict[str, Preset] = {}


def register_preset(name: str, parameters: PolicyParameters, policy_class: type | None = None):
    """Make `name` selectable as `policy.name` (`sim.register_policy` checks the class first)."""
    PRESETS[name] = Preset(parameters, policy_class)


def check_policy_name(name: object, replace: bool = False) -> None:
    """A name `sim.register_policy` may take (UsageError naming `name` otherwise): text of
    printable characters without ':' (an import path), not a built-in preset, and not one
    registered already unless `replace` is True."""
    if not isinstance(name, str) or not name or ":" in name or not name.isprintable():
        raise UsageError(
            f"name {name!r:.60}: a policy name is non-empty text of printable characters "
            "without ':' (e.g. 'mine')"
        )
    if name != name.strip():
        raise UsageError(f"name {name!r}: no spaces before or after a policy name")
    if name.casefold() in {b.casefold() for b in BUILT_IN}:  # 'AHT' would read as 'aht'
        raise UsageError(
            f"name {name!r}: a built-in policy ({', '.join(BUILT_IN)}) cannot be redefined, "
            "nor a name that differs from one only in case; register yours under another name"
        )
    if name in PRESETS and replace is not True:
        raise UsageError(
            f"name {name!r}: a policy of that name is registered already; pass replace=True "
            "to redefine it, or choose another name"
        )


def policy_names() -> list[str]:
    """Names accepted by `policy.name` (besides 'package.module:ClassName' import paths)."""
    return sorted(PRESETS)


AHT_TARGET_SECONDS = 250.0
"""The aht preset's target (s): set by the rule in docs/MODEL.md (§6.7), not tuned."""
CONTACTS_PER_HOUR_TARGET = 11.5
"""The volume preset's target (contacts per phone hour): set by the rule in docs/MODEL.md."""

# AHT-driven: an AHT target a little below what the team achieves unpressed, pushed at daily
# reviews; meetings about the numbers, the short training of the source text, little coaching.
register_preset(
    "aht",
    PolicyParameters(
        aht_target_seconds=AHT_TARGET_SECONDS,
        review_push=0.15,
        review_relief=0.05,
        meeting_hours_per_week=1.5,
        training_hours_per_week=0.25,
        coaching_hours_per_week=0.25,
    ),
)
# Call-volume-driven: a contacts-per-hour target above what inbound alone gives; idle time goes
# to outbound sales calls.
register_preset(
    "volume",
    PolicyParameters(
        contacts_per_hour_target=CONTACTS_PER_HOUR_TARGET,
        review_push=0.15,
        review_relief=0.05,
        outbound_when_idle=0.6,
        meeting_hours_per_week=1.5,
        training_hours_per_week=0.25,
        coaching_hours_per_week=0.25,
    ),
)
# Quality-driven: no AHT target; team leaders listen and coach; take the time the need requires
# and offer at the end of a good conversation (not after a poor one); longer training.
register_preset(
    "quality",
    PolicyParameters(
        review_relief=0.1,
        closing_quality_gate=0.55,
        meeting_hours_per_week=0.5,
        training_hours_per_week=1.0,
        coaching_hours_per_week=1.5,
        team_size=8,  # team leaders coach 12 h a week: 12 / 1.5 employees each
    ),
)
# Neutral starting point for a policy composed entirely in a scenario file.
register_preset("custom", PolicyParameters())
BUILT_IN = tuple(PRESETS)
"""The presets above: `sim.register_policy` never redefines them."""


IMPORT_PATH = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*")
"""The form of a policy named by import path: 'package.module:ClassName'."""


def import_policy_class(path: str) -> type:
    """The class a 'package.module:ClassName' policy name points to (ValueError if none).

    Importing runs the module's code: this happens when a run is set up (or an experiment
    checks its variants before its runs start), never while a scenario is validated."""
    module_name, _, class_name = path.partition(":")
    try:
        with contextlib.redirect_stdout(sys.stderr):  # what it prints must not reach --json
            found = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError, TypeError) as exc:  # TypeError: '.x'
        raise ValueError(f"cannot import policy class {path!r}: {exc}") from None
    if not isinstance(found, type):
        raise ValueError(f"{path!r} is not a class")
    return found


class _PolicyChoice(Section):
    """The policy's name, checked against the presets (or importable as a class)."""

    name: str = Field(
        "aht",
        description="aht, volume, quality, custom, a registered policy, or "
        "'package.module:ClassName' of a sim.Policy subclass (from custom's parameters)",
    )

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if ":" in name:  # checked for form only: the import runs code, so it waits for the run
            if not IMPORT_PATH.fullmatch(name):
                raise ValueError(
                    "not an import path; allowed: 'package.module:ClassName' (dotted Python "
                    "names) of a sim.Policy subclass, or a preset: " + ", ".join(policy_names())
                )
        elif name not in PRESETS:
            raise ValueError(
                f"unknown policy; allowed: {', '.join(policy_names())}, "
                "or 'package.module:ClassName' of a sim.Policy subclass"
            )
        return name


def _override(field: FieldInfo) -> tuple[Any, Any]:
    """A parameter as an optional override: its type and bounds, None meaning the preset's."""
    return Annotated[field.annotation, *field.metadata] | None, Field(
        None, description=field.description
    )


PolicySettings: type[_PolicyChoice] = create_model(
    "Policy",
    __base__=_PolicyChoice,
    __doc__="Management policy: a preset (`name`) whose parameters any key here overrides.\n\n"
    "Policies act only through these parameters and the hooks of `sim.Policy`.",
    **{name: _override(field) for name, field in PolicyParameters.model_fields.items()},
)
"""The `[policy]` section: `name`, then every parameter of `PolicyParameters` as an override."""
PolicySettings.__qualname__ = "PolicySettings"  # pickle finds the class by this module name


def resolve_policy(settings: _PolicyChoice) -> tuple[type | None, PolicyParameters]:
    """The class (None: the standard one) and parameters a `[policy]` section selects: the
    preset's (or the defaults for an imported class), then the section's overrides."""
    if ":" in settings.name:
        policy_class, preset = import_policy_class(settings.name), PolicyParameters()
    else:
        chosen = PRESETS[settings.name]
        policy_class, preset = chosen.policy_class, chosen.parameters
    given = {k: v for k, v in settings.model_dump().items() if k != "name" and v is not None}
    return policy_class, PolicyParameters.model_validate({**preset.model_dump(), **given})


def policy_fingerprint(section: dict[str, Any]) -> dict[str, Any] | None:
    """What a `[policy]` section (as a dict) resolves to, for run ids: the preset's class and
    its parameters with the overrides applied. None for a class named by import path (its
    parameters are the section's own; importing it would run code while a file is read)."""
    settings = PolicySettings.model_validate(section)
    if ":" in settings.name:
        return None
    policy_class, parameters = resolve_policy(settings)
    where = (
        None if policy_class is None else f"{policy_class.__module__}.{policy_class.__qualname__}"
    )
    return {"class": where, "parameters": parameters.model_dump()}
