"""Per-interval observations from per-contact records: offered, answered, abandoned, answered
within the service-level threshold, ASA, AHT and the staff on the phones, per date and interval. The
reading of a per-contact export uses it, and so can the validation (on simulated contacts)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibration.records import OBSERVED_COLUMNS, WEEKDAYS
from sim.calibration.sessions import BREAK_MINUTES, staff_on_phones


def clock(second: float) -> str:
    """'HH:MM' of seconds after midnight ('24:00' = midnight at the end)."""
    minutes = round(float(second)) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def grid(dates: list[pd.Timestamp], open_second: int, close_second: int, length: int):
    """Every (date, interval) of the opening hours on `dates`, with weekday and start."""
    starts = np.arange(open_second, close_second, length)
    dates = pd.DatetimeIndex(dates)
    frame = pd.DataFrame(
        {
            "date": np.repeat(dates.values, len(starts)),
            "interval": np.tile(np.arange(len(starts)), len(dates)),
        }
    )
    frame["weekday"] = [WEEKDAYS[d] for d in frame["date"].dt.weekday]
    frame["start"] = [clock(s) for s in starts[frame["interval"]]]
    frame["exposure"] = float(length)
    return frame


def observe(
    contacts: pd.DataFrame,
    dates: list[pd.Timestamp],
    open_second: int,
    close_second: int,
    interval_minutes: int,
    service_level_seconds: float,
    break_minutes: float = BREAK_MINUTES,
) -> pd.DataFrame:
    """The OBSERVED_COLUMNS table of `contacts` (CONTACT_COLUMNS; those outside the opening
    hours or `dates` are left out) for every interval of the opening hours on `dates`; the
    exposure is the full interval (the reader lowers it for daylight-saving and truncation).
    `staff` is the employees on the phones, time-averaged, from the agents' sessions of calls
    (sim/calibration/sessions.py; NaN when the contacts name no agent)."""
    length = interval_minutes * 60
    table = grid(dates, open_second, close_second, length)
    inside = (contacts["second"] >= open_second) & (contacts["second"] < close_second)
    c = contacts[inside & contacts["date"].isin(pd.DatetimeIndex(dates))]
    answered = c["answered"].astype(bool)
    keyed = pd.DataFrame(
        {
            "date": c["date"].values,
            "interval": ((c["second"] - open_second) // length).astype(int).values,
            "offered": 1,
            "answered": answered.astype(int).values,
            "abandoned": (~answered).astype(int).values,
            "answered_in_target": (answered & (c["wait"] <= service_level_seconds))
            .astype(int)
            .values,
            "_wait": c["wait"].where(answered).values,
            "_handle": (c["talk"] + c["acw"].fillna(0.0)).where(answered).values,
        }
    )
    sums = keyed.groupby(["date", "interval"]).agg(
        offered=("offered", "sum"),
        answered=("answered", "sum"),
        abandoned=("abandoned", "sum"),
        answered_in_target=("answered_in_target", "sum"),
        asa=("_wait", "mean"),
        aht=("_handle", "mean"),
    )
    table = table.merge(sums.reset_index(), on=["date", "interval"], how="left")
    for name in ("offered", "answered", "abandoned", "answered_in_target"):
        table[name] = table[name].fillna(0).astype(int)
    has_agent = "agent" in c and c["agent"].notna().any()
    if has_agent:
        staff = staff_on_phones(c, open_second, close_second, length, break_minutes)
        table = table.merge(staff, on=["date", "interval"], how="left")
        table["staff"] = table["staff"].fillna(0).astype(float)
    else:
        table["staff"] = np.nan
    return table[list(OBSERVED_COLUMNS)]
