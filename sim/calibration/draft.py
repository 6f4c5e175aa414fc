"""The calibrated scenario before it is written: the export's calendar and every estimate, for
the pure queue (what the export measures, nothing more) or the behavioural model (the same
queue, with customers, conversations and a management policy on top)."""

from __future__ import annotations

import datetime

from sim.calibration.records import Estimate, Export
from sim.calibration.scenario_file import Draft, calendar_entries
from sim.errors import ExportError
from sim.scenario import Scenario
from sim.version import __version__

MODELS = ("behavior", "queue")
QUEUE_ONLY = ("service.",)
"""Keys only the pure queue reads: with the behavioural layer, talk time comes from the
conversation, so the talk-time fit becomes the target the conversation need is scaled to."""

CUSTOMERS_PER_HOURLY_CALL = 1250
"""The default scenario's base: 250,000 customers for 200 value-demand calls an hour
(experiments/scenarios/baseline.toml); a calibrated center keeps that ratio, an assumption."""


def draft_scenario(
    export: Export, estimates: list[Estimate], model: str, policy: str, name: str
) -> Draft:
    """The scenario the estimates describe; `model` is "queue" or "behavior"."""
    if model not in MODELS:
        raise ValueError(f"model {model!r}: allowed {MODELS}")
    draft = Draft()
    dates = sorted(export.observed["date"].unique())
    draft.header = [
        f"Calibrated by ccsim {__version__} calibrate on {datetime.date.today().isoformat()} from",
        f"{export.source} ({export.rows:,} {export.kind} rows, {len(dates)} dates).",
        "Every estimated value carries a comment: the estimate, its 95 % CI, the method and",
        "how many rows it rests on; the other values are assumptions, said as such.",
        *(f"Reading the export: {note}" for note in export.notes),
    ]
    draft.set("name", name)
    draft.set("description", f"calibrated from {_short(export.source)} ({model} model)")
    calendar_entries(draft, export, warmup_days=2 if model == "queue" else 10)
    keys = {e.key for e in estimates if e.key}
    if "staffing.schedule" not in keys:
        raise ExportError(
            "the export says nothing of staffing: no agent column (per-contact export) and no "
            "staff column (interval export); add one to the mapping, or use an export that has it",
            source=export.source,
        )
    for estimate in estimates:
        if model == "behavior" and estimate.key.startswith(QUEUE_ONLY):
            continue
        draft.add(estimate)
    draft.set(
        "staffing.target_service_level",
        "none",
        "the measured schedule staffs every week (set a service level to let the planner size "
        "each week from the last one instead)",
    )
    if model == "queue":
        draft.set("behavior.enabled", False, "the pure queue: what the export measures")
        return draft
    draft.set("behavior.enabled", True, "customers, conversations, a policy and money on top")
    draft.set(
        "shifts.enabled",
        False,
        "the schedule is the staff the export saw on the phones, so no shifts are planned over it",
    )
    draft.set("policy.name", policy, "the preset closest to how the center is managed (given)")
    _patience_for_customers(draft)
    customers_for_rate(draft)
    return draft


def customers_for_rate(draft: Draft) -> None:
    """The customer base for the draft's value-demand rate (call again after fitting it)."""
    rate = float(draft.value("arrivals.rate_per_hour"))
    draft.set(
        "customers.population",
        max(1, round(CUSTOMERS_PER_HOURLY_CALL * rate)),
        f"assumption: {CUSTOMERS_PER_HOURLY_CALL:,} customers per value-demand call an hour, as "
        "in the default scenario (250,000 for 200 an hour): as many contacts per customer a year",
    )


def _patience_for_customers(draft: Draft) -> None:
    """The export's patience is the customers' patience mixed over their own factors (mean 1,
    lognormal with CV customers.patience_cv); the scenario's [patience] is what each factor
    multiplies. An exponential fit of censored waits measures the hazard of the first minutes,
    E[1 / (mean F)] = (1 + cv²) / mean: the mean is the fit's times (1 + cv²). A lognormal
    fit's CV holds the customers' spread too: (1 + cv_p²) = (1 + cv²) / (1 + cv_f²)."""
    if "patience" not in draft.sections or "mean_seconds" not in draft.sections["patience"]:
        return
    spread = Scenario().customers.patience_cv
    factor = 1 + spread**2
    entries = draft.sections["patience"]
    if entries["distribution"].value == "exponential":
        mean = entries["mean_seconds"]
        fitted = float(mean.value)
        mean.value = round(fitted * factor, 1)
        mean.comments.insert(
            0,
            f"the fit's {fitted:g} s times 1 + customers.patience_cv² = {factor:g}: the export "
            "mixes the customers' patience factors, the scenario multiplies them in (the "
            "censored fit sees the first minutes' hazard, (1 + cv²) / mean)",
        )
    elif entries["distribution"].value == "lognormal" and "cv" in entries:
        cv = entries["cv"]
        total = float(cv.value)
        own = max((1 + total**2) / factor - 1, 0.0) ** 0.5
        cv.value = round(max(own, 0.01), 3)
        cv.comments.insert(
            0,
            f"the fit's CV {total:g} less the customers' own spread (customers.patience_cv "
            f"{spread:g}): sqrt((1 + {total:g}²) / {factor:g} − 1)",
        )


def _short(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]
