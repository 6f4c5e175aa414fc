"""The per-contact logs are typed columns: a contact holds a few dozen bytes in them (issue
#22), the in-flight conversation outcomes are dropped as contacts end, and gathering a run's
result builds its calls table without copying it twice."""

from __future__ import annotations

import sys
import time
import tracemalloc
from array import array

import numpy as np
import pytest

from sim.behavior.conversation_log import GROWN
from sim.engine.call_log import GROWTH, TYPECODES
from sim.metrics import build_model, gather
from tests.helpers import baseline

CALL_LOG_ROW = sum(array(code).itemsize for code in TYPECODES.values())
CONTACT_ROW = 2 + 1 + 8 + sum(array(code).itemsize for code, _ in GROWN.values())  # + reason,
# kind, need


@pytest.fixture(scope="module")
def model():
    scenario = baseline(
        calendar__days=2,
        calendar__warmup_days=1,
        customers__population=5_000,
        staffing__target_service_level="none",
    )
    model = build_model(scenario, seed=3)
    model.run_model()
    return model


def held_bytes(value: object) -> int:
    """Bytes an object holds, its elements included for lists, tuples and dicts."""
    size = sys.getsizeof(value)
    if isinstance(value, dict):
        return size + sum(held_bytes(k) + held_bytes(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return size + sum(held_bytes(v) for v in value)
    return size


def test_the_row_widths_are_those_of_the_dtypes():
    assert CALL_LOG_ROW == 8 * 7 + 4 + 2 + 1  # 6 floats, customer int64, employee, attempt, outcome
    assert (
        CONTACT_ROW == 2 + 1 + 8 * 5 + 5 + 2
    )  # reason, kind; 5 floats; resolved, 4 flags; 2 scores


def test_the_logs_columns_are_typed_arrays(model):
    log, contacts = model.log, model.behavior.contacts
    assert len(log) > 1_000
    for name in log.__slots__:
        assert isinstance(getattr(log, name), array), name
    for name in ("reason", "kind", "need", *GROWN):
        assert isinstance(getattr(contacts, name), array), name
    assert log.row_bytes() == CALL_LOG_ROW
    assert contacts.row_bytes() == CONTACT_ROW


def test_held_memory_per_contact_is_that_of_the_columns(model):
    """Lists of floats and dicts of tuples held 565 bytes a contact; typed columns hold their
    widths (with the array's spare capacity and one block grown ahead)."""
    log, contacts = model.log, model.behavior.contacts
    n = len(log)
    held = sum(held_bytes(getattr(log, name)) for name in log.__slots__)
    held += sum(
        held_bytes(value) for name in contacts.__slots__ if (value := getattr(contacts, name))
    )
    bound = (CALL_LOG_ROW + CONTACT_ROW) * n * 1.15 + (CALL_LOG_ROW + CONTACT_ROW) * GROWTH
    assert held <= bound, (held / n, bound / n)


def test_the_outcomes_of_ended_conversations_are_not_held(model):
    contacts = model.behavior.contacts
    assert not contacts.outcomes  # every call ended: none in progress
    handled = np.frombuffer(contacts.resolved, dtype=np.int8)[: len(model.log)] >= 0
    assert handled.sum() > 500  # ... yet each handled one's outcome is in the columns


def test_a_numpy_view_that_pins_the_log_is_a_clear_error():
    model = build_model(baseline(calendar__days=1, calendar__warmup_days=0), seed=3)
    model.run_until(9 * 3600.0)
    pinned = np.asarray(model.log.arrival)
    with pytest.raises(RuntimeError, match=r"np.array\(model.log"):
        model.run_for(3600.0)
    del pinned


def test_gather_leaves_no_view_of_the_logs_and_builds_the_table_once():
    """The calls table owns its columns (the logs can still grow after gather), and gathering
    allocates less than twice the table (1.4 times here; a join after building the call and
    contact tables apart, 3.6 times)."""
    scenario = baseline(
        calendar__days=2,
        calendar__warmup_days=0,
        customers__population=5_000,
        staffing__target_service_level="none",
    )
    model = build_model(scenario, seed=4)
    model.run_model()
    tracemalloc.start()
    try:
        result = gather(model, time.perf_counter())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    table = result.calls.memory_usage(index=True, deep=False).sum()
    assert peak < 2.0 * table, (peak, table)
    for _ in range(GROWTH + 1):  # grows every column: raises if the result pins one
        model.log.add(0.0, 1.0, 1.0, 1.0, 0)
        model.behavior.contacts.add(0, 0, 1.0)
