"""Validating a calibrated scenario by simulation: run it a few times with the export's
calendar, and set its interval KPIs (offered, service level, abandonment, ASA, AHT) against
the export's, per weekday and interval, per weekday and overall, with the discrepancy measured
against the spread between replications.

Both sides are aggregated the same way, from sums: a KPI is a ratio of two sums over the
intervals of a group (offered per full interval = contacts / exposure; service level = answered
within the target / offered, as `sim.metrics` defines it; abandonment = abandoned / offered;
ASA and AHT = total wait or handle time / answered). A group whose denominator is 0 has no
value for that KPI and is left out of it (and counted), so no NaN reaches a table."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.records import WEEKDAYS, Export
from sim.errors import UsageError
from sim.experiments.design import RunTask
from sim.experiments.executors import Executor, make_executor
from sim.experiments.statistics import CONFIDENCE
from sim.metrics import run
from sim.scenario import Scenario
from sim.scenario import validate as validate_scenario

KPIS = {
    "offered": ("offered", "exposure"),
    "service_level": ("within", "within_base"),
    "abandonment_rate": ("abandoned", "offered"),
    "asa": ("wait", "wait_n"),
    "aht": ("handle", "handle_n"),
}
"""Each KPI as (numerator, denominator) of the interval sums."""

SHARES = ("service_level", "abandonment_rate")
SUMS = ["exposure", "offered", "abandoned", "within", "within_base", "wait", "wait_n", "handle"]
SUMS += ["handle_n"]
CELL = ["weekday", "interval"]
COLUMNS = ["kpi", "data", "simulated", "low", "high", "band_low", "band_high", "replications"]
"""Columns of the validation tables after the group keys: the data's value, the replications'
mean with its 95 % CI (low, high) and the 95 % prediction band of one replication (both
clipped to what the KPI can be: shares within 0-1, the others not below 0)."""


MISFIT = 1.5


@dataclass(frozen=True)
class KpiCheck:
    """One KPI overall: data, simulated mean with its 95 % CI, the discrepancy (simulated −
    data, and relative to the data) with its 95 % CI, whether that CI excludes 0 (`flagged`),
    and per interval: RMSE of simulated − data, the RMSE chance alone gives, the cells compared,
    the share of them whose data lies in the simulation's prediction band, and cells dropped."""

    kpi: str
    data: float
    simulated: float
    low: float
    high: float
    discrepancy: float
    relative: float | None
    discrepancy_low: float
    discrepancy_high: float
    flagged: bool
    rmse: float
    rmse_chance: float
    cells: int
    inside: float
    dropped: int

    @property
    def misfit(self) -> bool:
        """Per interval, the simulation misses the data by far more than chance: RMSE over the
        cells above MISFIT times what chance alone gives (a rule of thumb: on the shipped example
        the ratio is 0.9-1.06 for every KPI; a staffing 3 % too high gave 1.37)."""
        return self.rmse_chance > 0 and self.rmse > MISFIT * self.rmse_chance

    @property
    def undecided(self) -> bool:
        """Not flagged, but only because the replications are too few to tell: the
        discrepancy's CI is wider than the data's value either side (a simulation at twice or
        at none of the data would pass too)."""
        half = (self.discrepancy_high - self.discrepancy_low) / 2
        return not self.flagged and half > abs(self.data) > 0


@dataclass
class Validation:
    """The calibrated scenario's simulated KPIs against the export's: per (weekday, interval)
    in `intervals`, per weekday in `weekdays` (long tables, COLUMNS after the keys), and one
    `KpiCheck` per KPI in `summary`."""

    intervals: pd.DataFrame
    weekdays: pd.DataFrame
    summary: list[KpiCheck]
    replications: int
    seeds: list[int]
    days: int
    interval_minutes: int
    notes: list[str] = field(default_factory=list)

    def check(self, kpi: str) -> KpiCheck:
        """The summary of `kpi` (KeyError when the data gave no value for it)."""
        for c in self.summary:
            if c.kpi == kpi:
                return c
        raise KeyError(f"no {kpi} in the validation: the export gives no value for it")

    def summary_frame(self) -> pd.DataFrame:
        """`summary` as a table, one row per KPI (relative is None when the data is 0)."""
        return pd.DataFrame([vars(c) for c in self.summary])


