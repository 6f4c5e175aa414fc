"""Customers: a persistent population whose state lives in columns, one row per customer.

Every customer of the base is a row of typed columns (`array.array`): recurring value,
purchase potential, satisfaction and patience factor (drawn for the whole population at the
start, and for newcomers when word of mouth brings them: rows appended in place, `grow`), open
issue (the reason's index, -1 for none), contacts, repeats about an open issue,
purchases and churned; the few who churned also have the time they left (`churned_at`). The
contact path works with a customer's index (the call log's `customer` column holds it for each
call) and reads and writes the columns directly. A base of 250,000 holds 46 bytes a customer
(11.5 MB), whether or not they call, and nothing grows with the contacts; an object per customer
who called took ~330 bytes each. `array.array` rather than numpy because the hot path reads and
writes one item at a time: 30 ns against numpy's 40-50 ns.

Customers are agents of the model (their own state, their own decisions to redial, call back
and leave) but not `mesa.Agent`s, nor objects at all: Mesa's registration (a signal, a log
record and two agent sets) cost 3 µs a customer, and 61 % of the baseline's contacts are a
customer's first, so registering them took 13 % of a run; a slotted object per caller took
0.8 µs and ~330 bytes. Nothing in the model iterates over customers through Mesa. Employees,
few and stepped daily, are Mesa agents.

A researcher who wants one customer as an object asks for it: `CustomerBase.get(index)` gives
a `Customer`, a view whose attributes read and write that customer's row (made on request,
never by the model itself)::

    customer = model.behavior.customers.get(42)
    customer.satisfaction, customer.open_issue, customer.churned
"""

from __future__ import annotations

import math
from array import array
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.distributions import lognormal_parameters

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sim.scenario.behavior import Customers

DAYS_PER_MONTH = 365.25 / 12
"""Calendar days in the month of a monthly value (recurring revenue, acquisition rates)."""
NO_ISSUE = -1
"""`open_issue` of a customer with no unresolved issue."""
ROW_BYTES = 4 * 8 + 1 + 3 * 4 + 1
"""Bytes of one customer's row: four float64 columns, open issue (int8; int32 beyond 127
reasons), three int32 counts and the churned flag."""


def beta(rng: np.random.Generator, mean: float, concentration: float, n: int) -> np.ndarray:
    """Beta draws with a given mean and concentration (a + b); degenerate means give constants."""
    if mean <= 0 or mean >= 1:
        return np.full(n, float(mean))
    return rng.beta(mean * concentration, (1 - mean) * concentration, n)


def lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    """Lognormal draws with a given mean and CV (constants when the CV or mean is 0)."""
    if cv <= 0 or mean <= 0:
        return np.full(n, float(mean))
    mu, sigma = lognormal_parameters(mean, cv)
    return rng.lognormal(mu, sigma, n)


FLOAT_COLUMNS = ("monthly_value", "potential", "satisfaction", "patience_factor")
"""The columns drawn for each customer (`draw_customers`), in the order they are drawn."""


