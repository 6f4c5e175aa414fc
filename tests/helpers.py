"""Shared helpers for tests: paths and small scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "experiments" / "scenarios"


def erlang_scenario(**overrides: Any) -> sim.Scenario:
    """The M/M/n+M validation scenario with dotted-key overrides (use '__' for '.')."""
    return sim.load_scenario(
        SCENARIOS / "erlang.toml", {k.replace("__", "."): v for k, v in overrides.items()}
    )


def baseline(**overrides: Any) -> sim.Scenario:
    """The default (behavioural) scenario with dotted-key overrides (use '__' for '.')."""
    return sim.load_scenario(
        SCENARIOS / "baseline.toml", {k.replace("__", "."): v for k, v in overrides.items()}
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
