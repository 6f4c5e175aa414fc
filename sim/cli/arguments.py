"""Argument types shared by the commands: whole numbers and `--set KEY=VALUE` overrides."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

from sim.errors import UsageError
from sim.scenario import parse_assignment


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum` (and at most `maximum`), with a
    one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            below = "negative" if minimum == 0 else f"below {minimum}"
            raise argparse.ArgumentTypeError(f"{value} is {below}; allowed: {minimum} or more")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(
                f"{value} is too large; allowed: {minimum} to {maximum}"
            )
        return value

    return parse


def overrides(assignments: Sequence[str]) -> dict[str, Any]:
    """The `--set KEY=VALUE` options as dotted-key overrides (later ones win)."""
    try:
        return dict(parse_assignment(text) for text in assignments)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
