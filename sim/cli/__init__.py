"""The `ccsim` commands (run, keys, compare, sweep, sensitivity, report, talk, dashboard).
Nothing imports this layer."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ccsim` console script: a Ctrl-C while the libraries are still
    loading ends with one line and exit code 130, as it does later."""
    try:
        import sim

        sim.load_mesa()
        from sim.cli.commands import main as run_command
    except KeyboardInterrupt:
        print("ccsim: interrupted", file=sys.stderr)
        return 130
    return run_command(argv)


__all__ = ["main"]