def draw_customers(config: Customers, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """The drawn columns of `n` customers (the initial base or newcomers), in a fixed order of
    draws from `rng`."""
    return {
        "monthly_value": lognormal(rng, config.monthly_value_mean, config.monthly_value_cv, n),
        "potential": beta(rng, config.potential_mean, config.potential_concentration, n),
        "satisfaction": beta(rng, config.satisfaction_mean, config.satisfaction_concentration, n),
        "patience_factor": lognormal(rng, 1.0, config.patience_cv, n),
    }


def floats(values: np.ndarray) -> array:
    """A float64 column with exactly these values (one copy of the buffer, no conversion; sized
    exactly, where `frombytes` would leave 6 % spare room)."""
    column = array("d", [0.0]) * len(values)
    memoryview(column).cast("B")[:] = memoryview(np.ascontiguousarray(values, np.float64)).cast("B")
    return column


def _column(name: str, doc: str) -> property:
    """A `Customer` attribute that reads and writes the customer's row of column `name`."""

    def get(self: Customer) -> int | float:
        return getattr(self.base, name)[self.index]

    def set_(self: Customer, value: int | float) -> None:
        getattr(self.base, name)[self.index] = value

    return property(get, set_, doc=doc)


class Customer:
    """One customer as an object: a view of their row of the base's columns, for researchers
    and tests (the model itself works with indices)."""

    __slots__ = ("base", "index")

    def __init__(self, base: CustomerBase, index: int):
        self.base = base
        self.index = index

    monthly_value = _column("monthly_value", "recurring value per month")
    potential = _column("potential", "purchase potential, 0..1")
    satisfaction = _column("satisfaction", "satisfaction, 0..1")
    patience_factor = _column("patience_factor", "multiplier of the customer's patience draws")
    contacts = _column("contacts", "inbound contacts so far")
    repeats = _column("repeats", "contacts about an open issue so far")
    purchases = _column("purchases", "purchases so far")

    @property
    def open_issue(self) -> str | None:
        """The reason of an unresolved issue, None when none is open."""
        reason = self.base.open_issue[self.index]
        return None if reason == NO_ISSUE else self.base.reasons[reason]

    @open_issue.setter
    def open_issue(self, name: str | None) -> None:
        self.base.open_issue[self.index] = (
            NO_ISSUE if name is None else self.base.reasons.index(name)
        )

    @property
    def churned(self) -> bool:
        """Whether the customer has left (`CustomerBase.churn` makes them leave)."""
        return bool(self.base.churned[self.index])

    @property
    def churned_at(self) -> float:
        """When the customer left (inf while they stay)."""
        return self.base.churned_at.get(self.index, math.inf)

    def experience(self, score: float, memory: float) -> None:
        """Blend a contact's experience (0..1) into satisfaction."""
        self.base.experience(self.index, score, memory)


class CustomerBase:
    """All customers as columns indexed by customer; churn and the base's recurring value."""

    def __init__(self, config: Customers, rng: np.random.Generator, reasons: Sequence[str] = ()):
        n = config.population
        drawn = draw_customers(config, rng, n)
        self.active_monthly_value = float(drawn["monthly_value"].sum())
        self.monthly_value = floats(drawn["monthly_value"])
        self.potential = floats(drawn["potential"])
        self.satisfaction = floats(drawn["satisfaction"])
        self.patience_factor = floats(drawn["patience_factor"])
        self.reasons = list(reasons)  # the names `open_issue` indexes
        self.open_issue = array("b" if len(self.reasons) < 128 else "i", [NO_ISSUE]) * n
        self.contacts = array("i", [0]) * n
        self.repeats = array("i", [0]) * n
        self.purchases = array("i", [0]) * n
        self.churned = array("b", [0]) * n  # 1: the customer has left
        self.churned_at: dict[int, float] = {}  # when each who left did, in the order they left
        self.churned_monthly_value = 0.0  # running sum, for the value lost per day
        self.joined: list[tuple[float, int, float]] = []  # (time, newcomers, their monthly value)
        self.acquired_monthly_value = 0.0  # running sum of the newcomers' value when they joined
        self.initial = n  # the base at the start: value demand picks among these rows
        self.population = n
        self.last = n - 1  # index of the last customer

    def grow(self, drawn: dict[str, np.ndarray], time: float) -> None:
        """New customers join at `time` (`drawn`: their columns, as `draw_customers` gives):
        rows appended in place, so references to the columns stay valid."""
        n = len(drawn["monthly_value"])
        if not n:
            return
        for name in FLOAT_COLUMNS:
            getattr(self, name).extend(floats(drawn[name]))
        self.open_issue.extend(array(self.open_issue.typecode, [NO_ISSUE]) * n)
        for name in ("contacts", "repeats", "purchases"):
            getattr(self, name).extend(array("i", [0]) * n)
        self.churned.extend(array("b", [0]) * n)
        value = float(drawn["monthly_value"].sum())
        self.active_monthly_value += value
        self.acquired_monthly_value += value
        self.joined.append((time, n, value))
        self.population += n
        self.last = self.population - 1

    def index_for(self, u: float) -> int:
        """The customer of the initial base a uniform draw picks (each equally likely): the
        engine's arrivals are the value demand of these rows (newcomers: `newcomer_for`)."""
        index = int(u * self.initial)
        last = self.initial - 1
        return index if index < last else last  # u * n may round up to n

    def newcomer_for(self, u: float) -> int:
        """The customer who joined during the run that a uniform draw picks (each equally
        likely; only called while there are any)."""
        index = self.initial + int(u * (self.population - self.initial))
        return index if index < self.last else self.last

    def any_for(self, u: float) -> int:
        """Any customer of the base as it is now, initial or newcomer (each equally likely)."""
        index = int(u * self.population)
        return index if index < self.last else self.last

    def get(self, index: int) -> Customer:
        """Customer `index` as an object (a view of their row), for whoever asks for one."""
        if not 0 <= index < self.population:
            raise IndexError(f"customer {index} is not in a base of {self.population}")
        return Customer(self, index)

    def experience(self, index: int, score: float, memory: float) -> None:
        """Blend a contact's experience (0..1) into the customer's satisfaction."""
        satisfaction = self.satisfaction
        satisfaction[index] += memory * (score - satisfaction[index])

    def churn(self, index: int, time: float) -> None:
        """The customer leaves at `time`: no more contacts, no more recurring value."""
        self.churned[index] = 1
        self.churned_at[index] = time
        value = self.monthly_value[index]
        self.active_monthly_value -= value
        self.churned_monthly_value += value

    def add_monthly_value(self, index: int, amount: float) -> None:
        """A sale raises the customer's recurring value. A customer who has left (in another
        contact that ended while this one ran) pays nothing more, and the value lost with them
        stays what it was when they left, as the day they left counted it."""
        if self.churned[index]:
            return
        self.monthly_value[index] += amount
        self.active_monthly_value += amount

    def churned_value_since(self, since: float) -> float:
        """The monthly value of the customers who left at or after `since`, summed in the order
        they left."""
        value = self.monthly_value
        return sum(value[i] for i, at in self.churned_at.items() if at >= since)

    def acquired_value_since(self, since: float) -> float:
        """The monthly value the customers who joined at or after `since` brought."""
        return sum(value for at, _, value in self.joined if at >= since)

    @property
    def newcomers(self) -> int:
        """Customers who joined during the run."""
        return self.population - self.initial

    @property
    def churned_count(self) -> int:
        """Customers who have left."""
        return len(self.churned_at)

    @property
    def active(self) -> int:
        """Customers who have not churned."""
        return self.population - len(self.churned_at)
