"""All estimates of an export: each scenario key the export can tell, with its uncertainty,
method and rows, and what is only reported (key "")."""

from __future__ import annotations

from sim.calibration.arrivals import estimate_arrivals
from sim.calibration.handle_time import (
    estimate_handle_time,
    estimate_handle_time_from_intervals,
)
from sim.calibration.patience import estimate_patience, estimate_patience_from_intervals
from sim.calibration.records import Estimate, Export
from sim.calibration.redials import estimate_redials
from sim.calibration.staffing import estimate_schedule


def estimate_all(export: Export) -> list[Estimate]:
    """The estimates of a per-contact export (arrivals, handle time, patience, redials,
    staffing) or of an interval export (arrivals, AHT, patience by the ratio, staffing)."""
    estimates = estimate_arrivals(export.observed, export.weekdays)
    if export.contacts is not None:
        estimates += estimate_handle_time(export.contacts)
        estimates += estimate_patience(export.contacts)
        estimates += estimate_redials(export.contacts)
    else:
        estimates += estimate_handle_time_from_intervals(export.observed)
        estimates += estimate_patience_from_intervals(export.observed)
    return estimates + estimate_schedule(export.observed)
