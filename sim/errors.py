"""User-facing errors: input that cannot be used. The CLI prints the message and exits with 2.

Every layer raises these for bad input (a scenario, an experiment file, a command-line option,
a missing optional package); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


class InputError(Exception):
    """Input that cannot be used; `problems` are one line each, `source` names the file."""

    subject = "input"

    def __init__(self, problems: list[str] | str, source: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """All problems in one readable block, headed by what was invalid and where it came from."""
        head = f"invalid {self.subject} {self.source}" if self.source else f"invalid {self.subject}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


class ScenarioError(InputError, ValueError):
    """A scenario (file, override or value) is invalid; the message says which field and why."""

    subject = "scenario"


class ExperimentError(InputError, ValueError):
    """An experiment file (or an option changing it) is invalid; the message says where and why."""

    subject = "experiment"


class ExportError(InputError, ValueError):
    """An ACD export (or its column mapping) cannot be used; the message names the row and
    column, the value and what is allowed."""

    subject = "export"


class UsageError(InputError):
    """Bad command-line use that is not about a file's content (an option, a results folder, a
    missing optional package); the message stands alone."""

    @property
    def message(self) -> str:
        return "\n".join(self.problems)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest of `choices`, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
"""Unicode categories that are not text to show: control and format characters (escape
sequences, bidi overrides such as U+202E, zero-width spaces), line and paragraph separators,
surrogates, private-use and unassigned code points."""


def unprintable(character: str) -> bool:
    """Whether `character` could change how a terminal shows other text, or shows nothing."""
    return unicodedata.category(character) in UNPRINTABLE


SHOWN = "\u2060"
"""Format characters the project writes itself and a terminal shows harmlessly: the word
joiner that keeps a sign with its number ('+\u2060€64,051')."""


def printable(text: str, keep: str = "") -> str:
    """`text` with every unprintable character (but those in `keep`) written as its escape,
    e.g. '\\x1b' or '\\u202e': names and messages reach the terminal, where an escape
    sequence could clear or recolour it and a bidi override reverse it. Validation refuses
    such names; this is the printer's defence in depth."""
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unprintable(c) and c not in keep and c not in SHOWN
        else c
        for c in text
    )
