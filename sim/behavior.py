"""The hooks through which a behavioural layer acts on the engine; `PureQueue` keeps them neutral.

The engine calls these at fixed points of a contact's life. In pure-queue mode every hook is
neutral: callers are anonymous, handle time is the sampled talk plus after-call work, nothing
follows a contact and idle employees wait for the next call.
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

    def arrival(self, time: float) -> None:
        """A new caller from the arrival process dials in."""
        model = self.model
        model.offer(model.add_contact(time), time)

    def patience_factor(self, customer: int) -> float:
        """Multiplier of a caller's patience draws (1: the scenario's patience as is)."""
        return 1.0

    def handle_time(self, employee: Employee, call: int) -> float:
        """Seconds the employee is busy with `call` (talk plus after-call work)."""
        log = self.model.log
        return log.talk[call] + log.acw[call]

    def contact_ended(self, employee: Employee, call: int, time: float) -> None:
        """After a handled contact: resolution, sales and follow-up contacts go here."""

    def call_abandoned(self, call: int, redialing: bool, time: float) -> None:
        """After a caller hung up while waiting (and will or will not redial)."""

    def redial_allowed(self, previous: int) -> bool:
        """Whether the caller of an abandoned call still redials when the time comes."""
        return True

    def redialled(self, previous: int, call: int) -> None:
        """A redial of `previous` was offered as `call`."""

    def idle_work(self, employee: Employee, time: float) -> float:
        """Work an employee with no caller waiting starts instead of idling (seconds; 0: none)."""
        return 0.0

    def idle_work_done(self, employee: Employee) -> None:
        """The work `idle_work` started has ended."""

    def day_started(self, day: int) -> None:
        """At opening time of `day`."""

    def day_ended(self, day: int) -> None:
        """At closing time of `day`."""

    def run_ended(self) -> None:
        """After the last call of the run has ended."""


def make_behavior(model: ContactCenterModel) -> PureQueue:
    """The pure queue, or the behavioural model when `behavior.enabled` is true."""
    if not model.config.behavior.enabled:
        return PureQueue(model)
    from sim.behavioral_model import BehavioralModel

    return BehavioralModel(model)
