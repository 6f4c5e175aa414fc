"""The employee: a Mesa agent who logs on to the phones, handles calls and logs off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.engine.model import ContactCenterModel


class Employee(mesa.Agent):
    """An employee, on or off the phones; while on the phones either idle or busy with one call."""

    model: ContactCenterModel

    def __init__(self, model: ContactCenterModel):
        super().__init__(model)
        self.on_phone = False
        self.busy = False
        self.leaving = False  # log off the phones when the current call ends
        self.call = -1  # id of the call in hand
        self.work_started = 0.0  # start of non-call work in hand (outbound)
        self.idle_since = 0.0
        self.logged_on_at = 0.0
        self.available_time = 0.0  # seconds logged on to the phones (idle or busy)
        self.busy_time = 0.0  # seconds talking or in after-call work
        self.calls_handled = 0
        self.handle_time_total = 0.0  # seconds of inbound handle time (for AHT reviews)
        self.away = 0  # reasons to be off the phones now: off shift, an activity, leaving
        self.shift = (0.0, 0.0)  # today's shift (start, end), when staffed by a rota
        self.quitting = False
        # behavioural state (neutral values in pure-queue mode)
        self.service_skill = 0.5
        self.sales_skill = 0.5
        self.experience_hours = 0.0
        self.stress = 0.0
        self.engagement = 0.7
        self.pressure = 0.0  # pressure added by the team leader's reviews
        self.felt_pressure = 0.0  # time pressure felt: the targets' and the reviews' (0..1)
        self.outbound_attempts = 0
        self.onboarding_left = 0.0  # classroom hours before the first call

    def log_on(self, time: float) -> None:
        """Start time on the phones."""
        self.on_phone, self.leaving, self.logged_on_at = True, False, time

    def log_off(self, time: float) -> None:
        """End time on the phones (the caller makes sure no call is in hand)."""
        self.available_time += time - self.logged_on_at
        self.on_phone = self.leaving = False

    def phone_time(self, time: float) -> float:
        """Seconds on the phones up to `time`, the current session included."""
        current = time - self.logged_on_at if self.on_phone else 0.0
        return self.available_time + current

    @property
    def occupancy(self) -> float:
        """Busy share of this employee's time on the phones so far."""
        return self.busy_time / self.available_time if self.available_time else 0.0
