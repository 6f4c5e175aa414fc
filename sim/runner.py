"""Running one scenario with one seed and gathering its result."""

from __future__ import annotations

import time

from sim.metrics import call_bins, daily_table, interval_table, run_kpis
from sim.model import ContactCenterModel
from sim.result import RunResult
from sim.scenario import Scenario


def run(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Simulate `scenario` (seed None: the scenario's own) and return its KPIs and tables."""
    started = time.perf_counter()
    model = ContactCenterModel(scenario, seed=seed)
    model.run_model()
    columns = model.log.arrays()
    day, interval = call_bins(columns, model)
    return RunResult(
        scenario=scenario,
        seed=model.seed,
        kpis=run_kpis(columns, model),
        calls=model.log.to_frame(columns, day, interval),
        intervals=interval_table(columns, model),
        daily=daily_table(columns, model),
        snapshots=model.datacollector.get_model_vars_dataframe(),
        wall_seconds=time.perf_counter() - started,
    )
