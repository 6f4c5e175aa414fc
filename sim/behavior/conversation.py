"""The conversation: from time spent, skill, stress, the load on the center and the policy's
guidance to quality, resolution, the closing question, a sale and the customer's experience.

Every formula here is in docs/MODEL.md (Submodels → Conversation). `Conversation.hold` is
pure: all randomness comes in as the contact's draws, so the same draws give the same
conversation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from sim.behavior.draws import DrawLayout
from sim.engine.distributions import lognormal_parameters

if TYPE_CHECKING:
    from sim.behavior.policy import Guidance
    from sim.engine.employee import Employee
    from sim.scenario.behavior import Conversation as ConversationConfig
    from sim.scenario.behavior import Reason, Sales, Satisfaction


class Outcome(NamedTuple):
    """What came of one conversation."""

    talk: float  # seconds of talk, the closing question included
    overtalk: float  # talk beyond what the question needed, as a share of that need (0..)
    quality: float  # 0..1
    resolved: bool
    opportunity: bool  # the contact offered a sales opportunity
    offered: bool  # the closing question was asked (or the customer asked to buy)
    pushy: bool  # an offer in a conversation below the pushy threshold
    sold: bool
    sale_value: float


new_outcome = tuple.__new__
"""`new_outcome(Outcome, (...))` builds an Outcome in C: a NamedTuple's own constructor is a
Python function, 0.5 µs more per contact on CPython 3.12 (tests check the width)."""

CONVERSATION_DRAWS = DrawLayout(
    uniform=("opportunity", "resolve", "ask", "buy"), normal=("time", "value")
)
"""The random numbers of one conversation, as `Conversation.hold` unpacks them."""


class Conversation:
    """The conversation model of a run: its parameters, and `hold` to play one conversation."""

    def __init__(self, talk: ConversationConfig, sales: Sales, resolvable: float = 1.0):
        self.talk = talk
        self.sales = sales
        self.resolvable = resolvable  # chance an issue can be resolved in a call at all
        self._time_noise = lognormal_parameters(1.0, talk.time_noise_cv)
        self._value = lognormal_parameters(sales.value_mean, sales.value_cv)

    def sale_value(self, z: float) -> float:
        """The value of a sale, from a standard normal draw (lognormal)."""
        mu, sigma = self._value
        return math.exp(mu + sigma * z)

    def quality(self, completeness: float, employee: Employee) -> float:
        """Quality (0..1) of a conversation given the share of the need it covered: more from
        skill, less under stress."""
        talk = self.talk
        return (
            completeness**talk.completeness_exponent
            * (talk.skill_quality_floor + (1.0 - talk.skill_quality_floor) * employee.service_skill)
            * (1.0 - talk.stress_quality_penalty * employee.stress)
        )

    def purchase_chance(self, potential: float, employee: Employee, quality: float) -> float:
        """The chance an offer is bought: the customer's potential, sales skill and quality."""
        sales = self.sales
        return (
            sales.base_conversion
            * potential
            * (0.5 + employee.sales_skill)
            * quality**sales.quality_exponent
        )

    def ask_chance(self, employee: Employee, pressure: float, queue_per_employee: float) -> float:
        """The chance to ask the closing question when there is an opportunity: a habit that
        grows with sales skill, skipped under time pressure and when callers wait."""
        sales = self.sales
        habit = clamp(sales.ask_habit + sales.ask_skill_effect * (employee.sales_skill - 0.5), 0, 1)
        return (
            habit
            * (1.0 - sales.ask_pressure_skip * pressure)
            / (1.0 + sales.ask_queue_effect * queue_per_employee)
        )

    def hold(
        self,
        need: float,
        reason: Reason,
        potential: float,
        employee: Employee,
        guidance: Guidance,
        idle_share: float,
        queue_per_employee: float,
        draws: list[float],
    ) -> Outcome:
        """Hold one conversation and return its outcome (`draws`: a row of CONVERSATION_DRAWS).

        `idle_share`: colleagues on the phones who are idle, as a share of them;
        `queue_per_employee`: callers waiting per employee on the phones."""
        u_opportunity, u_resolve, u_ask, u_buy, z_time, z_value = draws
        pressure, quality_gate = guidance  # unpacked: faster than attributes
        talk, sales = self.talk, self.sales
        mu, sigma = self._time_noise
        # time: skilled employees need less; pressure cuts the plan short; conversations run on
        # when nobody waits and compress when many do; execution varies
        effective_need = need * (1.0 + talk.skill_time_effect * (0.5 - employee.service_skill))
        load = (
            1.0
            + talk.idle_stretch * idle_share
            - talk.load_compression * (queue_per_employee if queue_per_employee < 1.0 else 1.0)
        )
        spent = (
            effective_need
            * (1.0 - talk.pressure_shortening * pressure)
            * load
            * math.exp(mu + sigma * z_time)
        )
        completeness = spent / effective_need
        overtalk = completeness - 1.0 if completeness > 1.0 else 0.0
        quality = self.quality(completeness if completeness < 1.0 else 1.0, employee)
        resolved = u_resolve < self.resolvable * quality
        opportunity = u_opportunity < reason.sales_opportunity
        # the closing question: customers who call to buy ask for it themselves
        if reason.buying_intent:
            potential = potential if potential > sales.intent_potential else sales.intent_potential
            offered, pushy = opportunity, False
        else:
            offered = (
                opportunity
                and quality >= quality_gate
                and u_ask < self.ask_chance(employee, pressure, queue_per_employee)
            )
            pushy = offered and quality < sales.pushy_threshold
        if not offered:
            return new_outcome(
                Outcome, (spent, overtalk, quality, resolved, opportunity, False, pushy, False, 0.0)
            )
        spent += talk.offer_seconds
        sold = u_buy < self.purchase_chance(potential, employee, quality)
        if sold and reason.buying_intent:
            resolved = True  # they called to buy, and bought
        value = self.sale_value(z_value) if sold else 0.0
        return new_outcome(
            Outcome, (spent, overtalk, quality, resolved, opportunity, True, pushy, sold, value)
        )


def experience(
    quality: float,
    resolved: bool,
    pushy: bool,
    wait: float,
    overtalk: float,
    repeat: bool,
    weights: Satisfaction,
) -> float:
    """The customer's experience of a handled contact, 0..1: quality, resolution, a short wait,
    minus a pushy offer, talk that ran on beyond the question, and the annoyance of calling
    about a failure."""
    patience_used = wait / weights.wait_tolerance_seconds
    score = (
        weights.quality_weight * quality
        + weights.resolution_weight * resolved
        + weights.wait_weight * (1.0 - (patience_used if patience_used < 1.0 else 1.0))
        - weights.pushy_penalty * pushy
        - weights.overtalk_penalty * (overtalk if overtalk < 1.0 else 1.0)
        - weights.repeat_penalty * repeat
    )
    return clamp(score, 0.0, 1.0)


def clamp(x: float, low: float, high: float) -> float:
    """`x` limited to [low, high] (several times faster than min/max in Python 3.12)."""
    return low if x < low else high if x > high else x
