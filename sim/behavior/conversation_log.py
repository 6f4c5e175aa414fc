"""Why each inbound contact came (its reason, value or failure demand, the time its question
needs) and what its conversation achieved; row i is call i of the engine's call log.

Kept as typed columns (`array.array`, as the call log), so a contact holds a few dozen bytes
rather than a tuple of Python objects per handled contact and dict entries per experience
and survey answer."""

from __future__ import annotations

import math
from array import array

import numpy as np
import pandas as pd

from sim.behavior.conversation import Outcome
from sim.engine.call_log import block, view

VALUE, CALLBACK, REDIAL = 0, 1, 2
KINDS = ["value", "callback", "redial"]  # callback and redial contacts are failure demand

NO_ANSWER = -1
"""A survey score column's value where the customer gave no answer (NaN in the table)."""

GROWN = {  # column: (typecode, initial value); filled after the contact's arrival
    "quality": ("d", math.nan),
    "resolved": ("b", -1),  # -1: not handled
    "opportunity": ("b", 0),
    "offered": ("b", 0),
    "pushy": ("b", 0),
    "sold": ("b", 0),
    "sale_value": ("d", 0.0),
    "overtalk": ("d", 0.0),
    "experience": ("d", math.nan),
    "csat": ("b", NO_ANSWER),
    "nps": ("b", NO_ANSWER),
}
"""The columns grown ahead in blocks of their initial value, as the call log's are."""
FLAGS = ("opportunity", "offered", "pushy", "sold")
"""The Outcome's yes/no fields, int8 columns here and bool in the table."""
_BLOCKS = {name: block(code, value) for name, (code, value) in GROWN.items()}


class ConversationLog:
    """Columns per contact: reason, kind and need; the outcome of those that were handled,
    the experience of those that ended and the survey answers given about them.

    `outcomes` holds the Outcome of the conversations in progress only (by call id): the
    engine's `contact_ended` pops it.
    """

    __slots__ = ("kind", "need", "outcomes", "reason", *GROWN)

    def __init__(self) -> None:
        self.reason = array("h")  # int16
        self.kind = array("b")
        self.need = array("d")
        self.outcomes: dict[int, Outcome] = {}
        for name, (code, _) in GROWN.items():
            setattr(self, name, array(code))

    def add(self, reason: int, kind: int, need: float) -> None:
        """A new contact (its id is the next row, as in the call log)."""
        row = len(self.reason)
        if row == len(self.nps):
            for name, extension in _BLOCKS.items():
                getattr(self, name).extend(extension)
        self.reason.append(reason)
        self.kind.append(kind)
        self.need.append(need)

    def handled(self, call: int, outcome: Outcome) -> None:
        """The conversation of `call` was held: its outcome, in the columns and in progress."""
        self.outcomes[call] = outcome
        _, overtalk, quality, resolved, opportunity, offered, pushy, sold, value = outcome
        self.quality[call] = quality
        self.resolved[call] = resolved
        # the rest only when not their initial value (no, 0.0): most conversations sell nothing
        if overtalk:
            self.overtalk[call] = overtalk
        if opportunity:
            self.opportunity[call] = 1
        if offered:
            self.offered[call] = 1
        if pushy:
            self.pushy[call] = 1
        if sold:
            self.sold[call] = 1
        if value:
            self.sale_value[call] = value

    def survey(self, call: int, csat: int, nps: int) -> None:
        """The customer's survey answers about `call`."""
        self.csat[call] = csat
        self.nps[call] = nps

    def row_bytes(self) -> int:
        """Bytes a row takes in the columns (their item sizes summed)."""
        return sum(getattr(self, name).itemsize for name in ("reason", "kind", "need", *GROWN))

    def columns(self, reason_names: list[str]) -> dict[str, np.ndarray | pd.Categorical]:
        """The columns as the calls table shows them (row i is call i), in its order: arrays of
        their own, which a DataFrame may take without a copy."""
        n = len(self.reason)
        scores = {}
        for name in ("csat", "nps"):
            answers = view(getattr(self, name), n)
            scores[name] = np.where(answers == NO_ANSWER, math.nan, answers)
        return {
            "reason": pd.Categorical.from_codes(
                view(self.reason, n).copy(), categories=reason_names
            ),
            "kind": pd.Categorical.from_codes(view(self.kind, n).copy(), categories=KINDS),
            "need": view(self.need, n).copy(),
            "quality": view(self.quality, n).copy(),
            "resolved": view(self.resolved, n).copy(),
            **{k: view(getattr(self, k), n).astype(bool) for k in FLAGS},
            "sale_value": view(self.sale_value, n).copy(),
            "overtalk": view(self.overtalk, n).copy(),
            "experience": view(self.experience, n).copy(),
            **scores,
        }

    def frame(self, reason_names: list[str]) -> pd.DataFrame:
        """The columns as a DataFrame of its own (row i is call i of the calls table)."""
        return pd.DataFrame(self.columns(reason_names), copy=False)
