"""Watch a day: one simulated day of a scenario, stepped a few minutes at a time through the
Mesa model's own clock (`run_until`), with what the floor looks like at each step; and each
browser tab's own watched day."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sim.engine.opening_hours import DAY
from sim.metrics import build_model
from sim.scenario import Scenario

STEP_SECONDS = 300.0


@dataclass
class Floor:
    """The contact center at one moment: the queue, what the employees do, service so far."""

    clock: str
    queue: int
    talking: int  # on an inbound call (talk or after-call work)
    outbound: int  # on an outbound call
    idle: int
    away: int  # on shift but off the phones (a break, meeting, coaching or training)
    service_level: float  # answered within the target so far, as a share of contacts offered
    offered: int


class DayView:
    """The first measured day of `scenario`, advanced step by step: the scenario's warm-up
    runs first, quietly, so the day is the one its runs measure first (staffed by the weekly
    sizing, with the failure demand and stress built up) and its service level compares with
    the cards'."""

    def __init__(self, scenario: Scenario, seed: int = 1, step_seconds: float = STEP_SECONDS):
        one_day = scenario.model_copy(
            update={"calendar": scenario.calendar.model_copy(update={"days": 1})}
        )
        self.model = build_model(one_day, seed=seed)
        self.step_seconds = step_seconds
        self.warmup = scenario.calendar.warmup_days
        self.opens = self.model.hours.opens_at(self.warmup)
        self.closes = self.model.hours.closes_at(self.warmup)
        self.target = scenario.kpi.service_level_seconds
        self.model.run_until(self.opens)
        self.first_call = len(self.model.log)  # the warm-up's contacts are not this day's
        self.history: list[Floor] = [self.floor()]

    @property
    def done(self) -> bool:
        return self.model.time >= self.closes

    def step(self) -> Floor:
        """Advance one step (to closing at most) and return the floor then."""
        if not self.done:
            self.model.run_until(min(self.model.time + self.step_seconds, self.closes))
            self.history.append(self.floor())
        return self.history[-1]

    def floor(self) -> Floor:
        model = self.model
        log, staffing, router = model.log, model.staffing, model.router
        first = self.first_call
        n = len(log) - first
        answered = sum(
            1
            for call in range(first, len(log))
            if log.answer[call] == log.answer[call]
            and log.answer[call] - log.arrival[call] <= self.target
        )
        employees = list(model.employees)
        on_phone = staffing.on_phone
        busy = [e for e in employees if e.on_phone and e.busy]
        talking = sum(1 for e in busy if e.call >= 0)
        second = int(model.time % DAY)
        return Floor(
            clock=f"{second // 3600:02d}:{second % 3600 // 60:02d}",
            queue=router.waiting,
            talking=talking,
            outbound=len(busy) - talking,
            idle=on_phone - len(busy),
            away=sum(
                1
                for e in employees
                if not e.on_phone and e.shift[0] <= model.time < e.shift[1] and not e.quitting
            ),
            service_level=answered / n if n else 1.0,
            offered=n,
        )


class DayWatch:
    """One browser tab's watched day: the DayView of the lever setting it shows, kept while
    that setting is watched. Its play loop and its Step button may step at the same time, so
    every change happens under a lock; each tab has its own (another tab's steps never
    advance this one's day)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._view: DayView | None = None

    def view(self, key: str, make: Callable[[], DayView], restart: bool = False) -> DayView:
        """The day for setting `key`, made by `make` when the setting changed (or `restart`)."""
        with self._lock:
            return self._current(key, make, restart)

    def step(self, key: str, make: Callable[[], DayView]) -> Floor:
        """Advance the day for setting `key` one step."""
        with self._lock:
            return self._current(key, make, False).step()

    def _current(self, key: str, make: Callable[[], DayView], restart: bool) -> DayView:
        if restart or self._view is None or key != self._key:
            self._view, self._key = make(), key
        return self._view
