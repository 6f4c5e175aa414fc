"""Shift planning: a day's shifts that cover each interval's head count.

Shifts start on interval boundaries, last one of the allowed lengths and end by closing time.
The cover is greedy, as a planner with a spreadsheet would make it: at the first interval that
still needs someone, start the longest shift whose every interval still needs someone (so a
shift does not run on into hours that are already covered), else the shortest that fits. It is
not optimal: an integer program (e.g. pyworkforce) would pay a few percent fewer hours; the
surplus it leaves is paid idle time, as in a real roster (docs/MODEL.md, Shifts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple


class Shift(NamedTuple):
    """A shift in intervals of the opening hours: [start, end)."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def heads_needed(on_phones: Sequence[int], available_share: float) -> list[int]:
    """Employees on shift per interval so that, after the planned shrinkage inside shifts
    (breaks, off-phone activities), `on_phones` of them are on the phones."""
    if not 0 < available_share <= 1:
        raise ValueError(f"available share {available_share!r} must be in (0, 1]")
    return [math.ceil(n / available_share - 1e-9) for n in on_phones]


def plan_shifts(heads: Sequence[int], lengths: Sequence[int]) -> list[Shift]:
    """Shifts (lengths in intervals) whose head count covers `heads` in every interval."""
    n = len(heads)
    fitting = sorted({min(length, n) for length in lengths if length > 0}, reverse=True)
    if not fitting:
        raise ValueError("no shift length given")
    cover = [0] * n
    shifts: list[Shift] = []
    for k in range(n):
        while cover[k] < heads[k]:
            shift = _next_shift(k, heads, cover, fitting)
            for j in range(shift.start, shift.end):
                cover[j] += 1
            shifts.append(shift)
    return shifts


def _next_shift(k: int, heads: Sequence[int], cover: list[int], lengths: list[int]) -> Shift:
    """The shift to start at interval k (or earlier, if even the shortest runs past closing)."""
    n = len(heads)
    for length in lengths:  # longest first
        end = k + length
        if end <= n and all(cover[j] < heads[j] for j in range(k, end)):
            return Shift(k, end)
    shortest = lengths[-1]
    start = min(k, n - shortest)
    return Shift(start, start + shortest)


def coverage(shifts: Sequence[Shift], n: int) -> list[int]:
    """Employees on shift per interval."""
    cover = [0] * n
    for shift in shifts:
        for j in range(shift.start, shift.end):
            cover[j] += 1
    return cover