def data_sums(observed: pd.DataFrame, interval_seconds: float) -> pd.DataFrame:
    """The export's intervals as sums (exposure in full intervals; intervals not covered and
    values the export does not give are left out of the KPIs they feed)."""
    frame = observed[observed["exposure"] > 0]
    answered = frame["answered"].astype(float)
    in_target = frame["answered_in_target"]
    asa_known = frame["asa"].notna() & (answered > 0)
    aht_known = frame["aht"].notna() & (answered > 0)
    return pd.DataFrame(
        {
            "weekday": frame["weekday"].astype(str),
            "interval": frame["interval"].astype(int),
            "start": frame["start"].astype(str),
            "exposure": frame["exposure"].astype(float) / interval_seconds,
            "offered": frame["offered"].astype(float),
            "abandoned": frame["abandoned"].astype(float),
            "within": in_target.fillna(0.0).astype(float),
            "within_base": frame["offered"].where(in_target.notna(), 0).astype(float),
            "wait": (frame["asa"] * answered).where(asa_known, 0.0),
            "wait_n": answered.where(asa_known, 0.0),
            "handle": (frame["aht"] * answered).where(aht_known, 0.0),
            "handle_n": answered.where(aht_known, 0.0),
        }
    )


def run_sums(intervals: pd.DataFrame) -> pd.DataFrame:
    """A run's `intervals` table as sums (every simulated interval is fully covered)."""
    offered = intervals["offered"].astype(float)
    handled = intervals["handled"].astype(float)
    return pd.DataFrame(
        {
            "weekday": intervals["weekday"].astype(str),
            "interval": intervals["interval"].astype(int),
            "start": intervals["start"].astype(str),
            "exposure": 1.0,
            "offered": offered,
            "abandoned": intervals["abandoned"].astype(float),
            "within": (intervals["service_level"].fillna(0.0) * offered).round(),
            "within_base": offered,
            "wait": intervals["asa"].fillna(0.0) * handled,
            "wait_n": handled,
            "handle": intervals["aht"].fillna(0.0) * handled,
            "handle_n": handled,
        }
    )


def kpi_values(sums: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group `by` (all rows when empty) each KPI's value, NaN where its denominator is 0."""
    keys = by or ["_all"]
    frame = sums.assign(_all=0) if not by else sums
    totals = frame.groupby(keys, sort=True)[SUMS].sum()
    out = pd.DataFrame(index=totals.index)
    for kpi, (num, den) in KPIS.items():
        d = totals[den].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[kpi] = np.where(d > 0, totals[num].to_numpy(dtype=float) / d, np.nan)
    return out


def _t(n: np.ndarray) -> np.ndarray:
    from scipy import stats  # imported when used: scipy.stats is slow to import

    return np.where(n > 1, stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)), np.nan)


def compare(data: pd.DataFrame, runs: list[pd.DataFrame], by: list[str]) -> pd.DataFrame:
    """The long table (keys `by`, then COLUMNS, plus `sd`) of the data's KPIs against the
    runs', per group; groups without a data value or with fewer than 2 replications that have
    one are dropped (`KpiCheck.dropped` counts them per interval)."""
    simulated = pd.concat(
        [kpi_values(r, by).assign(_rep=i) for i, r in enumerate(runs)]
    ).reset_index()
    keys = by or ["_all"]
    long = simulated.melt(id_vars=[*keys, "_rep"], value_vars=list(KPIS), var_name="kpi")
    stats = long.dropna(subset=["value"]).groupby([*keys, "kpi"])["value"]
    table = stats.agg(simulated="mean", sd="std", replications="count").reset_index()
    observed = kpi_values(data, by).reset_index()
    observed = observed.melt(id_vars=keys, value_vars=list(KPIS), var_name="kpi", value_name="data")
    table = table.merge(observed, on=[*keys, "kpi"], how="outer")
    table = table[table["data"].notna() & (table["replications"] >= 2)].copy()
    n = table["replications"].to_numpy(dtype=float)
    t, sd = _t(n), table["sd"].to_numpy(dtype=float)
    half, band = t * sd / np.sqrt(n), t * sd * np.sqrt(1 + 1 / n)
    mean = table["simulated"].to_numpy(dtype=float)
    top = np.where(table["kpi"].isin(SHARES), 1.0, np.inf)  # a share stays within 0-100 %
    table = table.assign(low=np.maximum(mean - half, 0.0), high=np.minimum(mean + half, top))
    table = table.assign(
        band_low=np.maximum(mean - band, 0.0), band_high=np.minimum(mean + band, top)
    )
    table = table.assign(replications=n.astype(int))
    order = {"kpi": list(KPIS), "weekday": list(WEEKDAYS)}
    for key in [k for k in order if k in table]:
        table[key] = pd.Categorical(table[key], categories=order[key], ordered=True)
    table = table.sort_values(["kpi", *keys]).reset_index(drop=True)
    for key in [k for k in order if k in table]:
        table[key] = table[key].astype(str)
    return table[[*keys, *COLUMNS, "sd"]]


def _cells(data: pd.DataFrame, runs: list[pd.DataFrame]) -> int:
    """How many (weekday, interval) cells either side has."""
    seen = pd.concat([data[CELL], *(r[CELL] for r in runs)]).drop_duplicates()
    return len(seen)


