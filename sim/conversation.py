"""The conversation: from time spent, skill, stress and the policy's guidance to quality,
resolution, the closing question, a sale and the customer's experience.

Every formula here is in docs/MODEL.md (Submodels → Conversation). The function is pure: all
randomness comes in through `Draws`, so the same draws give the same conversation.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.behavior_config import Conversation as ConversationConfig
from sim.behavior_config import Sales, Satisfaction
from sim.policies import Guidance


class Draws(NamedTuple):
    """The random numbers one contact uses, drawn in a fixed order (common random numbers)."""

    time_noise: float  # lognormal factor, mean 1
    opportunity: float  # uniforms in [0, 1)
    resolve: float
    ask: float
    buy: float
    sale_value: float  # lognormal, mean sales.value_mean


class Outcome(NamedTuple):
    """What came of one conversation (a tuple: cheap to create, fast to tabulate)."""

    talk: float
    quality: float
    resolved: bool
    opportunity: bool
    offered: bool
    pushy: bool
    sold: bool
    sale_value: float


def converse(
    need: float,
    sales_opportunity: float,
    buying_intent: bool,
    potential: float,
    service_skill: float,
    sales_skill: float,
    stress: float,
    guidance: Guidance,
    talk: ConversationConfig,
    sales: Sales,
    draws: Draws,
) -> Outcome:
    """Hold one conversation and return its outcome."""
    # time: skilled employees need less; pressure cuts the plan short; execution varies
    effective_need = need * (1.0 + talk.skill_time_effect * (0.5 - service_skill))
    spent = effective_need * (1.0 - talk.pressure_shortening * guidance.pressure) * draws.time_noise
    completeness = min(1.0, spent / effective_need)
    quality = (
        completeness**talk.completeness_exponent
        * (talk.skill_quality_floor + (1.0 - talk.skill_quality_floor) * service_skill)
        * (1.0 - talk.stress_quality_penalty * stress)
    )
    resolved = draws.resolve < quality
    opportunity = draws.opportunity < sales_opportunity
    # the closing question: customers who call to buy ask for it themselves
    if buying_intent:
        offered, pushy, potential = opportunity, False, max(potential, sales.intent_potential)
    else:
        offered = (
            opportunity and quality >= guidance.quality_gate and draws.ask < guidance.ask_propensity
        )
        pushy = offered and quality < sales.pushy_threshold
    sold = False
    if offered:
        spent += talk.offer_seconds
        p_buy = (
            sales.base_conversion
            * potential
            * (0.5 + sales_skill)
            * quality**sales.quality_exponent
        )
        sold = draws.buy < p_buy
    return Outcome(
        talk=spent,
        quality=quality,
        resolved=resolved,
        opportunity=opportunity,
        offered=offered,
        pushy=pushy,
        sold=sold,
        sale_value=draws.sale_value if sold else 0.0,
    )


def experience(outcome: Outcome, wait: float, repeat: bool, weights: Satisfaction) -> float:
    """The customer's experience of a handled contact, 0..1: quality, resolution, a short wait,
    minus a pushy offer and the annoyance of calling about a failure."""
    score = (
        weights.quality_weight * outcome.quality
        + weights.resolution_weight * outcome.resolved
        + weights.wait_weight * (1.0 - min(1.0, wait / weights.wait_tolerance_seconds))
        - weights.pushy_penalty * outcome.pushy
        - weights.repeat_penalty * repeat
    )
    return min(1.0, max(0.0, score))
