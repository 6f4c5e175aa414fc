"""The hooks through which a behavioural layer acts on the engine; the base class is the pure queue.

The engine calls these at fixed points of a contact's life. `PureQueue` keeps every hook
neutral: handle time is the sampled talk plus after-call work, nothing follows a contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.employee import Employee
    from sim.model import ContactCenterModel


class PureQueue:
    """No behaviour: arrivals, patience, handle times, staffing and routing only."""

    def __init__(self, model: ContactCenterModel):
        self.model = model

    def handle_time(self, employee: Employee, call: int) -> float:
        """Seconds the employee is busy with `call` (talk plus after-call work)."""
        log = self.model.log
        return log.talk[call] + log.acw[call]

    def contact_ended(self, employee: Employee, call: int) -> None:
        """After a handled contact: resolution, sales and follow-up contacts would go here."""

    def call_abandoned(self, call: int) -> None:
        """After a caller hung up while waiting."""

    def day_started(self, day: int) -> None:
        """At opening time of `day`."""

    def day_ended(self, day: int) -> None:
        """At closing time of `day`."""
