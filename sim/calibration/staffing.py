"""Staffing: the employees logged in per interval of the day, averaged over the export's dates,
as the scenario's `[staffing] schedule`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibration.records import Estimate


def estimate_schedule(observed: pd.DataFrame) -> list[Estimate]:
    """`staffing.schedule`: per interval of the day, the mean over dates of the staff logged in
    (whole employees) the export covers (a cut-off or missing interval had no contacts because
    it was not exported, not because nobody worked); without staff, nothing set and a note."""
    staffed = observed[observed["staff"].notna() & (observed["exposure"] > 0)]
    if staffed.empty:
        return [
            Estimate(
                "",
                "no staffing",
                method="staff logged in per interval",
                note="the export gives no staff per interval: the schedule is to be sized",
            )
        ]
    intervals = int(observed["interval"].max()) + 1
    mean = staffed.groupby("interval")["staff"].mean().reindex(range(intervals))
    schedule = [0 if np.isnan(v) else round(float(v)) for v in mean]
    by_weekday = staffed.groupby("weekday")["staff"].mean()
    dates = staffed["date"].nunique()
    missing = [i for i, v in enumerate(mean) if np.isnan(v)]
    spread = (
        f"mean staff per weekday from {by_weekday.min():.1f} to {by_weekday.max():.1f} "
        f"({', '.join(f'{w} {v:.1f}' for w, v in by_weekday.items())}); the scenario holds one "
        "schedule for every weekday"
    )
    return [
        Estimate(
            "staffing.schedule",
            schedule,
            method="mean over dates of the staff logged in per interval, in whole employees",
            rows=len(staffed),
            note=f"{dates} dates; {spread}"
            + (f"; intervals {missing} never staffed in the export: 0" if missing else ""),
        )
    ]
