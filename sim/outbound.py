"""Outbound sales calls: what an idle employee does when the policy asks for calls, calls, calls.

Every formula here is in docs/MODEL.md (Submodels → Outbound calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.behavioral_model import BehavioralModel
    from sim.employee import Employee


@dataclass
class OutboundCounts:
    """Running totals of outbound work."""

    attempts: int = 0
    connects: int = 0
    sales: int = 0


def outbound_call(
    layer: BehavioralModel,
    employee: Employee,
    time: float,
    draws: Callable[[], list[float]],
    counts: OutboundCounts,
) -> float:
    """One outbound attempt to a random customer; returns the seconds it keeps the employee busy.

    Most attempts do not connect; of those that do, a few customers welcome the offer and may
    buy (as in a conversation without a need, quality from skill and stress); the rest did not
    want the call, which costs satisfaction and may tip them into churn.
    """
    out = layer.cfg.outbound
    u_customer, u_connect, u_interest, u_buy, u_churn, z_value, e_talk = draws()  # 5 U, N, E
    counts.attempts += 1
    employee.outbound_attempts += 1
    customers = layer.customers
    index = int(u_customer * customers.population)
    index = index if index < customers.last else customers.last  # u * n may round up to n
    customer = customers.agents.get(index)  # None: never in contact before
    if (customer is not None and customer.churned) or u_connect >= out.connect_rate:
        return out.dial_seconds
    counts.connects += 1
    if customer is None:
        customer = customers.add(index)
    satisfaction = layer.cfg.satisfaction
    if u_interest < out.interest_share:
        conversation, sales = layer.cfg.conversation, layer.cfg.sales
        quality = (
            conversation.skill_quality_floor
            + (1 - conversation.skill_quality_floor) * employee.service_skill
        ) * (1 - conversation.stress_quality_penalty * employee.stress)
        p_buy = (
            sales.base_conversion
            * customer.potential
            * (0.5 + employee.sales_skill)
            * quality**sales.quality_exponent
        )
        if u_buy < p_buy:
            counts.sales += 1
            layer.sale(customer, layer.conversation.sale_value(z_value))
        customer.experience(quality, satisfaction.memory)
    else:
        customer.experience(satisfaction.unwanted_call_experience, satisfaction.memory)
        layer.churn_check(customer, u_churn, time)
    return out.dial_seconds + out.talk_mean_seconds * e_talk
