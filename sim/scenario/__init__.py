"""The validated configuration: scenario sections, TOML files, `--set` overrides, the key
reference. Nothing here runs a model; every layer above reads a `Scenario`."""

from sim.scenario.keys import key_reference
from sim.scenario.loading import load_scenario, read_toml
from sim.scenario.overrides import apply_overrides, parse_assignment
from sim.scenario.policy import PolicyParameters, PolicySettings, policy_names
from sim.scenario.queue import WEEKDAYS
from sim.scenario.scenario import Scenario, valid_keys, validate

__all__ = [
    "WEEKDAYS",
    "PolicyParameters",
    "PolicySettings",
    "Scenario",
    "apply_overrides",
    "key_reference",
    "load_scenario",
    "parse_assignment",
    "policy_names",
    "read_toml",
    "valid_keys",
    "validate",
]
