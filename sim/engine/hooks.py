"""The hooks through which behaviour acts on the engine, and `NoBehavior`, which keeps them all
neutral (the pure queue).

The engine calls these at fixed points of a contact's life and of each day. A behaviour is
built by the model it plugs into (`ContactCenterModel(scenario, behavior=SomeBehavior)`), as
Ciw's `Simulation` takes its plug-in classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sim.engine.employee import Employee
    from sim.engine.model import ContactCenterModel


class Behavior(Protocol):
    """What the engine asks of the behaviour plugged into it."""

    def arrival(self, time: float) -> None:
        """The arrival process fired: offer a new contact (`model.add_contact`, `model.offer`)."""

    def patience_factor(self, customer: int) -> float:
        """Multiplier of a redialling caller's patience draw."""

    def talk_time(self, employee: Employee, call: int) -> float:
        """`employee` answered `call`: seconds of talk (the engine adds after-call work)."""

    def contact_ended(self, employee: Employee, call: int, time: float) -> None:
        """After a handled contact: resolution, sales and follow-up contacts go here."""

    def call_abandoned(self, call: int, redialing: bool, time: float) -> None:
        """After a caller hung up while waiting (and will or will not redial)."""

    def redial_allowed(self, previous: int) -> bool:
        """Whether the caller of an abandoned call still redials when the time comes."""

    def redialed(self, previous: int, call: int) -> None:
        """A redial of `previous` was offered as `call`."""

    def idle_work(self, employee: Employee, time: float) -> float:
        """Work an employee with no caller waiting starts instead of idling (seconds; 0: none)."""

    def idle_work_done(self, employee: Employee) -> None:
        """The work `idle_work` started has ended."""

    def day_started(self, day: int) -> None:
        """At opening time of `day`."""

    def day_ended(self, day: int) -> None:
        """At closing time of `day`."""

    def run_ended(self) -> None:
        """After the last call of the run has ended."""


class NoBehavior:
    """No behaviour: anonymous callers, sampled talk times, nothing follows a contact and idle
    employees wait for the next call. Arrivals, patience, staffing and routing only."""

    def __init__(self, model: ContactCenterModel):
        self.model = model

    def arrival(self, time: float) -> None:
        model = self.model
        model.offer(model.add_contact(time), time)

    def patience_factor(self, customer: int) -> float:
        return 1.0

    def talk_time(self, employee: Employee, call: int) -> float:
        return self.model.log.talk[call]

    def contact_ended(self, employee: Employee, call: int, time: float) -> None:
        pass

    def call_abandoned(self, call: int, redialing: bool, time: float) -> None:
        pass

    def redial_allowed(self, previous: int) -> bool:
        return True

    def redialed(self, previous: int, call: int) -> None:
        pass

    def idle_work(self, employee: Employee, time: float) -> float:
        return 0.0

    def idle_work_done(self, employee: Employee) -> None:
        pass

    def day_started(self, day: int) -> None:
        pass

    def day_ended(self, day: int) -> None:
        pass

    def run_ended(self) -> None:
        pass
