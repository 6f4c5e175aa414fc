"""What each inbound contact was about and what came of it, aligned with the call log's ids."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.conversation import Outcome

VALUE, CALLBACK, REDIAL = 0, 1, 2
KINDS = ["value", "callback", "redial"]  # callback and redial contacts are failure demand


class ContactLog:
    """Columns per contact: reason, kind, need, and the conversation's outcome if handled."""

    def __init__(self) -> None:
        self.reason: list[int] = []
        self.kind: list[int] = []
        self.need: list[float] = []
        self.quality: list[float] = []
        self.resolved: list[int] = []  # -1: not handled
        self.opportunity: list[int] = []
        self.offered: list[int] = []
        self.pushy: list[int] = []
        self.sold: list[int] = []
        self.sale_value: list[float] = []
        self.csat: list[float] = []
        self.nps: list[float] = []

    def add(self, reason: int, kind: int, need: float) -> None:
        """A new contact (its id is the next row, as in the call log)."""
        self.reason.append(reason)
        self.kind.append(kind)
        self.need.append(need)
        self.quality.append(math.nan)
        self.resolved.append(-1)
        self.opportunity.append(0)
        self.offered.append(0)
        self.pushy.append(0)
        self.sold.append(0)
        self.sale_value.append(0.0)
        self.csat.append(math.nan)
        self.nps.append(math.nan)

    def record(self, call: int, outcome: Outcome) -> None:
        """The outcome of the conversation held for `call`."""
        self.quality[call] = outcome.quality
        self.resolved[call] = int(outcome.resolved)
        self.opportunity[call] = int(outcome.opportunity)
        self.offered[call] = int(outcome.offered)
        self.pushy[call] = int(outcome.pushy)
        self.sold[call] = int(outcome.sold)
        self.sale_value[call] = outcome.sale_value

    def survey(self, call: int, csat: int, nps: int) -> None:
        """The customer's survey answers about `call`."""
        self.csat[call], self.nps[call] = float(csat), float(nps)

    def frame(self, reason_names: list[str]) -> pd.DataFrame:
        """The columns as a DataFrame (joined to the calls table by row)."""
        return pd.DataFrame(
            {
                "reason": pd.Categorical.from_codes(self.reason, categories=reason_names),
                "kind": pd.Categorical.from_codes(self.kind, categories=KINDS),
                "need": np.asarray(self.need, dtype=float),
                "quality": np.asarray(self.quality, dtype=float),
                "resolved": np.asarray(self.resolved, dtype=np.int8),
                "opportunity": np.asarray(self.opportunity, dtype=bool),
                "offered": np.asarray(self.offered, dtype=bool),
                "pushy": np.asarray(self.pushy, dtype=bool),
                "sold": np.asarray(self.sold, dtype=bool),
                "sale_value": np.asarray(self.sale_value, dtype=float),
                "csat": np.asarray(self.csat, dtype=float),
                "nps": np.asarray(self.nps, dtype=float),
            }
        )
