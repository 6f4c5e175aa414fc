"""A whole calibration: read the export, estimate, draft the scenario, fit the behavioural
model by simulation, validate; `ccsim calibrate` writes what this returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.calibration.behavior_fit import export_targets, fit_behavior
from sim.calibration.draft import MODELS, draft_scenario
from sim.calibration.estimation import estimate_all
from sim.calibration.mapping import Mapping
from sim.calibration.reading import read_export
from sim.calibration.records import Estimate, Export
from sim.calibration.scenario_file import Draft
from sim.calibration.validation import Validation, validate
from sim.errors import UsageError
from sim.experiments.executors import Executor, make_executor
from sim.scenario import Scenario
from sim.scenario.policy import policy_names


@dataclass
class Calibration:
    """What a calibration found: the export read, every estimate (the fitted values last), the
    scenario (`text()` is its commented file) and its validation by simulation."""

    export: Export
    estimates: list[Estimate]
    draft: Draft
    scenario: Scenario
    validation: Validation

    def text(self) -> str:
        """The scenario file, every value commented."""
        return self.draft.text()


def calibrate(
    export: str | Path,
    mapping: Mapping | str | Path | None = None,
    model: str = "behavior",
    policy: str = "aht",
    name: str = "calibrated",
    replications: int = 5,
    seed: int = 1,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> Calibration:
    """Calibrate a scenario to an ACD export (docs/CALIBRATION.md): `model` "behavior" (a
    `policy` preset on top, fitted by simulation) or "queue"; validated with `replications`
    runs from `seed`, in a pool of `workers` (or on `executor`, left open)."""
    if model not in MODELS:
        raise UsageError(f"model {model!r}: allowed {', '.join(MODELS)}")
    if model == "behavior" and policy not in policy_names():
        raise UsageError(
            f"policy {policy!r}: allowed {', '.join(policy_names())} (a scenario's own policy "
            "can be set in the written file)"
        )
    say = progress or (lambda text: None)
    say(f"reading {export}")
    read = read_export(export, mapping)
    say(f"read {read.rows:,} rows: estimating")
    estimates = estimate_all(read)
    draft = draft_scenario(read, estimates, model, policy, name)
    runs = executor or make_executor(workers)
    try:
        if model == "behavior":
            targets = export_targets(read, draft, estimates)
            fit = fit_behavior(draft, targets, seed=seed, executor=runs, progress=say)
            estimates = [*estimates, *fit.estimates(targets)]
        scenario = draft.scenario()
        say(f"validating: {replications} runs of {scenario.calendar.days} days")
        validation = validate(scenario, read, replications, seed, executor=runs, progress=say)
    finally:
        if executor is None:
            runs.close()
    return Calibration(read, estimates, draft, scenario, validation)
