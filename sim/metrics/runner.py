"""Running one scenario with one seed: the engine composed with the behaviour the scenario asks
for, run to the end, and its result gathered. The one place where the layers meet for a run."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from sim.behavior import ContactCenterBehavior
from sim.engine import ContactCenterModel, NoBehavior
from sim.engine.random_streams import check_seed
from sim.errors import UsageError
from sim.metrics.behavior import behavior_daily, behavior_kpis
from sim.metrics.queue import (
    call_bins,
    daily_table,
    interval_table,
    line_seconds,
    line_seconds_per_day,
    run_kpis,
)
from sim.metrics.result import RunResult
from sim.metrics.run_size import check_fits
from sim.scenario import Scenario


def build_model(scenario: Scenario, seed: int | None = None) -> ContactCenterModel:
    """The Mesa model of `scenario` (seed None: the scenario's own), with the behavioural layer
    when `behavior.enabled` is true and as a pure queue otherwise; not yet run."""
    behavior = ContactCenterBehavior if scenario.behavior.enabled else NoBehavior
    return ContactCenterModel(scenario, seed=seed, behavior=behavior)


def run(scenario: Scenario, seed: int | None = None) -> RunResult:
    """Simulate `scenario` (seed None: the scenario's own) and return its KPIs and tables."""
    if not isinstance(scenario, Scenario):
        raise UsageError(
            f"scenario {scenario!r:.60}: a sim.Scenario is allowed (from "
            "sim.load_scenario(path, overrides) or Scenario.with_overrides)"
        )
    if seed is not None:
        check_seed(seed)
    check_fits(scenario)  # before a byte is allocated
    started = time.perf_counter()
    model = build_model(scenario, seed)
    model.run_model()
    result = gather(model, started)
    model.dispose()  # freed now, by reference counting (see ContactCenterModel.dispose)
    return result


def gather(model: ContactCenterModel, started: float) -> RunResult:
    """The KPIs and tables of a model that has run (`started`: its perf_counter start)."""
    columns = model.log.arrays()
    for name in ("arrival", "talk", "acw", "patience", "wait"):  # NaN must never reach a table
        if np.isnan(columns[name]).any():
            raise RuntimeError(
                f"the run produced NaN {name} times: a parameter outside what its formula can "
                "compute reached the model (please report it with the scenario)"
            )
    day, interval = call_bins(columns, model)
    kpis = run_kpis(columns, model)
    daily = daily_table(columns, model)
    layer = model.behavior
    behavioral = isinstance(layer, ContactCenterBehavior)
    table = model.log.frame_columns(columns, day, interval)
    if behavioral:
        table.update(layer.contacts.columns(layer.reason_names))
    snapshots = model.datacollector.get_model_vars_dataframe()
    warmup = model.hours.warmup
    index, measured_day = None, day
    if warmup:  # the tables show the measured days only, numbered from 0
        keep = day >= 0
        for name, values in table.items():  # column by column: one unfiltered copy at a time
            table[name] = values[keep]
        index, measured_day = np.flatnonzero(keep), day[keep]  # rows keep their call ids
        after = snapshots["time"] > model.measure_start.time  # a snapshot closes an interval
        snapshots = snapshots[after].assign(day=lambda s: s["day"] - warmup)
    # built once (no join) and taking its columns as they are: they are its own already
    calls = pd.DataFrame(table, index=index, copy=False)
    del table
    policy = None
    if behavioral:  # the contact measures read the measured calls table's contact columns
        kpis.update(behavior_kpis(layer, calls, measured_day, line_seconds(columns, model)))
        per_day = line_seconds_per_day(columns, day, model.hours.measured_days)
        rows = behavior_daily(layer, calls, measured_day, per_day)
        daily = daily.merge(rows, on="day", how="left")
        policy = layer.policy.describe()
    return RunResult(
        scenario=model.config,
        seed=model.seed,
        kpis=kpis,
        calls=calls,
        intervals=interval_table(columns, model),
        daily=daily,
        snapshots=snapshots,
        policy=policy,
        wall_seconds=time.perf_counter() - started,
    )
