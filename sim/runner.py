"""Running one scenario with one seed and gathering its result."""

from __future__ import annotations

import time

from sim.behavior_metrics import behavior_daily, behavior_kpis
from sim.behavioral_model import BehavioralModel
from sim.metrics import call_bins, daily_table, interval_table, run_kpis
from sim.model import ContactCenterModel
from sim.result import RunResult
from sim.scenario import Scenario


def run(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Simulate `scenario` (seed None: the scenario's own) and return its KPIs and tables."""
    started = time.perf_counter()
    model = ContactCenterModel(scenario, seed=seed)
    model.run_model()
    result = gather(model, started)
    model.dispose()  # freed now, by reference counting (see ContactCenterModel.dispose)
    return result


def gather(model: ContactCenterModel, started: float) -> RunResult:
    """The KPIs and tables of a model that has run (`started`: its perf_counter start)."""
    scenario = model.config
    columns = model.log.arrays()
    day, interval = call_bins(columns, model)
    kpis = run_kpis(columns, model)
    calls = model.log.to_frame(columns, day, interval)
    daily = daily_table(columns, model)
    layer = model.behavior
    if isinstance(layer, BehavioralModel):
        contacts = layer.contacts.frame(layer.reason_names)
        calls = calls.join(contacts)
        kpis.update(behavior_kpis(layer, contacts))
        daily = daily.merge(behavior_daily(layer, contacts, day), on="day", how="left")
    return RunResult(
        scenario=scenario,
        seed=model.seed,
        kpis=kpis,
        calls=calls,
        intervals=interval_table(columns, model),
        daily=daily,
        snapshots=model.datacollector.get_model_vars_dataframe(),
        wall_seconds=time.perf_counter() - started,
    )
