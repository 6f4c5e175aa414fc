"""Shared helpers for tests: paths and small scenarios."""

from __future__ import annotations

import signal
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


def decomposition() -> Any:
    """A decomposition.csv table made by hand that adds up: a mechanisms split of 100 (base
    10, asking 60, churn 30) and a sales split of 50 (opportunities −40, sales per offer 90)."""
    import pandas as pd

    from sim.experiments.decomposition import COLUMNS

    rows = [
        ("mechanisms", "base", 10.0, 10.0, 10.0),
        ("mechanisms", "asking", 60.0, 40.0, 80.0),
        ("mechanisms", "churn", 30.0, -5.0, 65.0),
        ("mechanisms", "total", 100.0, 90.0, 110.0),
        ("sales", "opportunities", -40.0, -50.0, -30.0),
        ("sales", "sales per offer", 90.0, 70.0, 110.0),
        ("sales", "total", 50.0, 45.0, 55.0),
    ]
    table = pd.DataFrame(rows, columns=["split", "part", "mean", "ci_low", "ci_high"])
    return table.assign(what="words", n=3, a="quality", b="aht")[COLUMNS]


def wait_until_listening(process: Any, port: int, seconds: float = 60.0) -> None:
    """Wait until `process` (a started `ccsim dashboard`) listens on `port`; fail the test
    with its output if it exits first, or kill it and fail if it does not start in time."""
    import socket
    import time

    import pytest

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"the dashboard did not start within {seconds:g} s")


def script_module(path: Path) -> Any:
    """A script file (not in a package) loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def experiment_script(relative: str) -> Any:
    """A script under experiments/ (e.g. "calibration/make_export.py") as a module: the
    scripts are not a package."""
    return script_module(ROOT / "experiments" / relative)


def interruptible() -> None:
    """`preexec_fn` for a child that a test interrupts with SIGINT: Ctrl-C at its default, as
    in a terminal. A shell without job control starts background jobs with SIGINT ignored, and
    a child inherits that (tests run as such a job would otherwise see it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
