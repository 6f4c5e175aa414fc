"""Acquisition: new customers join at a baseline rate scaled by reputation, and then call and
pay like everyone else (docs/MODEL.md §6.11).

Every random number of the channel has its own stream, so an open base leaves the initial
customers' draws alone, and the k-th newcomer has the same attributes under every policy (they
are drawn in fixed blocks): two policies differ in how many join, not in who.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.behavior.customer import DAYS_PER_MONTH, FLOAT_COLUMNS, draw_customers
from sim.behavior.draws import poisson_quantile
from sim.engine.arrivals import arrival_times

if TYPE_CHECKING:
    from sim.behavior.customer import CustomerBase
    from sim.engine.model import ContactCenterModel

BLOCK = 4096
"""Newcomers' attributes are drawn this many at a time, always in the same blocks."""


class Acquisition:
    """How many join at each closing, who they are, and when they call."""

    def __init__(self, model: ContactCenterModel, customers: CustomerBase):
        cfg = model.config
        self.model = model
        self.config = cfg.word_of_mouth
        self.customers = customers
        self._customers_config = cfg.customers
        streams = model.streams
        self._count = streams["acquisition"]
        self._attributes = streams["newcomers"]
        self._arrivals = streams["newcomer_arrivals"]
        self._pool: dict[str, np.ndarray] = {name: np.empty(0) for name in FLOAT_COLUMNS}

    def monthly_share(self, reputation: float) -> float:
        """New customers per month as a share of the initial base, at `reputation` (net
        promoter share above neutral): the baseline plus strength × reputation over 12 months,
        never below 0."""
        c = self.config
        return max(0.0, c.baseline_monthly_share + c.strength * reputation / 12)

    def expected(self, reputation: float, days: float) -> float:
        """Expected newcomers over `days` calendar days at `reputation`."""
        return self.customers.initial * self.monthly_share(reputation) * days / DAYS_PER_MONTH

    def join(self, reputation: float, days: float, time: float) -> int:
        """At a closing: the newcomers of the `days` until the next opening join the base."""
        n = poisson_quantile(self.expected(reputation, days), float(self._count.random()))
        if n:
            self.customers.grow(self._take(n), time)
        return n

    def _take(self, n: int) -> dict[str, np.ndarray]:
        """The next `n` newcomers' attributes from the pool, drawn in blocks of `BLOCK`."""
        pool = self._pool
        while len(pool["monthly_value"]) < n:
            block = draw_customers(self._customers_config, self._attributes, BLOCK)
            pool = {name: np.concatenate((pool[name], block[name])) for name in FLOAT_COLUMNS}
        self._pool = {name: column[n:] for name, column in pool.items()}
        return {name: column[:n] for name, column in pool.items()}

    def day_started(self, day: int, call: Callable[[None, float], None]) -> None:
        """Schedule the day's value demand of the newcomers, `call(None, time)` at each of
        their arrivals: the engine's arrivals are the initial base's, so the newcomers add a
        Poisson stream at the same rate per customer. (The caller passes `call` each day: held
        here, a bound method of the layer would tie the two in a reference cycle.)"""
        customers = self.customers
        if not customers.newcomers:
            return
        model = self.model
        times = arrival_times(
            model.config.arrivals,
            model.hours,
            day,
            self._arrivals,
            scale=customers.newcomers / customers.initial,
        )
        schedule = model.events.schedule
        for time in times.tolist():
            schedule(time, call)
