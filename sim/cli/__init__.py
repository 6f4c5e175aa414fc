"""The `ccsim` commands (run, keys, compare, sweep, sensitivity). Nothing imports this layer."""

from sim.cli.main import main

__all__ = ["main"]
