"""ccsim: an agent-based contact-center simulator on Mesa.

import sim
scenario = sim.load_scenario("experiments/scenarios/baseline.toml", {"staffing.employees": 45})
result = sim.run(scenario, seed=7)
result.kpis, result.calls, result.intervals

The layers, imports pointing down only (docs/ARCHITECTURE.md): scenario <- engine <- behavior
<- metrics <- experiments <- report <- cli.
"""

# Mesa inspects the whole call stack once, when it is first imported; imported here, first,
# that stack is short (importing it from deep inside the layers cost 0.2 s more per process).
import mesa  # noqa: F401

from sim.behavior import Policy, register_policy
from sim.engine import ContactCenterModel
from sim.errors import ExperimentError, InputError, ScenarioError, UsageError
from sim.experiments import compare, sensitivity, sweep
from sim.metrics import RunResult, build_model, run
from sim.scenario import PolicyParameters, Scenario, load_scenario
from sim.version import __version__

__all__ = [
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
    "compare",
    "load_scenario",
    "register_policy",
    "run",
    "sensitivity",
    "sweep",
]
