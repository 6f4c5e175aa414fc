"""The business calendar: simulated days, opening hours and reporting intervals in model seconds.

Day `d` starts at `d * 86400`; the center is open from `open_from` to `open_until` each day.
The first `warmup` simulated days are a warm-up: results are measured from the opening of day
`warmup` on, and reported with that day as day 0.
"""

from __future__ import annotations

import math

from sim.scenario.queue import WEEKDAYS, Calendar

DAY = 86_400.0


class OpeningHours:
    """Converts between model time and (day, interval), and measures delays in opening time."""

    def __init__(self, calendar: Calendar):
        self.days = calendar.simulated_days
        self.warmup = calendar.warmup_days
        self.measured_days = calendar.days
        self.open = float(calendar.open_second)
        self.close = float(calendar.close_second)
        self.interval = float(calendar.interval_seconds)
        self.intervals_per_day = calendar.intervals_per_day
        self.weekday = calendar.weekday
        self.open_per_day = self.close - self.open

    @property
    def measured_from(self) -> float:
        """Model time at which measuring starts: the opening of the first measured day."""
        return self.opens_at(self.warmup)

    def opens_at(self, day: int) -> float:
        """Model time at which `day` opens."""
        return day * DAY + self.open

    def closes_at(self, day: int) -> float:
        """Model time at which `day` closes."""
        return day * DAY + self.close

    def interval_start(self, day: int, interval: int) -> float:
        """Model time at which interval `interval` of `day` begins."""
        return day * DAY + self.open + interval * self.interval

    def calendar_days_after(self, day: int) -> int:
        """Calendar days from opening day `day` to the next one (3 from a Friday to a Monday)."""
        gap = (WEEKDAYS.index(self.weekday(day + 1)) - WEEKDAYS.index(self.weekday(day))) % 7
        return gap or 7

    def add_open_time(self, time: float, delay: float) -> float:
        """The moment `delay` seconds of opening time after `time`; inf if past the last day.

        Delays of customers who call back count only while the center is open, so a callback
        due overnight happens the next morning after the remaining delay.
        """
        day = int(time // DAY)
        second = time - day * DAY
        if second < self.open:
            second = self.open
        elif second >= self.close:
            day, second = day + 1, self.open
        remaining = self.close - second
        if delay < remaining:
            result_day, result_second = day, second + delay
        else:
            extra_days, rest = divmod(delay - remaining, self.open_per_day)
            result_day, result_second = day + 1 + int(extra_days), self.open + rest
        return result_day * DAY + result_second if result_day < self.days else math.inf
