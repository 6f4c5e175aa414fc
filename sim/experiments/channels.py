"""What drives a difference between two policies: the paired difference in profit after churn
with one mechanism (channel) switched off at a time, in both policies, under common random
numbers. It is one `compare` experiment: the two policies as they are, and the two again with
each channel off; a channel's contribution is how much of the difference disappears without it.
Channels interact, so the contributions need not add up to the whole; the table says by how
much they miss ("interaction")."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.experiments.statistics import paired_by_seed
from sim.scenario.policy import PRESETS

CHANNELS: dict[str, tuple[str, dict[str, Any]]] = {
    "time pressure": (
        "targets press on nobody (employees.target_pressure = 0, policy.review_push = 0)",
        {"employees.target_pressure": 0.0, "policy.review_push": 0.0},
    ),
    "asking": (
        "everyone asks with the same habit (no skill, pressure or queue effect; no quality gate)",
        {
            "sales.ask_skill_effect": 0.0,
            "sales.ask_pressure_skip": 0.0,
            "sales.ask_queue_effect": 0.0,
            "policy.closing_quality_gate": 0.0,
        },
    ),
    "conversion": (
        "conversion does not depend on conversation quality (sales.quality_exponent → 0)",
        {"sales.quality_exponent": 1e-9},
    ),
    "failure demand": (
        "unresolved customers do not call again (demand.callback_probability = 0)",
        {"demand.callback_probability": 0.0},
    ),
    "churn": ("nobody churns (churn.max_probability = 0)", {"churn.max_probability": 0.0}),
    "staff cost": (
        "people and seats cost nothing (hourly costs and overhead = 0)",
        {
            "money.employee_hourly_cost": 0.0,
            "money.team_leader_hourly_cost": 0.0,
            "money.overhead_per_paid_hour": 0.0,
        },
    ),
}
"""Channel: (what switching it off means, overrides for both policies)."""
COACHING = "coaching and training"
OFF_PHONE = (
    "meeting_hours_per_week",
    "training_hours_per_week",
    "coaching_hours_per_week",
    "team_size",
)
KPI = "profit_after_churn"
SEPARATOR = " without "


def off_phone(policy: str) -> dict[str, Any]:
    """A preset's off-phone hours and team size, as overrides of `policy.*`."""
    parameters = PRESETS[policy].parameters
    return {f"policy.{name}": getattr(parameters, name) for name in OFF_PHONE}


def channel_variants(a: str, b: str) -> dict[str, dict[str, Any]]:
    """The variants of the split of `a` − `b` (two policy presets): both as they are, and both
    with each channel off; the coaching channel gives `a` the off-phone time of `b`."""
    for name in (a, b):
        if name not in PRESETS:
            raise ValueError(f"{name!r} is not a policy preset; choose from {sorted(PRESETS)}")
    variants = {a: {"policy.name": a}, b: {"policy.name": b}}
    for channel, (_, overrides) in CHANNELS.items():
        variants[f"{a}{SEPARATOR}{channel}"] = {"policy.name": a, **overrides}
        variants[f"{b}{SEPARATOR}{channel}"] = {"policy.name": b, **overrides}
    variants[f"{a}{SEPARATOR}{COACHING}"] = {"policy.name": a, **off_phone(b)}
    variants[f"{b}{SEPARATOR}{COACHING}"] = {"policy.name": b}  # b has its own already
    return variants


def explanations(a: str, b: str) -> dict[str, str]:
    """What switching each channel off means, in words."""
    out = {channel: what for channel, (what, _) in CHANNELS.items()}
    out[COACHING] = f"{a} gets {b}'s off-phone hours and team size"
    return out


def channel_table(runs: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """One row per channel: the difference `a` − `b` with it off (mean and 95 % CI) and its
    contribution (the whole difference minus that); then `interaction` (what the channels'
    contributions leave over) and `total` (the whole difference); columns `a` and `b` name
    the pair, `n` the paired replications."""
    whole = paired_by_seed(runs, KPI, a, b)
    rows = []
    what = explanations(a, b)
    for channel in [*CHANNELS, COACHING]:
        d = paired_by_seed(runs, KPI, f"{a}{SEPARATOR}{channel}", f"{b}{SEPARATOR}{channel}")
        rows.append(
            {
                "channel": channel,
                "switched_off": what[channel],
                "difference": d["mean"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "contribution": whole["mean"] - d["mean"],
            }
        )
    explained = sum(r["contribution"] for r in rows)
    rows.append(
        {
            "channel": "interaction",
            "switched_off": "what the channels one at a time leave over",
            "difference": float("nan"),
            "ci_low": float("nan"),
            "ci_high": float("nan"),
            "contribution": whole["mean"] - explained,
        }
    )
    rows.append(
        {
            "channel": "total",
            "switched_off": "nothing: the whole difference",
            "difference": whole["mean"],
            "ci_low": whole["ci_low"],
            "ci_high": whole["ci_high"],
            "contribution": whole["mean"],
        }
    )
    return pd.DataFrame(rows).assign(a=a, b=b, n=whole["n"])
