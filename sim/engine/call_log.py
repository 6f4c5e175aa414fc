"""The call log: one row per contact attempt, kept as typed columns (`array.array`), never one
dict per call, nor lists of Python floats (32 bytes a cell against 8)."""

from __future__ import annotations

from array import array

import numpy as np
import pandas as pd

WAITING, ANSWERED, ABANDONED = 0, 1, 2
OUTCOMES = {WAITING: "waiting", ANSWERED: "answered", ABANDONED: "abandoned"}


GROWTH = 4096  # rows by which the columns set at answer or end grow at a time

TYPECODES = {
    "arrival": "d",
    "patience": "d",
    "talk": "d",
    "acw": "d",
    "attempt": "h",  # int16: a caller redials at most MAX_ATTEMPTS (50) times in a row
    "customer": "q",  # int64: a base may hold millions of customers
    "answer": "d",
    "end": "d",
    "employee": "i",  # int32
    "outcome": "b",  # int8
}
"""Each column's `array` typecode: `array.array` reads and writes a cell 2-3 times faster
than a numpy array from Python, and `np.frombuffer` views it as numpy without a copy."""
NUMPY = {"d": np.float64, "h": np.int16, "i": np.int32, "q": np.int64, "b": np.int8}
"""The numpy dtype of each typecode (fixed widths, whatever the platform's C types)."""


def block(typecode: str, value: float) -> array:
    """`GROWTH` cells of `value`: the block a grown-ahead column is extended by."""
    return array(typecode, [value]) * GROWTH


def view(column: array, rows: int) -> np.ndarray:
    """The first `rows` cells of a typed column as numpy, without a copy (the view pins the
    column: it cannot grow while the view lives)."""
    return np.frombuffer(column, dtype=NUMPY[column.typecode], count=rows)


PINNED = (
    "a numpy view of the call log (np.asarray(model.log.<column>)) is alive, so the log cannot "
    "grow: take a copy (np.array(model.log.<column>)) before running the model on"
)

_ANSWER, _END = block("d", float("nan")), block("d", float("nan"))
_EMPLOYEE, _OUTCOME = block("i", -1), block("b", WAITING)


class CallLog:
    """Columns of every contact; a call's id is its row number.

    The columns filled in later (answer, end, employee, outcome) are grown ahead in blocks of
    their initial values, so logging a contact appends only what is known at its arrival. A
    numpy view of a column (`np.asarray`, `np.frombuffer`) pins it: it cannot grow while the
    view lives, so a model that runs on needs copies (`np.array`).
    """

    __slots__ = (
        "acw",
        "answer",
        "arrival",
        "attempt",
        "customer",
        "employee",
        "end",
        "outcome",
        "patience",
        "talk",
    )

    def __init__(self) -> None:
        self.arrival = array("d")
        self.patience = array("d")
        self.talk = array("d")
        self.acw = array("d")
        self.attempt = array("h")
        self.customer = array("q")  # -1: an anonymous caller (pure-queue mode)
        self.answer = array("d")  # these four may run ahead of len(self)
        self.end = array("d")
        self.employee = array("i")
        self.outcome = array("b")

    def add(
        self,
        arrival: float,
        patience: float,
        talk: float,
        acw: float,
        attempt: int,
        customer: int = -1,
    ) -> int:
        """Register a new contact attempt; returns its id."""
        call = len(self.arrival)
        try:
            if call == len(self.outcome):
                self.answer += _ANSWER  # in place: the router holds the outcome column
                self.end += _END
                self.employee += _EMPLOYEE
                self.outcome += _OUTCOME
            self.arrival.append(arrival)
            self.customer.append(customer)
            self.patience.append(patience)
            self.talk.append(talk)
            self.acw.append(acw)
            self.attempt.append(attempt)
        except BufferError:
            raise RuntimeError(PINNED) from None
        return call

    def waited(self, call: int) -> float:
        """Seconds an answered call waited in the queue."""
        return self.answer[call] - self.arrival[call]

    def __len__(self) -> int:
        return len(self.arrival)

    def row_bytes(self) -> int:
        """Bytes a row takes in the columns (their item sizes summed)."""
        return sum(getattr(self, name).itemsize for name in self.__slots__)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays; talk and after-call work are zero for unanswered calls.
        Columns that need no conversion are views of the log (see `view`)."""
        n = len(self)
        outcome = view(self.outcome, n)
        answered = outcome == ANSWERED
        arrival = view(self.arrival, n)
        answer = view(self.answer, n)
        end = view(self.end, n)
        wait = np.where(answered, answer, end)
        wait -= arrival
        return {
            "arrival": arrival,
            "wait": wait,
            "outcome": outcome,
            "answered": answered,
            "abandoned": outcome == ABANDONED,
            "employee": view(self.employee, n).astype(np.int64),
            "talk": np.where(answered, view(self.talk, n), 0.0),
            "acw": np.where(answered, view(self.acw, n), 0.0),
            "answer": answer,
            "end": end,
            "patience": view(self.patience, n),
            "attempt": view(self.attempt, n).astype(np.int32),
            "customer": view(self.customer, n),
        }

    def frame_columns(
        self, columns: dict[str, np.ndarray], day: np.ndarray, interval: np.ndarray
    ) -> dict[str, np.ndarray | pd.Categorical]:
        """The per-contact table's columns, in its order, with readable outcome labels: arrays
        of their own (copies of the log's views), which a DataFrame may take without a copy."""
        labels = pd.Categorical.from_codes(
            columns["outcome"].copy(), categories=[OUTCOMES[k] for k in sorted(OUTCOMES)]
        )
        return {
            "call_id": np.arange(len(columns["arrival"]), dtype=np.int64),
            "attempt": columns["attempt"],
            "customer": columns["customer"].copy(),
            "day": day,
            "interval": interval,
            "arrival_time": columns["arrival"].copy(),
            "wait": columns["wait"],
            "outcome": labels,
            "employee": columns["employee"],
            "talk_time": columns["talk"],
            "after_call_work": columns["acw"],
            "answer_time": columns["answer"].copy(),
            "end_time": columns["end"].copy(),
            "patience": columns["patience"].copy(),
        }