def summarize(overall: pd.DataFrame, cells: pd.DataFrame, total_cells: int) -> list[KpiCheck]:
    """One `KpiCheck` per KPI the overall table has."""
    checks = []
    for row in overall.itertuples(index=False):
        part = cells[cells["kpi"] == row.kpi]
        diff = part["simulated"] - part["data"]
        n = float(row.replications)
        t = float(_t(np.array([n]))[0])
        half = t * row.sd * math.sqrt(1 + 1 / n)  # the data counts as one more replication
        discrepancy = row.simulated - row.data
        inside = (part["data"] >= part["band_low"]) & (part["data"] <= part["band_high"])
        checks.append(
            KpiCheck(
                kpi=row.kpi,
                data=float(row.data),
                simulated=float(row.simulated),
                low=float(row.low),
                high=float(row.high),
                discrepancy=float(discrepancy),
                relative=float(discrepancy / row.data) if row.data != 0 else None,
                discrepancy_low=float(discrepancy - half),
                discrepancy_high=float(discrepancy + half),
                flagged=bool(abs(discrepancy) > half),
                rmse=float(np.sqrt(np.mean(diff**2))) if len(part) else 0.0,
                rmse_chance=float(np.sqrt(np.mean(part["sd"] ** 2 * (1 + 1 / n))))
                if len(part)
                else 0.0,
                cells=len(part),
                inside=float(inside.mean()) if len(part) else 0.0,
                dropped=total_cells - len(part),
            )
        )
    return checks


def _intervals_of(task: RunTask) -> dict[str, Any]:
    """Run one replication; its journal record carries the run's `intervals` table."""
    started = time.perf_counter()
    result = run(validate_scenario(task.scenario), seed=task.seed)
    return {
        "run_id": task.run_id,
        "seed": task.seed,
        "status": "ok",
        "error": "",
        "kpis": {k: float(v) for k, v in result.kpis.items()},
        "intervals": result.intervals.to_dict(orient="records"),
        "wall_seconds": time.perf_counter() - started,
    }


def simulate(
    scenario: Scenario,
    seeds: list[int],
    executor: Executor,
    progress: Callable[[str], None] | None = None,
) -> list[pd.DataFrame]:
    """The `intervals` table of a run of `scenario` per seed, in the order of `seeds`."""
    data = scenario.to_dict()
    tasks = [
        RunTask(f"validation-{i + 1}", "calibrated", i, s, 0, scenario=data)
        for i, s in enumerate(seeds)
    ]
    records: dict[int, pd.DataFrame] = {}
    for record in executor.imap_unordered(_intervals_of, tasks):
        records[record["seed"]] = pd.DataFrame.from_records(record["intervals"])
        if progress is not None:
            progress(f"validation run {len(records)} of {len(seeds)} done")
    return [records[s] for s in seeds]


def validate(
    scenario: Scenario,
    export: Export,
    replications: int = 5,
    seed: int = 1,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> Validation:
    """Simulate the calibrated `scenario` `replications` times (seeds `seed`, `seed` + 1, ...;
    its calendar as written, which should hold as many days as the export has dates) and set
    its interval KPIs against `export.observed`. The runs go to `executor` when given (left
    open), else to a pool of `workers` (default: the CPUs, at most one per run); `progress` is
    told each finished run."""
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise UsageError(
            f"validation replications {replications!r}: a whole number of at least 2 is "
            "allowed (the discrepancy's uncertainty comes from the spread between them)"
        )
    calendar, notes = scenario.calendar, []
    dates = int(export.observed["date"].nunique())
    if calendar.days != dates:
        notes.append(
            f"the scenario simulates {calendar.days} days, the export holds {dates} dates: "
            "the prediction bands assume as many simulated days as measured ones"
        )
    if scenario.kpi.service_level_seconds != export.service_level_seconds:
        notes.append(
            f"service level: the scenario counts answers within "
            f"{scenario.kpi.service_level_seconds:g} s, the export within "
            f"{export.service_level_seconds:g} s"
        )
    seeds = list(range(seed, seed + replications))
    if executor is not None:
        tables = simulate(scenario, seeds, executor, progress)
    else:
        own = make_executor(min(workers or replications, replications))
        try:
            tables = simulate(scenario, seeds, own, progress)
        finally:
            own.close()
    runs = [run_sums(t) for t in tables]
    data = data_sums(export.observed, calendar.interval_minutes * 60.0)
    cells = compare(data, runs, CELL)
    starts = pd.concat([data, *runs])[[*CELL, "start"]].drop_duplicates(CELL)
    cells = cells.merge(starts, on=CELL, how="left")[[*CELL, "start", *COLUMNS, "sd"]]
    overall = compare(data, runs, [])
    return Validation(
        intervals=cells.drop(columns="sd"),
        weekdays=compare(data, runs, ["weekday"]).drop(columns="sd"),
        summary=summarize(overall, cells, _cells(data, runs)),
        replications=replications,
        seeds=seeds,
        days=calendar.days,
        interval_minutes=calendar.interval_minutes,
        notes=notes,
    )
