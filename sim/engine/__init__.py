"""The Mesa model and the queueing core: the event calendar, arrivals, opening hours, routing,
staffing, employees on the phones, random durations and streams, the call log, and the Erlang
formulas that validate it all. Behaviour beyond queueing is plugged in (`hooks.Behavior`)."""

from sim.engine.employee import Employee
from sim.engine.hooks import Behavior, NoBehavior
from sim.engine.model import ContactCenterModel

__all__ = ["Behavior", "ContactCenterModel", "Employee", "NoBehavior"]
