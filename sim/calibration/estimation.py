"""All estimates of an export: each scenario key the export can tell, with its uncertainty,
method and rows, and what is only reported (key "")."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from sim.calibration.arrivals import estimate_arrivals
from sim.calibration.handle_time import (
    estimate_handle_time,
    estimate_handle_time_from_intervals,
)
from sim.calibration.patience import estimate_patience, estimate_patience_from_intervals
from sim.calibration.records import Estimate, Export
from sim.calibration.redials import estimate_redials, redial_contacts, wilson
from sim.calibration.sources import WILSON
from sim.calibration.staffing import estimate_schedule


def estimate_all(export: Export) -> list[Estimate]:
    """The estimates of a per-contact export (arrivals of fresh contacts, handle time, patience,
    redials, staffing) or of an interval export (arrivals, AHT, patience by the ratio,
    staffing)."""
    if export.contacts is None:
        return [
            *estimate_arrivals(export.observed, export.weekdays),
            *estimate_handle_time_from_intervals(export.observed),
            *estimate_patience_from_intervals(export.observed),
            *estimate_schedule(export.observed),
        ]
    return [
        *_fresh_arrivals(export, export.contacts),
        *estimate_handle_time(export.contacts),
        *estimate_patience(export.contacts),
        *estimate_redials(export.contacts),
        *_failure_demand(export),
        *estimate_schedule(export.observed),
    ]


def _failure_demand(export: Export) -> list[Estimate]:
    """The share of contacts whose code the mapping names as failure demand (`failure_codes`),
    reported beside the model's own failure demand (the behavioural fit's runs)."""
    contacts = export.contacts
    if not export.failure_codes or contacts is None or "code" not in contacts:
        return []
    coded = contacts["code"].dropna()
    if coded.empty:
        return [
            Estimate(
                "", "no failure demand", method="failure demand from codes",
                note="failure_codes are named but the export's code column is empty",
            )
        ]  # fmt: skip
    n, k = len(coded), int(coded.isin(export.failure_codes).sum())
    low, high = wilson(k, n)
    return [
        Estimate(
            "",
            round(k / n, 4),
            low,
            high,
            f"failure demand share: contacts coded {', '.join(export.failure_codes)} "
            f"(the mapping's failure_codes); Wilson CI ({WILSON})",
            n,
            "the behavioural model makes its own failure demand (unresolved issues, broken "
            "promises): its share under the calibrated policy is in the fitted values",
        )
    ]


def _fresh_arrivals(export: Export, contacts: pd.DataFrame) -> list[Estimate]:
    """Arrivals of fresh contacts: the offered less the redials caller ids reveal (the scenario
    adds its own redials, so counting them in the rate would count them twice)."""
    redials = contacts[redial_contacts(contacts)]
    if redials.empty:
        return estimate_arrivals(export.observed, export.weekdays)
    hours, minutes = (int(part) for part in export.open_from.split(":"))
    interval = (redials["second"] - (hours * 3600 + minutes * 60)) // (export.interval_minutes * 60)
    counts = pd.DataFrame(
        {"date": redials["date"], "interval": interval.astype(int)}
    ).value_counts()
    observed = export.observed
    keys = pd.MultiIndex.from_frame(observed[["date", "interval"]])
    less = counts.reindex(keys, fill_value=0).to_numpy()
    fresh = observed.assign(offered=np.maximum(observed["offered"].to_numpy() - less, 0))
    note = f"fresh contacts: offered less {len(redials):,} redials found by caller id"
    return [
        replace(e, note=f"{e.note}; {note}") if e.key == "arrivals.rate_per_hour" else e
        for e in estimate_arrivals(fresh, export.weekdays)
    ]
