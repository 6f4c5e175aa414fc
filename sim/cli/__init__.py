"""The `ccsim` commands (run, keys, compare, sweep, sensitivity, uncertainty, report, talk,
dashboard).
Nothing imports this layer."""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ccsim` console script: a Ctrl-C (or SIGTERM) while the libraries are
    still loading ends with one line and exit code 130, as it does later. The signal is held
    until the imports are done: raised inside a library's import, a bare `except` there could
    swallow it and the command would run on. A signal this process was started ignoring (SIGINT
    in a background job of a shell without job control, or under nohup) stays ignored."""
    arrived: list[int] = []
    held = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) != signal.SIG_IGN]
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum)) for s in held}
    try:
        import sim

        sim.load_mesa()
        from sim.cli.commands import main as run_command
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if arrived:
        print("ccsim: interrupted", file=sys.stderr)
        return 130
    return run_command(argv)


__all__ = ["main"]
