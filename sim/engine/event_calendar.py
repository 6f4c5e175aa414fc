"""The fast event calendar for per-call events (answers, hang-ups, abandonments, redials).

Clock-driven events (opening, intervals, closing) go through Mesa's own event list; the many
per-call events go here: a plain binary heap of (time, sequence, callback, argument) tuples
is about 3.5x cheaper per event than Mesa's weak-referenced `Event` objects (see README).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any


class EventCalendar:
    """A time-ordered heap of callbacks; ties run in the order they were scheduled."""

    __slots__ = ("_counter", "heap")

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, Callable[[Any, float], None], Any]] = []
        self._counter = itertools.count()

    def schedule(
        self, time: float, callback: Callable[[Any, float], None], argument: Any = None
    ) -> None:
        """Run `callback(argument, time)` at model time `time` (callbacks get the time passed:
        cheaper than reading the observable `model.time`)."""
        heapq.heappush(self.heap, (time, next(self._counter), callback, argument))

    def __len__(self) -> int:
        return len(self.heap)
