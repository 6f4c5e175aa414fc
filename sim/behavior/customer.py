"""Customers: a persistent population. Those who call become agents and keep their state.

Customers who never call exist only as rows of numpy arrays (value, potential, satisfaction,
patience), which keeps a base of hundreds of thousands cheap; the first contact turns a row into
a `Customer` with the same attributes, held by the `CustomerBase`.

Customers are agents of the model (their own state, their own decisions to redial, call back and
leave) but not `mesa.Agent`s: Mesa's registration (a signal, a log record and two agent sets)
costs 3 µs a customer against 0.8 µs for this slotted object, and 61 % of the baseline's
contacts are a customer's first, so registering them took 13 % of a run. Nothing in the model
iterates over customers through Mesa; `CustomerBase.agents` holds them by index. Employees, few
and stepped daily, are Mesa agents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.distributions import lognormal_parameters

if TYPE_CHECKING:
    from sim.scenario.behavior import Customers


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


class Customer:
    """A customer who has been in contact: satisfaction, value, potential and open issues."""

    __slots__ = (
        "churned",
        "churned_at",
        "contacts",
        "index",
        "monthly_value",
        "open_issue",
        "patience_factor",
        "potential",
        "purchases",
        "repeats",
        "satisfaction",
    )

    def __init__(self, index: int, base: CustomerBase):
        self.index = index
        # `ndarray.item` gives a Python float, as fast as a list and with no list of the whole
        # base to build first (a base of 250,000 took 30 ms to convert, most never called)
        self.monthly_value = base.monthly_value.item(index)
        self.potential = base.potential.item(index)
        self.satisfaction = base.satisfaction.item(index)
        self.patience_factor = base.patience_factor.item(index)
        self.open_issue: str | None = None  # reason of an unresolved issue
        self.repeats = 0  # contacts about an open issue so far
        self.contacts = 0
        self.purchases = 0
        self.churned = False
        self.churned_at = float("inf")

    def experience(self, score: float, memory: float) -> None:
        """Blend a contact's experience (0..1) into satisfaction."""
        self.satisfaction += memory * (score - self.satisfaction)


class CustomerBase:
    """All customers: attributes as arrays, agents for those who called, churn and value."""

    def __init__(self, config: Customers, rng: np.random.Generator):
        n = config.population
        self.monthly_value = lognormal(rng, config.monthly_value_mean, config.monthly_value_cv, n)
        self.potential = beta(rng, config.potential_mean, config.potential_concentration, n)
        self.satisfaction = beta(
            rng, config.satisfaction_mean, config.satisfaction_concentration, n
        )
        self.patience_factor = lognormal(rng, 1.0, config.patience_cv, n)
        self.population = n
        self.last = n - 1  # index of the last customer
        self.agents: dict[int, Customer] = {}
        self.active_monthly_value = float(self.monthly_value.sum())
        self.churned: list[Customer] = []
        self.churned_monthly_value = 0.0  # running sum, for the value lost per day

    def index_for(self, u: float) -> int:
        """The customer a uniform draw picks (every customer equally likely)."""
        index = int(u * self.population)
        return index if index < self.last else self.last  # u * n may round up to n

    def get(self, index: int) -> Customer:
        """The customer with this index, as an agent (created on first contact)."""
        return self.agents.get(index) or self.add(index)

    def add(self, index: int) -> Customer:
        """Turn customer `index` into an agent at their first contact."""
        customer = self.agents[index] = Customer(index, self)
        return customer

    def churn(self, customer: Customer, time: float) -> None:
        """The customer leaves at `time`: no more contacts, no more recurring value."""
        customer.churned = True
        customer.churned_at = time
        self.active_monthly_value -= customer.monthly_value
        self.churned_monthly_value += customer.monthly_value
        self.churned.append(customer)

    def add_monthly_value(self, customer: Customer, amount: float) -> None:
        """A sale raises the customer's recurring value (a customer who has left pays nothing)."""
        customer.monthly_value += amount
        if not customer.churned:
            self.active_monthly_value += amount

    @property
    def active(self) -> int:
        """Customers who have not churned."""
        return self.population - len(self.churned)
