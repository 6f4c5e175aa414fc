"""The behaviour plugged into the engine: customers, conversations, management policies, the
workforce, outbound calls and money (`ContactCenterBehavior` wires them to the engine's hooks)."""

from sim.behavior.contact_center import ContactCenterBehavior
from sim.behavior.policy import Guidance, Policy, make_policy, register_policy

__all__ = ["ContactCenterBehavior", "Guidance", "Policy", "make_policy", "register_policy"]
