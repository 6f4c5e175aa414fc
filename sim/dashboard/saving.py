"""How often and how much the page may write: Save makes a results folder of several MB, and
any tab can press it, so one save per tab every few seconds and a cap on the folders and bytes
written in one server run (a refused save says why, on the page)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sim.errors import UsageError

MB = 2**20


class SaveLimit:
    """The limits on Save for one server run."""

    def __init__(
        self,
        every_seconds: float = 10.0,
        max_saves: int = 20,
        max_bytes: int = 250 * MB,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.every_seconds = every_seconds
        self.max_saves = max_saves
        self.max_bytes = max_bytes
        self.clock = clock
        self.saves = 0
        self.written = 0
        self._last: dict[str, float] = {}  # per tab: when it last saved
        self._lock = threading.Lock()

    def save(self, tab: str, write: Callable[[], Path]) -> Path:
        """Run `write` (which makes one results folder and returns it) for `tab`, or refuse
        with a UsageError saying why. One save at a time."""
        with self._lock:
            self._check(tab)
            self._last[tab] = self.clock()
            folder = write()
            self.saves += 1
            self.written += size(folder)
            return folder

    def _check(self, tab: str) -> None:
        last = self._last.get(tab)
        if last is not None and (wait := self.every_seconds - (self.clock() - last)) > 0:
            raise UsageError(
                f"Save refused: one save every {self.every_seconds:g} s per tab; "
                f"try again in {max(1, round(wait))} s"
            )
        if self.saves >= self.max_saves:
            raise UsageError(
                f"Save refused: this dashboard has saved {self.saves} results folders, the "
                "most one run of `ccsim dashboard` writes; start it again to save more"
            )
        if self.written >= self.max_bytes:
            raise UsageError(
                f"Save refused: this dashboard has written {self.written / MB:.0f} MB of "
                f"results, the most one run of `ccsim dashboard` writes is "
                f"{self.max_bytes / MB:.0f} MB; start it again to save more"
            )


def size(folder: Path) -> int:
    """Bytes in the files under `folder`."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
