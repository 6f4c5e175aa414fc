"""The behavioural model's free scales, set by simulation so that the scenario's policy
reproduces the export (indirect inference: the same statistics computed on the export and on
simulated contacts): the value-demand rate (failure demand and redials come on top of it, so the
offered volume is an outcome), the conversation need (talk time is an outcome of need, skill,
pressure and load), and the redial probability and delay (abandoned callers also come back as
failure demand, so the export's same-day returns are more than the scenario's redials). Each is
scaled by the ratio of measured to simulated until all agree within their replications' noise
(a fixed-point iteration; each responds nearly in proportion)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.draft import customers_for_rate
from sim.calibration.records import Estimate, Export
from sim.calibration.redials import same_day_returns
from sim.calibration.scenario_file import Draft
from sim.experiments.design import RunTask
from sim.experiments.executors import Executor, SerialExecutor
from sim.metrics import run
from sim.scenario import Scenario
from sim.scenario.scenario import validate

MAX_ROUNDS = 8
DAMPING = 0.7
"""Each round moves a scale by this power of the ratio: the scales interact (more redials are
more offered contacts, which lowers the rate found), and a full step overshoots."""
TOLERANCE = 0.01
"""Stop when both ratios are within 1 % of one (or within two standard errors of the
replications' means, whichever is wider)."""


@dataclass(frozen=True)
class Targets:
    """What the export measured: contacts offered per measured day, mean talk seconds of the
    answered, and (with caller ids) the share of abandoned callers who call again that day and
    the mean delay of those returns."""

    offered_per_day: float
    talk_seconds: float
    return_share: float | None = None
    return_delay: float | None = None
    first_contact_share: float | None = None
    by_interval: list[float] | None = None  # offered per interval of the day, over the dates
    failure_share: float | None = None  # from the codes the mapping names as failure demand
    rows: dict[str, int] = field(default_factory=dict)  # what each statistic rests on
    uncertainty: dict[str, float] = field(default_factory=dict)
    """Each statistic's relative 95 % half-width in the export (sampling over its days,
    contacts or returns)."""

    def pairs(self) -> dict[str, float]:
        """Each statistic to match, by name."""
        names = ("offered_per_day", "talk_seconds", "return_share", "return_delay")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def export_targets(export: Export, draft: Draft, estimates: list[Estimate]) -> Targets:
    """What the behavioural model must reproduce: offered per measured day (each interval's
    rate over the dates that saw it), the mean talk time (for an interval export, the AHT less
    the after-call work assumed), and with caller ids the same-day returns of the abandoned."""
    seen = export.observed[export.observed["exposure"] > 0]
    per_interval = seen.groupby("interval")[["offered", "exposure"]].sum()
    rate = per_interval["offered"] / per_interval["exposure"]  # per second, over the dates
    offered = float(rate.sum()) * export.interval_minutes * 60
    intervals = len(draft.value("arrivals.profile"))
    by_interval = (rate * export.interval_minutes * 60).reindex(range(intervals)).tolist()
    returns, first, failure = None, None, None
    full = seen.groupby("date")["exposure"].sum()
    daily = seen.groupby("date")["offered"].sum()[full >= full.max()]
    poisson = 1.96 / math.sqrt(max(float(seen["offered"].sum()), 1.0))  # never below counting
    spread = 1.96 * _relative_se(daily.to_numpy(float))
    uncertainty = {"offered_per_day": float(np.nanmax([spread, poisson]))}
    rows = {"offered_per_day": int(seen["offered"].sum())}
    if export.contacts is not None:
        talks = export.contacts.loc[export.contacts["answered"], "talk"].dropna()
        talk = float(talks.mean())
        uncertainty["talk_seconds"] = 1.96 * _relative_se(talks.to_numpy(dtype=float))
        rows["talk_seconds"] = len(talks)
        returns = same_day_returns(export.contacts)
        if returns:
            n, k = returns.abandoned, returns.returned
            uncertainty["return_share"] = 1.96 * math.sqrt(max(k * (n - k), 1) / n**3) / (k / n)
            uncertainty["return_delay"] = 1.96 * returns.delay_sd / math.sqrt(k) / returns.delay
            rows |= {"return_share": n, "return_delay": k}
        repeat = [e for e in estimates if not e.key and e.method.startswith("repeat-contact")]
        coded = [e for e in estimates if not e.key and e.method.startswith("failure demand sh")]
        failure = float(coded[0].value) if coded else None
        if repeat and isinstance(repeat[0].value, float):
            first = 1.0 - repeat[0].value
    else:
        weights = seen["answered"]
        aht = float((seen["aht"].fillna(0) * weights).sum() / weights.sum())
        acw = draft.data().get("after_call_work", {})
        talk = aht - (acw.get("mean_seconds", 0.0) if acw.get("distribution") != "none" else 0.0)
    return Targets(
        offered_per_day=offered,
        talk_seconds=talk,
        return_share=returns[0] if returns else None,
        return_delay=returns[1] if returns else None,
        first_contact_share=first,
        by_interval=by_interval,
        uncertainty=uncertainty,
        failure_share=failure,
        rows=rows,
    )


SCALES = {  # statistic: the scenario key it scales
    "offered_per_day": "arrivals.rate_per_hour",
    "talk_seconds": "need_factor",
    "return_share": "redial.probability",
    "return_delay": "redial.mean_delay_seconds",
}


@dataclass
class Fit:
    """The scales found (by SCALES key) and each round's simulated figures."""

    scales: dict[str, float]
    profile: list[float]
    replications: int = 2
    rounds: list[dict[str, float]] = field(default_factory=list)
    last_runs: list[dict[str, Any]] = field(default_factory=list)

    def estimates(self, targets: Targets) -> list[Estimate]:
        """The fitted values as estimates for the report: what each was fitted to, how closely."""
        replications = self.replications
        last, runs = self.rounds[-1], replications * len(self.rounds)
        state = "converged" if self.converged else "NOT converged"
        method = (
            f"fitted by simulation, {len(self.rounds)} rounds of {replications} runs ({state}); "
            "CI: the export's sampling uncertainty of what it matches, the simulation's and the "
            "gap left, carried through in proportion"
        )
        fitted = [  # key, value, statistic matched (None: no CI), note
            (
                "arrivals.rate_per_hour",
                round(self.scales["arrivals.rate_per_hour"], 2),
                "offered_per_day",
                f"value demand only: with failure demand and redials on top, the policy is "
                f"offered {last['offered_per_day']:,.0f} a day simulated, "
                f"{targets.offered_per_day:,.0f} in the export",
            ),
            (
                "arrivals.profile",
                [round(x, 3) for x in self.profile],
                None,
                "reshaped so the simulated offered contacts per interval match the export's",
            ),
            (
                "demand.reasons.*.need_mean_seconds",
                round(self.scales["need_factor"], 4),
                "talk_seconds",
                f"every reason's need is the default's times {self.scales['need_factor']:.3f}: "
                f"talk {last['talk_seconds']:.0f} s "
                f"simulated, {targets.talk_seconds:.0f} s in the export",
            ),
        ]
        if targets.return_share is not None:
            fitted += [
                (
                    "redial.probability",
                    round(self.scales["redial.probability"], 4),
                    "return_share",
                    f"abandoned callers who call again within the hour (redials and failure "
                    f"demand together) {last['return_share']:.1%} simulated, "
                    f"{targets.return_share:.1%} in the export",
                ),
                (
                    "redial.mean_delay_seconds",
                    round(self.scales["redial.mean_delay_seconds"], 1),
                    "return_delay",
                    f"their mean delay {last['return_delay']:,.0f} s simulated, "
                    f"{targets.return_delay:,.0f} s in the export",
                ),
            ]
        model_share = float(np.nanmean([r.get("failure_share", np.nan) for r in self.last_runs]))
        if np.isfinite(model_share):
            told = (
                f"; the export's, from its codes: {targets.failure_share:.1%}"
                if targets.failure_share is not None
                else "; the export names no failure codes (mapping: failure_codes)"
            )
            fitted.append(
                ("", round(model_share, 4), None, f"the model's failure demand share{told}")
            )
        out = []
        for key, value, statistic, note in fitted:
            low, high = self._ci(statistic, targets) if statistic else (None, None)
            count = targets.rows.get(statistic or "offered_per_day", runs) if key else runs
            out.append(Estimate(key, value, low, high, method, count, note))
        return out

    def _ci(self, statistic: str, targets: Targets) -> tuple[float | None, float | None]:
        """A 95 % CI of a fitted scale: the export's sampling uncertainty of the statistic it
        matches, the simulation's (1.96 standard errors of the last round's mean) and the gap
        left, added in quadrature and carried through in proportion (each statistic moves
        nearly in proportion to its scale); None when the export's uncertainty is unknown."""
        last = self.rounds[-1]
        export = targets.uncertainty.get(statistic, math.nan)
        relative = math.sqrt(
            export**2
            + (1.96 * last.get(f"{statistic}_se", 0.0)) ** 2
            + last.get(f"{statistic}_gap", 0.0) ** 2
        )
        if not math.isfinite(relative):
            return None, None
        value = self.scales[SCALES[statistic]]
        top = 1.0 if statistic == "return_share" else math.inf  # a probability
        return value * max(1 - relative, 0.0), min(value * (1 + relative), top)

    @property
    def converged(self) -> bool:
        last = self.rounds[-1]
        return all(last[f"{n}_gap"] <= last[f"{n}_tol"] for n in SCALES if f"{n}_gap" in last)


def simulated_contacts(calls: pd.DataFrame) -> pd.DataFrame:
    """A run's calls as the columns the export's statistics read (a caller per customer)."""
    arrived = pd.Timestamp("2001-01-01") + pd.to_timedelta(calls["arrival_time"], unit="s")
    return pd.DataFrame(
        {
            "arrived": arrived,
            "date": arrived.dt.normalize(),
            "wait": calls["wait"].to_numpy(),
            "answered": (calls["outcome"] == "answered").to_numpy(),
            "caller": calls["customer"].where(calls["customer"] >= 0).astype("Int64"),
        }
    )


def fit_kpis(task: RunTask) -> dict[str, Any]:
    """One run's statistics of Targets: offered per measured day, mean talk seconds of the
    answered, same-day returns of the abandoned."""
    scenario = validate(task.scenario)
    result = run(scenario, seed=task.seed)
    answered = result.calls["outcome"] == "answered"
    returns = same_day_returns(simulated_contacts(result.calls))
    return {
        "seed": task.seed,
        "offered_per_day": float(result.kpis["offered"]) / scenario.calendar.days,
        "talk_seconds": float(result.calls.loc[answered, "talk_time"].mean()),
        "return_share": returns[0] if returns else float("nan"),
        "return_delay": returns[1] if returns else float("nan"),
        "by_interval": result.intervals.groupby("interval")["offered"].mean().tolist(),
        "failure_share": float(result.kpis.get("failure_demand_share", float("nan"))),
    }


def fit_behavior(
    draft: Draft,
    targets: Targets,
    replications: int = 2,
    seed: int = 1,
    executor: Executor | None = None,
    progress: Callable[[str], None] | None = None,
) -> Fit:
    """Scale `draft`'s arrival rate and every reason's need until the simulated offered volume
    and mean talk time match `targets`; the draft is updated and commented in place."""
    executor = executor or SerialExecutor()
    base_needs = {
        name: reason.need_mean_seconds for name, reason in Scenario().demand.reasons.items()
    }
    wanted = targets.pairs()
    if targets.first_contact_share is not None:  # a first guess: repeat contacts are the model's
        rate = float(draft.value("arrivals.rate_per_hour")) * targets.first_contact_share
        draft.update("arrivals.rate_per_hour", rate)
    if targets.return_share is not None:  # first guesses: returns within the hour are redials
        draft.update("redial.probability", round(min(targets.return_share, 1.0), 4))
        draft.update("redial.mean_delay_seconds", round(targets.return_delay, 1))
    fit = Fit(
        {SCALES[n]: 1.0 if n == "talk_seconds" else float(draft.value(SCALES[n])) for n in wanted},
        [float(x) for x in draft.value("arrivals.profile")],
        replications,
    )
    for round_ in range(1, MAX_ROUNDS + 1):
        _apply(draft, fit, base_needs)
        data = draft.data()
        tasks = [
            RunTask(f"fit-{round_}-{r}", "fit", r, seed + r, 0, {}, data)
            for r in range(replications)
        ]
        runs = sorted(executor.imap_unordered(fit_kpis, tasks), key=lambda r: r["seed"])
        fit.last_runs = runs
        row: dict[str, float] = {"round": round_, **fit.scales}
        for name, target in wanted.items():
            values = np.array([r[name] for r in runs], dtype=float)
            values = values[np.isfinite(values)]
            mean = float(values.mean()) if values.size else float("nan")
            row[name] = mean
            row[f"{name}_gap"] = abs(mean / target - 1) if values.size else float("inf")
            row[f"{name}_se"] = float(np.nan_to_num(_relative_se(values)))
            row[f"{name}_tol"] = max(TOLERANCE, 2 * row[f"{name}_se"])
        fit.rounds.append(row)
        if progress:
            progress(_progress_line(row, targets))
        if fit.converged or round_ == MAX_ROUNDS:
            break  # the last round's scales are the ones simulated and written
        for name, target in wanted.items():
            if np.isfinite(row[name]) and row[name] > 0:
                fit.scales[SCALES[name]] *= (target / row[name]) ** DAMPING
        if targets.by_interval is not None:
            fit.profile = _reshaped(fit.profile, targets.by_interval, runs)
        if "redial.probability" in fit.scales:
            fit.scales["redial.probability"] = min(fit.scales["redial.probability"], 1.0)
    _comment(draft, fit, targets)
    return fit


def _reshaped(profile: list[float], wanted: list[float], runs: list[dict[str, Any]]) -> list[float]:
    """The intraday profile moved towards the export's offered contacts per interval (failure
    demand and redials, hours after their first contact, flatten the simulated day), at mean 1:
    the rate carries the level."""
    simulated = np.mean([r["by_interval"] for r in runs], axis=0)
    target = np.asarray(wanted, dtype=float)
    ratio = np.where(np.isfinite(target) & (simulated > 0), target / simulated, 1.0)
    new = np.asarray(profile) * ratio**DAMPING
    return [float(x) for x in new / new.mean()] if new.mean() > 0 else profile


def _progress_line(row: dict[str, float], targets: Targets) -> str:
    text = (
        f"fitting round {row['round']}: offered {row['offered_per_day']:,.0f}/day (export "
        f"{targets.offered_per_day:,.0f}), talk {row['talk_seconds']:.0f} s (export "
        f"{targets.talk_seconds:.0f} s)"
    )
    if targets.return_share is not None:
        text += (
            f", returns within an hour of the abandoned {row['return_share']:.1%} (export "
            f"{targets.return_share:.1%})"
        )
    return text


def _apply(draft: Draft, fit: Fit, base_needs: dict[str, float]) -> None:
    """Write the current scales into the draft (plain floats, rounded as the file shows them)."""
    digits = {"redial.probability": 4}
    for key, value in fit.scales.items():
        if key != "need_factor":
            draft.update(key, round(float(value), digits.get(key, 2)))
    draft.update("arrivals.profile", [round(x, 3) for x in fit.profile])
    customers_for_rate(draft)
    factor = fit.scales.get("need_factor", 1.0)
    for name, need in base_needs.items():
        draft.update(f"demand.reasons.{name}.need_mean_seconds", round(float(need * factor), 1))


def _relative_se(values: np.ndarray) -> float:
    """Standard error of the mean of `values`, relative to the mean (NaN under two values)."""
    if values.size < 2 or values.mean() == 0:
        return float("nan")
    return float(values.std(ddof=1) / math.sqrt(values.size) / abs(values.mean()))


def _comment(draft: Draft, fit: Fit, targets: Targets) -> None:
    """Each fitted key's comment is its fitted estimate's (value, CI, method, what it matched),
    above the export's own estimate where there is one; the need factor's sits on the first
    reason."""
    for estimate in fit.estimates(targets):
        key = estimate.key
        if not key:
            draft.reported.append(estimate)
            continue
        if key == "demand.reasons.*.need_mean_seconds":
            key = f"demand.reasons.{_reasons(draft)[0]}.need_mean_seconds"
        section, _, name = key.rpartition(".")
        entry = draft.sections[section][name]
        entry.comments = [f"fitted: {estimate.comment()}", *entry.comments]


def _reasons(draft: Draft) -> list[str]:
    return [s.rsplit(".", 1)[1] for s in draft.sections if s.startswith("demand.reasons.")]
