"""The call log: one row per contact attempt, kept as columns (lists), never one dict per call."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

WAITING, ANSWERED, ABANDONED = 0, 1, 2
OUTCOMES = {WAITING: "waiting", ANSWERED: "answered", ABANDONED: "abandoned"}


GROWTH = 4096  # rows by which the columns set at answer or end grow at a time


class CallLog:
    """Columns of every contact; a call's id is its row number.

    The columns filled in later (answer, end, employee, outcome) are grown ahead in blocks of
    their initial values, so logging a contact appends only what is known at its arrival.
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
        self.arrival: list[float] = []
        self.patience: list[float] = []
        self.talk: list[float] = []
        self.acw: list[float] = []
        self.attempt: list[int] = []
        self.customer: list[int] = []  # -1: an anonymous caller (pure-queue mode)
        self.answer: list[float] = []  # these four may run ahead of len(self)
        self.end: list[float] = []
        self.employee: list[int] = []
        self.outcome: list[int] = []

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
        if call == len(self.outcome):
            self.answer += [math.nan] * GROWTH
            self.end += [math.nan] * GROWTH
            self.employee += [-1] * GROWTH
            self.outcome += [WAITING] * GROWTH
        self.arrival.append(arrival)
        self.customer.append(customer)
        self.patience.append(patience)
        self.talk.append(talk)
        self.acw.append(acw)
        self.attempt.append(attempt)
        return call

    def waited(self, call: int) -> float:
        """Seconds an answered call waited in the queue."""
        return self.answer[call] - self.arrival[call]

    def __len__(self) -> int:
        return len(self.arrival)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as numpy arrays; talk and after-call work are zero for unanswered calls."""
        n = len(self)
        outcome = np.asarray(self.outcome[:n], dtype=np.int8)
        answered = outcome == ANSWERED
        arrival = np.asarray(self.arrival, dtype=float)
        answer = np.asarray(self.answer[:n], dtype=float)
        end = np.asarray(self.end[:n], dtype=float)
        wait = np.where(answered, answer, end) - arrival
        return {
            "arrival": arrival,
            "wait": wait,
            "outcome": outcome,
            "answered": answered,
            "abandoned": outcome == ABANDONED,
            "employee": np.asarray(self.employee[:n], dtype=np.int64),
            "talk": np.where(answered, np.asarray(self.talk, dtype=float), 0.0),
            "acw": np.where(answered, np.asarray(self.acw, dtype=float), 0.0),
            "answer": answer,
            "end": end,
            "patience": np.asarray(self.patience, dtype=float),
            "attempt": np.asarray(self.attempt, dtype=np.int32),
            "customer": np.asarray(self.customer, dtype=np.int64),
        }

    def to_frame(
        self, columns: dict[str, np.ndarray], day: np.ndarray, interval: np.ndarray
    ) -> pd.DataFrame:
        """The per-contact table with readable outcome labels."""
        labels = pd.Categorical.from_codes(
            columns["outcome"], categories=[OUTCOMES[k] for k in sorted(OUTCOMES)]
        )
        return pd.DataFrame(
            {
                "call_id": np.arange(len(columns["arrival"]), dtype=np.int64),
                "attempt": columns["attempt"],
                "customer": columns["customer"],
                "day": day,
                "interval": interval,
                "arrival_time": columns["arrival"],
                "wait": columns["wait"],
                "outcome": labels,
                "employee": columns["employee"],
                "talk_time": columns["talk"],
                "after_call_work": columns["acw"],
                "answer_time": columns["answer"],
                "end_time": columns["end"],
                "patience": columns["patience"],
            }
        )
