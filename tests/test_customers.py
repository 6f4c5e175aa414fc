"""The customer base as columns: the `Customer` view reads and writes them, the contact path
keeps its state there, and the base holds a few bytes per customer, no object per caller."""

from __future__ import annotations

import gc
import math
import sys

import numpy as np
import pytest

import sim
from sim.behavior import customer as customer_module
from tests.helpers import baseline

ROW_BYTES = 4 * 8 + 1 + 3 * 4 + 1
"""One customer's row: value, potential, satisfaction and patience factor (float64), open issue
(int8), repeats, contacts and purchases (int32), churned (int8)."""


def small(**overrides):
    """Two days of the baseline, a small base, no warm-up."""
    overrides = {
        "calendar__days": 2,
        "calendar__warmup_days": 0,
        "staffing__target_service_level": "none",
        "customers__population": 5_000,
        **overrides,
    }
    return baseline(**overrides)


def held_bytes(root: object, exclude: set[int]) -> int:
    """Bytes of everything reachable from `root` (numpy arrays by their buffers)."""
    seen, total, stack = set(exclude), 0, [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            total += item.nbytes
            continue
        total += sys.getsizeof(item)
        stack.extend(gc.get_referents(item))
    return total


def test_the_customer_view_reads_and_writes_the_columns() -> None:
    model = sim.build_model(small(), seed=1)
    customers = model.behavior.customers
    customer = customers.get(7)
    assert customer.index == 7
    assert customer.satisfaction == customers.satisfaction[7]
    customer.satisfaction = 0.25
    assert customers.satisfaction[7] == 0.25
    customers.potential[7] = 0.5
    assert customer.potential == 0.5
    before = customer.satisfaction
    customer.experience(1.0, 0.2)
    assert customer.satisfaction == before + 0.2 * (1.0 - before)
    assert customer.open_issue is None
    customer.open_issue = "complaint"
    assert customer.open_issue == "complaint"
    assert model.behavior.reason_names[customers.open_issue[7]] == "complaint"
    customer.open_issue = None
    assert customers.open_issue[7] == -1
    assert (customer.contacts, customer.repeats, customer.purchases) == (0, 0, 0)
    assert not customer.churned and customer.churned_at == math.inf
    value, active = customer.monthly_value, customers.active_monthly_value
    customers.churn(7, 3600.0)
    assert customer.churned and customer.churned_at == 3600.0
    assert customers.active == 5_000 - 1
    assert customers.active_monthly_value == active - value
    assert customers.churned_value_since(0.0) == value
    assert customers.churned_value_since(3601.0) == 0.0
    with pytest.raises(IndexError):
        customers.get(5_000)


def test_a_sale_moves_the_columns() -> None:
    model = sim.build_model(small(), seed=1)
    customers = model.behavior.customers
    before, value = customers.potential[3], customers.monthly_value[3]
    model.behavior.sale(3, 100.0)
    satiation = model.config.sales.purchase_satiation
    assert customers.potential[3] == before * (1.0 - satiation)
    assert customers.purchases[3] == 1
    assert customers.monthly_value[3] == value + model.config.sales.monthly_value_uplift


def test_a_sale_to_a_customer_who_left_meanwhile_adds_no_recurring_value() -> None:
    """A contact still running when its customer churned in another may end in a sale: the
    one-off revenue counts, but the value lost with them stays what the day they left counted
    (the run's churned value equals the sum of its days')."""
    model = sim.build_model(small(), seed=1)
    customers = model.behavior.customers
    customers.churn(3, 10.0)
    lost, value = customers.churned_monthly_value, customers.monthly_value[3]
    model.behavior.sale(3, 100.0)
    assert customers.monthly_value[3] == value
    assert customers.churned_value_since(0.0) == lost == value
    assert model.behavior.sales_revenue == 100.0


def test_the_contact_path_keeps_each_customers_state_in_the_columns() -> None:
    model = sim.build_model(small(churn__max_probability=1.0, churn__threshold=0.9), seed=2)
    model.run_model()
    customers = model.behavior.customers
    callers = np.asarray(model.log.customer)
    contacts = np.asarray(customers.contacts)
    # every inbound contact (value, callback, redial) counted once, on its own customer
    assert contacts.sum() == len(callers)
    np.testing.assert_array_equal(contacts, np.bincount(callers, minlength=customers.population))
    churned = np.flatnonzero(np.asarray(customers.churned))
    assert len(churned) == customers.churned_count > 10
    assert sorted(customers.churned_at) == churned.tolist()


def test_customers_hold_their_columns_not_an_object_per_caller() -> None:
    assert customer_module.ROW_BYTES == ROW_BYTES  # what run sizes assume a customer holds
    model = sim.build_model(small(), seed=3)
    model.run_model()
    behavior = model.behavior
    customers = behavior.customers
    called = len(set(model.log.customer))
    assert called > 2_000  # most of the base called: objects per caller would show
    held = held_bytes(customers, {id(behavior.cfg), id(model)})
    # the columns, a churn time for each of the few who left, and the base's own few objects
    assert held < customers.population * ROW_BYTES + 200 * customers.churned_count + 4_096
