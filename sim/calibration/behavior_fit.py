"""The behavioural model's two free scales, set by simulation so that the scenario's policy
reproduces the export: the value-demand rate (failure demand and redials come on top of it, so
the offered volume is an outcome) and the conversation need (talk time is an outcome of need,
skill, pressure and load). Each is scaled by the ratio of measured to simulated until both
agree within their replications' noise (a fixed-point iteration; both respond nearly in
proportion)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.calibration.scenario_file import Draft
from sim.experiments.design import RunTask
from sim.experiments.executors import Executor, SerialExecutor
from sim.metrics import run
from sim.scenario import Scenario
from sim.scenario.scenario import validate

MAX_ROUNDS = 6
TOLERANCE = 0.01
"""Stop when both ratios are within 1 % of one (or within two standard errors of the
replications' means, whichever is wider)."""


@dataclass(frozen=True)
class Targets:
    """What the export measured: contacts offered per measured day and mean talk seconds of
    the answered."""

    offered_per_day: float
    talk_seconds: float


@dataclass
class Fit:
    """The scales found and each round's simulated figures."""

    rate_per_hour: float
    need_factor: float
    rounds: list[dict[str, float]] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        last = self.rounds[-1]
        return last["offered_gap"] <= last["offered_tol"] and last["talk_gap"] <= last["talk_tol"]


def fit_kpis(task: RunTask) -> dict[str, Any]:
    """One run's offered contacts per measured day and mean talk seconds of the answered."""
    scenario = validate(task.scenario)
    result = run(scenario, seed=task.seed)
    answered = result.calls["outcome"] == "answered"
    return {
        "offered_per_day": float(result.kpis["offered"]) / scenario.calendar.days,
        "talk_seconds": float(result.calls.loc[answered, "talk_time"].mean()),
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
    fit = Fit(rate_per_hour=float(draft.value("arrivals.rate_per_hour")), need_factor=1.0)
    for round_ in range(1, MAX_ROUNDS + 1):
        _apply(draft, fit, base_needs)
        data = draft.data()
        tasks = [
            RunTask(f"fit-{round_}-{r}", "fit", r, seed + r, 0, {}, data)
            for r in range(replications)
        ]
        runs = list(executor.imap_unordered(fit_kpis, tasks))
        offered = np.array([r["offered_per_day"] for r in runs])
        talk = np.array([r["talk_seconds"] for r in runs])
        row = {
            "round": round_,
            "rate_per_hour": fit.rate_per_hour,
            "need_factor": fit.need_factor,
            "offered_per_day": float(offered.mean()),
            "talk_seconds": float(talk.mean()),
            "offered_gap": abs(offered.mean() / targets.offered_per_day - 1),
            "talk_gap": abs(talk.mean() / targets.talk_seconds - 1),
            "offered_tol": max(TOLERANCE, 2 * _relative_se(offered)),
            "talk_tol": max(TOLERANCE, 2 * _relative_se(talk)),
        }
        fit.rounds.append(row)
        if progress:
            progress(
                f"fitting round {round_}: offered {row['offered_per_day']:,.0f}/day "
                f"(export {targets.offered_per_day:,.0f}), talk {row['talk_seconds']:.0f} s "
                f"(export {targets.talk_seconds:.0f} s)"
            )
        if fit.converged:
            break
        fit.rate_per_hour *= targets.offered_per_day / offered.mean()
        fit.need_factor *= targets.talk_seconds / talk.mean()
    _comment(draft, fit, targets, replications)
    return fit


def _apply(draft: Draft, fit: Fit, base_needs: dict[str, float]) -> None:
    draft.set("arrivals.rate_per_hour", round(fit.rate_per_hour, 2))
    for name, need in base_needs.items():
        draft.set(f"demand.reasons.{name}.need_mean_seconds", round(need * fit.need_factor, 1))


def _relative_se(values: np.ndarray) -> float:
    if values.size < 2 or values.mean() == 0:
        return 0.0
    return float(values.std(ddof=1) / math.sqrt(values.size) / abs(values.mean()))


def _comment(draft: Draft, fit: Fit, targets: Targets, replications: int) -> None:
    """Say on each fitted key what it was fitted to, and how closely."""
    last = fit.rounds[-1]
    state = "converged" if fit.converged else "NOT converged (see calibration report)"
    rate_entry = draft.sections["arrivals"]["rate_per_hour"]
    rate_entry.comments = [
        f"value demand only: fitted by simulation ({len(fit.rounds)} rounds of {replications} "
        f"runs, {state}) so that the policy's offered contacts, with failure demand and "
        f"redials on top, match the export's {targets.offered_per_day:,.0f} a day "
        f"(simulated {last['offered_per_day']:,.0f})",
        *rate_entry.comments,
    ]
    first = next(iter(draft.sections["demand.reasons." + n] for n in _reasons(draft)))
    first["need_mean_seconds"].comments = [
        f"every reason's need is the default's times {fit.need_factor:.3f}, fitted by "
        f"simulation so that the policy's mean talk time matches the export's "
        f"{targets.talk_seconds:.0f} s (simulated {last['talk_seconds']:.0f} s; {state})"
    ]


def _reasons(draft: Draft) -> list[str]:
    return [s.rsplit(".", 1)[1] for s in draft.sections if s.startswith("demand.reasons.")]
