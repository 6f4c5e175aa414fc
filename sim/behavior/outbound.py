"""Outbound sales calls: what an idle employee does when the policy asks for calls, calls, calls.

Every formula here is in docs/MODEL.md (Submodels → Outbound calls).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.behavior.draws import DrawLayout

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.behavior.contact_center import ContactCenterBehavior
    from sim.engine.employee import Employee

OUTBOUND_DRAWS = DrawLayout(
    uniform=("customer", "connect", "interest", "buy", "churn"),
    normal=("value",),
    exponential=("talk",),
)
"""The random numbers of one outbound attempt, as `outbound_call` unpacks them."""


@dataclass
class OutboundCounts:
    """Running totals of outbound work."""

    attempts: int = 0
    connects: int = 0
    sales: int = 0
    seconds: float = 0.0  # on the line: dialling and talking


def outbound_call(
    layer: ContactCenterBehavior,
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
    u_customer, u_connect, u_interest, u_buy, u_churn, z_value, e_talk = draws()
    counts.attempts += 1
    employee.outbound_attempts += 1
    customers = layer.customers
    customer = customers.any_for(u_customer)  # newcomers too
    if customers.churned[customer] or u_connect >= out.connect_rate:
        counts.seconds += out.dial_seconds
        return out.dial_seconds
    counts.connects += 1
    satisfaction = layer.cfg.satisfaction
    if u_interest < out.interest_share:
        conversation = layer.conversation
        quality = conversation.quality(1.0, employee)  # nothing to cover: only skill and stress
        if u_buy < conversation.purchase_chance(customers.potential[customer], employee, quality):
            counts.sales += 1
            layer.sale(customer, conversation.sale_value(z_value))
        layer.experience(customer, quality)
    else:
        layer.experience(customer, satisfaction.unwanted_call_experience)
        layer.churn_check(customer, u_churn, time)
    seconds = out.dial_seconds + out.talk_mean_seconds * e_talk
    counts.seconds += seconds
    return seconds
