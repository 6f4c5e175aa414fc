"""Why each inbound contact came (its reason, value or failure demand, the time its question
needs) and what its conversation achieved; row i is call i of the engine's call log."""

from __future__ import annotations

import math
from itertools import chain

import numpy as np
import pandas as pd

from sim.behavior.conversation import Outcome

VALUE, CALLBACK, REDIAL = 0, 1, 2
KINDS = ["value", "callback", "redial"]  # callback and redial contacts are failure demand


class ConversationLog:
    """Columns per contact: reason, kind and need; the outcome of those that were handled."""

    def __init__(self) -> None:
        self.reason: list[int] = []
        self.kind: list[int] = []
        self.need: list[float] = []
        self.outcomes: dict[int, Outcome] = {}  # by call id, for the calls that were answered
        self.surveys: dict[int, tuple[int, int]] = {}
        self.experience: dict[int, float] = {}  # by call id: E of each contact that ended

    def add(self, reason: int, kind: int, need: float) -> None:
        """A new contact (its id is the next row, as in the call log)."""
        self.reason.append(reason)
        self.kind.append(kind)
        self.need.append(need)

    def survey(self, call: int, csat: int, nps: int) -> None:
        """The customer's survey answers about `call`."""
        self.surveys[call] = (csat, nps)

    def frame(self, reason_names: list[str]) -> pd.DataFrame:
        """The columns as a DataFrame (row i is call i of the calls table)."""
        n = len(self.reason)
        handled = np.fromiter(self.outcomes, dtype=np.int64, count=len(self.outcomes))
        width = len(Outcome._fields)
        values = np.fromiter(  # flat and typed: far faster than np.array on a list of tuples
            chain.from_iterable(self.outcomes.values()), dtype=float, count=len(handled) * width
        ).reshape(-1, width)
        columns = {}
        for k, name in enumerate(Outcome._fields):
            column = np.full(n, -1.0 if name == "resolved" else 0.0)
            column[handled] = values[:, k]
            columns[name] = column
        csat, nps = np.full(n, math.nan), np.full(n, math.nan)
        if self.surveys:
            answered = np.fromiter(self.surveys, dtype=np.int64, count=len(self.surveys))
            csat[answered], nps[answered] = np.asarray(list(self.surveys.values()), dtype=float).T
        quality = np.full(n, math.nan)
        quality[handled] = columns["quality"][handled]
        experience = np.full(n, math.nan)
        if self.experience:
            ended = np.fromiter(self.experience, dtype=np.int64, count=len(self.experience))
            experience[ended] = np.fromiter(self.experience.values(), dtype=float, count=len(ended))
        return pd.DataFrame(
            {
                "reason": pd.Categorical.from_codes(self.reason, categories=reason_names),
                "kind": pd.Categorical.from_codes(self.kind, categories=KINDS),
                "need": np.asarray(self.need, dtype=float),
                "quality": quality,
                "resolved": columns["resolved"].astype(np.int8),
                **{k: columns[k].astype(bool) for k in ("opportunity", "offered", "pushy", "sold")},
                "sale_value": columns["sale_value"],
                "overtalk": columns["overtalk"],
                "experience": experience,
                "csat": csat,
                "nps": nps,
            }
        )
