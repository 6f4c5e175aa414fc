"""experiments/patterns.py measures patterns the model was not fitted to (docs/PATTERNS.md).
These tests check its computations on data with known answers and that it runs on a real run;
they assert nothing about what the model's patterns turn out to be."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

import sim
from tests.helpers import ROOT, baseline

spec = importlib.util.spec_from_file_location("patterns", ROOT / "experiments" / "patterns.py")
patterns = importlib.util.module_from_spec(spec)
spec.loader.exec_module(patterns)


def test_within_day_removes_each_days_level_and_finds_the_slope() -> None:
    rng = np.random.default_rng(1)
    rows = []
    for day in range(5):
        x = rng.random(40)
        rows += [{"day": day, "x": xi, "y": 10.0 * day - 0.5 * xi} for xi in x]
    found = patterns.within_day(pd.DataFrame(rows), "y", "x")
    assert found["slope"] == pytest.approx(-0.5)  # the days' levels (10 per day) are removed
    assert found["rho"] == pytest.approx(-1.0)


def test_across_gives_slope_and_correlations() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [3.0, 5.0, 7.0, 9.0]})
    found = patterns.across(frame, "y", "x")
    assert found["slope"] == pytest.approx(2.0) and found["r"] == pytest.approx(1.0)
    assert found["rho"] == pytest.approx(1.0) and found["n"] == 4


@pytest.mark.slow
def test_the_patterns_are_computed_from_real_runs() -> None:
    scenario = baseline(
        calendar__days=3,
        calendar__warmup_days=1,
        customers__population=20_000,
        staffing__target_service_level="none",
    )
    result = sim.run(scenario, seed=1)
    table = patterns.interval_talk(result.calls, result.intervals)
    answered = result.calls[result.calls["outcome"] == "answered"]
    one = table.iloc[0]
    mine = answered[(answered["day"] == one["day"]) & (answered["interval"] == one["interval"])]
    assert one["talk_per_need"] == pytest.approx((mine["talk_time"] / mine["need"]).mean())
    assert (table["queue_per_employee"] >= 0).all() and len(table) > 100
    run = {"variant": "aht", "seed": 1, "kpis": result.kpis, "daily": None, "intervals": table}
    run["daily"] = result.daily[["day", "aht", "occupancy"]].assign(
        load=result.daily["offered"] / result.daily["staffed_hours"]
    )
    found = patterns.measure(
        [run, {**run, "variant": "other", "kpis": {**result.kpis, "fcr": 0.5}}]
    )
    assert found["csat_fcr"]["slope"] == 0.0  # same CSAT at two FCRs: a flat line
    assert len(found["talk_queue"]) == 2 and len(found["aht_occupancy"]) == 2
