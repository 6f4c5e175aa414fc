"""Routing: one FIFO queue of waiting calls and the idle employees, longest-idle first."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sim.engine.call_log import WAITING

if TYPE_CHECKING:
    from sim.engine.employee import Employee


class Router:
    """Matches waiting calls to idle employees and keeps the exact time-integral of the queue."""

    __slots__ = ("_last", "_outcome", "area", "idle", "max_waiting", "queue", "waiting")

    def __init__(self, outcome: list[int]):
        self.queue: deque[int] = deque()  # call ids; abandoned ones are skipped lazily
        self.idle: deque[Employee] = deque()  # left end idle longest (the model's hot path
        # pops and appends here itself; everything else uses the methods below)
        self.waiting = 0  # calls in the queue that have not abandoned
        self.max_waiting = 0
        self.area = 0.0  # integral of `waiting` over time, up to `_last`
        self._last = 0.0
        self._outcome = outcome

    def _advance(self, time: float) -> None:
        self.area += self.waiting * (time - self._last)
        self._last = time

    def enqueue(self, call: int, time: float) -> None:
        """Put a call at the back of the queue."""
        self._advance(time)
        self.queue.append(call)
        self.waiting += 1
        if self.waiting > self.max_waiting:
            self.max_waiting = self.waiting

    def abandoned(self, time: float) -> None:
        """A waiting call hung up; it stays in the deque until skipped."""
        self._advance(time)
        self.waiting -= 1

    def next_call(self, time: float) -> int:
        """Remove and return the longest-waiting call, or -1 if none waits."""
        if not self.waiting:
            self.queue.clear()
            return -1
        queue, outcome = self.queue, self._outcome
        call = queue.popleft()
        while outcome[call] != WAITING:
            call = queue.popleft()
        self._advance(time)
        self.waiting -= 1
        return call

    def pop_shortest_idle(self) -> Employee | None:
        """The employee idle shortest, who logs off first; None if nobody is idle."""
        idle = self.idle
        return idle.pop() if idle else None

    def remove_idle(self, employee: Employee) -> None:
        """An idle employee leaves the phones."""
        self.idle.remove(employee)

    @property
    def idle_count(self) -> int:
        """Employees idle on the phones now."""
        return len(self.idle)

    def reset_peak(self) -> None:
        """Start a new maximum of waiting calls from now (when measuring starts)."""
        self.max_waiting = self.waiting

    def area_until(self, time: float) -> float:
        """Integral of the number of waiting calls over time, from 0 to `time`."""
        self._advance(time)
        return self.area
