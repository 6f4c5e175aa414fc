"""Progress of an experiment: a bar on a terminal, a log line every few seconds elsewhere, or
nothing (the Python API's default). Everything goes to stderr, so stdout stays the results."""

from __future__ import annotations

import math
import sys
import time
from typing import IO, Any, Protocol

from sim.errors import printable


class Reporter(Protocol):
    """Progress of an experiment: told the plan, each finished run, and the end."""

    def start(self, total: int, done: int, description: str, plan: str = "") -> None: ...

    def update(self, record: dict[str, Any]) -> None: ...

    def finish(self) -> None: ...


class SilentReporter:
    """Reports nothing (the Python API's default)."""

    def start(self, total: int, done: int, description: str, plan: str = "") -> None:
        pass

    def update(self, record: dict[str, Any]) -> None:
        pass

    def finish(self) -> None:
        pass


class PlainReporter:
    """One log line per finished run (at most one every few seconds), and one per failure."""

    def __init__(self, stream: IO[str], every_seconds: float = 5.0):
        self.stream, self.every = stream, every_seconds

    def start(self, total: int, done: int, description: str, plan: str = "") -> None:
        self.total, self.done, self.failed = total, done, 0
        self.started, self.ran, self.last = time.monotonic(), 0, 0.0
        resumed = f", {done} already done (resuming)" if done and not plan else ""
        self._line(f"{plan or f'{total} runs'}{resumed} on {description}")

    def _line(self, text: str) -> None:
        print(f"ccsim: {printable(text)}", file=self.stream, flush=True)

    def update(self, record: dict[str, Any]) -> None:
        self.ran += 1
        if record["status"] == "ok":
            self.done += 1
        else:
            self.failed += 1
            self._line(f"run {record['run_id']} (seed {record['seed']}) failed: {record['error']}")
        now = time.monotonic()
        finished = self.done + self.failed
        if now - self.last >= self.every or finished == self.total:
            self.last = now
            elapsed = now - self.started
            left = self.total - finished
            eta = elapsed / self.ran * left if self.ran else math.nan
            self._line(
                f"{finished}/{self.total} runs, {self.failed} failed, "
                f"elapsed {_clock(elapsed)}, eta {_clock(eta)}"
            )

    def finish(self) -> None:
        pass


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = round(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RichReporter:
    """A progress bar on a terminal: completed runs, failures, elapsed time and ETA."""

    def __init__(self, stream: IO[str]):
        from rich.console import Console

        self.console = Console(file=stream)

    def start(self, total: int, done: int, description: str, plan: str = "") -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.failed = 0
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.progress.start()
        self.task = self.progress.add_task("runs", total=total, completed=done, failed=0)
        if done:
            self.console.print(f"resuming: {done} of {total} runs already done")
        self.console.print(f"{plan or f'{total} runs'} on {description}")

    def update(self, record: dict[str, Any]) -> None:
        from rich.markup import escape

        if record["status"] != "ok":
            self.failed += 1
            error = escape(printable(str(record["error"])))
            self.console.print(f"[red]run {record['run_id']} failed:[/red] {error}")
        self.progress.update(self.task, advance=1, failed=self.failed)

    def finish(self) -> None:
        self.progress.stop()


def make_reporter(stream: IO[str] | None = None) -> PlainReporter | RichReporter:
    """A progress bar on a terminal, plain log lines otherwise (both on stderr)."""
    stream = stream or sys.stderr
    return RichReporter(stream) if stream.isatty() else PlainReporter(stream)
