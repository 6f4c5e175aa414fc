"""Pure-queue simulations against Erlang C and Erlang A (theory nobody here wrote).

Each case runs R independent replications (seeds 0..R-1), each with a one-day warm-up that
is discarded, and builds a 99% t-interval for every measure from the replication means. The
analytic value must lie inside. Run lengths are chosen so the test has teeth: the same
interval must reject the theory for one employee more and one employee fewer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pytest
from scipy import stats

import sim
from sim.engine.opening_hours import DAY
from sim.engine.queueing import erlang_a, erlang_c, erlang_c_asa, erlang_c_service_level
from tests.helpers import erlang_scenario

pytestmark = pytest.mark.slow

MEAN_SERVICE = 240.0
SL_SECONDS = 20.0
REPLICATIONS = 10
CONFIDENCE = 0.99


@dataclass(frozen=True)
class Case:
    name: str
    servers: int
    calls_per_hour: float
    mean_patience: float | None  # None: infinite patience (Erlang C)
    measured_days: int

    @property
    def load(self) -> float:
        return self.calls_per_hour * MEAN_SERVICE / 3600

    def theory(self) -> dict[str, float]:
        if self.mean_patience is None:
            return {
                "delayed_fraction": erlang_c(self.servers, self.load),
                "service_level": erlang_c_service_level(
                    self.servers, self.load, MEAN_SERVICE, SL_SECONDS
                ),
                "asa": erlang_c_asa(self.servers, self.load, MEAN_SERVICE),
            }
        a = erlang_a(self.servers, self.calls_per_hour / 3600, MEAN_SERVICE, self.mean_patience)
        return {
            "delayed_fraction": a.prob_wait,
            "service_level": a.service_level(SL_SECONDS),
            "asa": a.asa,
            "abandonment_rate": a.prob_abandon,
            "mean_queue_length": a.mean_queue_length,
        }


CASES = [
    Case("erlang-c, 75% load", 20, 225.0, None, 6),
    Case("erlang-c, 89% load", 45, 600.0, None, 8),
    Case("erlang-a, 100% load", 40, 600.0, 180.0, 4),
    # only Erlang A has a steady state here; servers are 98.7% utilised
    Case("erlang-a, 120% load (overloaded)", 40, 720.0, 180.0, 2),
]


def replicate(case: Case, seed: int) -> dict[str, float]:
    """One replication: simulate warm-up day + measured days, measure calls after the warm-up."""
    scenario = erlang_scenario(
        calendar__days=1 + case.measured_days,
        arrivals__rate_per_hour=case.calls_per_hour,
        staffing__employees=case.servers,
        service__mean_seconds=MEAN_SERVICE,
        patience__distribution="none" if case.mean_patience is None else "exponential",
        patience__mean_seconds=case.mean_patience or 180.0,
        kpi__service_level_seconds=SL_SECONDS,
    )
    calls = sim.run(scenario, seed=seed).calls
    calls = calls[calls["arrival_time"] >= DAY]
    answered = (calls["outcome"] == "answered").to_numpy()
    wait = calls["wait"].to_numpy()
    measured_seconds = case.measured_days * DAY
    return {
        "delayed_fraction": float((wait > 0).mean()),
        "service_level": float((answered & (wait <= SL_SECONDS)).mean()),
        "asa": float(wait[answered].mean()),
        "abandonment_rate": float((~answered).mean()),
        # Little's law on the measured window: time-average queue length = total wait / time
        "mean_queue_length": float(wait.sum() / measured_seconds),
    }


def interval(values: list[float]) -> tuple[float, float]:
    """Two-sided t confidence interval for the mean of independent replications."""
    x = np.asarray(values)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean() - half), float(x.mean() + half)


@cache
def replications(case: Case) -> list[dict[str, float]]:
    return [replicate(case, seed) for seed in range(REPLICATIONS)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_simulation_agrees_with_theory(case: Case) -> None:
    runs = replications(case)
    for measure, expected in case.theory().items():
        low, high = interval([r[measure] for r in runs])
        assert low <= expected <= high, (
            f"{case.name} {measure}: {expected:.5g} not in [{low:.5g}, {high:.5g}]"
        )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_interval_rejects_one_employee_more_or_fewer(case: Case) -> None:
    """Negative control: the run is long enough to tell n from n +/- 1 employees."""
    runs = replications(case)
    low, high = interval([r["delayed_fraction"] for r in runs])
    for servers in (case.servers - 1, case.servers + 1):
        wrong = replace(case, servers=servers).theory()["delayed_fraction"]
        assert not low <= wrong <= high, f"{servers} employees not rejected: {wrong:.4f}"
