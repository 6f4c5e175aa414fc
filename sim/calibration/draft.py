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

DEFAULT_RATE = Scenario().arrivals.rate_per_hour
DEFAULT_POPULATION = Scenario().customers.population


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
    rate = float(draft.value("arrivals.rate_per_hour"))
    draft.set(
        "customers.population",
        max(1, round(DEFAULT_POPULATION * rate / DEFAULT_RATE)),
        f"assumption: as many contacts per customer a year as the default center "
        f"({DEFAULT_POPULATION:,} customers for {DEFAULT_RATE:g} calls an hour)",
    )
    return draft


def _short(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]
