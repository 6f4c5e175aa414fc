"""ccsim: an agent-based contact-center simulator on Mesa.

import sim
scenario = sim.load_scenario("experiments/scenarios/baseline.toml", {"staffing.employees": 45})
result = sim.run(scenario, seed=7)
result.kpis, result.calls, result.intervals

The layers, imports pointing down only (docs/ARCHITECTURE.md): scenario <- engine <- behavior
<- metrics <- experiments <- calibration <- report <- cli.

The public names load on first use (PEP 562), so `import sim` is instant and the `ccsim`
command can catch a Ctrl-C while the model's libraries are still being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.behavior import Policy, register_policy
    from sim.calibration.calibration import Calibration, calibrate
    from sim.engine import ContactCenterModel
    from sim.errors import ExperimentError, InputError, ScenarioError, UsageError
    from sim.experiments import compare, sensitivity, sweep, uncertainty
    from sim.metrics import RunResult, build_model, run
    from sim.scenario import PolicyParameters, Scenario, load_scenario
    from sim.version import __version__

_WHERE = {
    "Calibration": "sim.calibration.calibration",
    "ContactCenterModel": "sim.engine",
    "ExperimentError": "sim.errors",
    "InputError": "sim.errors",
    "Policy": "sim.behavior",
    "PolicyParameters": "sim.scenario",
    "RunResult": "sim.metrics",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    "build_model": "sim.metrics",
    "calibrate": "sim.calibration.calibration",
    "compare": "sim.experiments",
    "load_scenario": "sim.scenario",
    "register_policy": "sim.behavior",
    "run": "sim.metrics",
    "sensitivity": "sim.experiments",
    "sweep": "sim.experiments",
    "uncertainty": "sim.experiments",
}

__all__ = [  # the names of _WHERE, and the version (a test checks they agree)
    "Calibration",
    "ContactCenterModel",
    "ExperimentError",
    "InputError",
    "Policy",
    "PolicyParameters",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "UsageError",
    "__version__",
    "build_model",
    "calibrate",
    "compare",
    "load_scenario",
    "register_policy",
    "run",
    "sensitivity",
    "sweep",
    "uncertainty",
]


def load_mesa() -> None:
    """Import Mesa first, from a short stack: Mesa inspects the whole call stack once, when it
    is first imported (from deep inside the layers that cost 0.2 s more per process)."""
    import mesa  # noqa: F401


LAYERS = (
    "scenario", "engine", "behavior", "metrics", "experiments", "calibration", "report",
    "dashboard",
)  # fmt: skip
SHARED = ("errors", "files", "version")


def __getattr__(name: str) -> Any:
    if name == "__version__":  # importlib.metadata takes a while: not before it is asked for
        value = importlib.import_module("sim.version").__version__
    elif name in _WHERE:
        load_mesa()
        value = getattr(importlib.import_module(_WHERE[name]), name)
    elif name in LAYERS or name in SHARED:  # `sim.experiments.load_experiment` after `import sim`
        load_mesa()
        value = importlib.import_module(f"sim.{name}")
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
