"""ccsim: an agent-based contact-center simulator on Mesa.

import sim
scenario = sim.load_scenario("experiments/scenarios/baseline.toml", {"staffing.employees": 45})
result = sim.run(scenario, seed=7)
result.kpis, result.calls, result.intervals
"""

from sim.errors import ScenarioError
from sim.experiment_run import compare, sweep
from sim.model import ContactCenterModel
from sim.policies import Policy, PolicyParameters, register_policy
from sim.result import RunResult
from sim.runner import run
from sim.scenario import Scenario, load_scenario
from sim.version import __version__

__all__ = [
    "ContactCenterModel",
    "Policy",
    "PolicyParameters",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
    "register_policy",
    "run",
    "sweep",
]
