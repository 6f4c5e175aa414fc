"""User-facing errors: bad scenarios, bad files, bad command-line input."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario (file, override or value) is invalid; the message says which field and why."""

    def __init__(self, problems: list[str] | str, source: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """All problems in one readable block, prefixed with the file they come from."""
        head = f"invalid scenario {self.source}" if self.source else "invalid scenario"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)
