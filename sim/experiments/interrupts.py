"""Ctrl-C and SIGTERM held back while the tables and the manifest are written, so an interrupt
that lands as the last run finishes leaves a folder that says what it holds, then stops."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block to its end even if SIGINT or SIGTERM arrives; then raise KeyboardInterrupt
    for it. Outside the main thread (where Python delivers signals) it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    previous = {s: signal.signal(s, hold) for s in HELD}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if arrived:
        raise KeyboardInterrupt
