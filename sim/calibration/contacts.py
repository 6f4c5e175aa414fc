"""Reading a per-contact ACD export (CSV, CSV.gz or Parquet): each row one contact, checked
and normalized to records.CONTACT_COLUMNS, plus the observed intervals and the calendar found
in it. A bad export gets one line naming the row, the column, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.mapping import CONTACT_FIELDS, Mapping
from sim.calibration.observed import clock, observe
from sim.calibration.records import CONTACT_COLUMNS, WEEKDAYS, Export
from sim.calibration.table import read_fields, shown
from sim.calibration.times import day_seconds, exposure, local_times
from sim.errors import ExportError

REQUIRED = ["arrived_at", "outcome", "wait_seconds", "talk_seconds"]


def durations(raw: pd.Series, unit: str, column: str, source: str) -> pd.Series:
    """Seconds (float, NaN for an empty cell) of a duration column in `unit`; ExportError
    naming the first row that is not a duration or is negative."""
    present = raw.notna()
    if unit == "hh:mm:ss":
        text = raw[present].astype(str).str.strip()
        whole = text.where(text.str.count(":") != 1, "00:" + text)  # mm:ss
        seconds = pd.to_timedelta(whole, errors="coerce").dt.total_seconds()
        allowed = "a duration hh:mm:ss"
    else:
        seconds = pd.to_numeric(raw[present], errors="coerce").astype(float)
        seconds = seconds / 1000.0 if unit == "milliseconds" else seconds
        allowed = f"a number of {unit}"
    bad = seconds.isna() | ~np.isfinite(seconds)
    if bad.any():
        row = bad.idxmax()
        raise ExportError(
            f"row {row + 1}, column {column}: {shown(raw[row])} is not {allowed} (set "
            "duration_unit in the mapping: seconds, milliseconds or hh:mm:ss)",
            source,
        )
    negative = seconds < 0
    if negative.any():
        row = negative.idxmax()
        raise ExportError(
            f"row {row + 1}, column {column}: {shown(raw[row])} is negative; a duration is "
            "0 or more",
            source,
        )
    return seconds.reindex(raw.index)


def outcomes(raw: pd.Series, mapping: Mapping, column: str, source: str) -> pd.Series:
    """True for answered, False for abandoned (values compared without case or spaces)."""
    values = mapping.outcome_values
    meaning = {v.strip().casefold(): True for v in values.answered}
    meaning |= {v.strip().casefold(): False for v in values.abandoned}
    read = raw.astype(str).str.strip().str.casefold().map(meaning)
    bad = read.isna() | raw.isna()
    if bad.any():
        row = bad.idxmax()
        value = "empty" if pd.isna(raw[row]) else shown(raw[row])
        raise ExportError(
            f"row {row + 1}, column {column}: {value} is no outcome; allowed: answered "
            f"{values.answered}, abandoned {values.abandoned} (set [outcome_values] in the "
            "mapping)",
            source,
        )
    return read.astype(bool)


def _duplicates(table: pd.DataFrame, columns: list[str], source: str) -> None:
    """Refuse two identical rows (every column of the export equal), naming both."""
    part = table.astype(str)
    later = part.duplicated(keep="first")
    if later.any():
        second = later.idxmax()
        same = (part == part.loc[second]).all(axis=1)
        first = same.idxmax()
        raise ExportError(
            f"row {second + 1} duplicates row {first + 1} (every column equal, e.g. "
            f"{columns[0]} {shown(table.at[second, columns[0]])}); remove the repeated rows (two "
            "contacts need a column that tells them apart, e.g. a call id)",
            source,
        )


def _normalize(table: pd.DataFrame, cols: dict[str, str], mapping: Mapping, source: str):
    """The CONTACT_COLUMNS frame of the export's rows, and notes."""
    name = {ours: str(theirs) for ours, theirs in cols.items()}
    arrived, instant, notes = local_times(
        table[cols["arrived_at"]], mapping, name["arrived_at"], source
    )
    answered = outcomes(table[cols["outcome"]], mapping, name["outcome"], source)
    unit = mapping.duration_unit
    wait = durations(table[cols["wait_seconds"]], unit, name["wait_seconds"], source)
    if wait.isna().any():
        row = wait.isna().idxmax()
        raise ExportError(
            f"row {row + 1}, column {name['wait_seconds']}: empty; every contact needs its wait",
            source,
        )
    talk = durations(table[cols["talk_seconds"]], unit, name["talk_seconds"], source)
    missing = answered & talk.isna()
    if missing.any():
        row = missing.idxmax()
        raise ExportError(
            f"row {row + 1}, column {name['talk_seconds']}: empty for an answered contact; "
            "an answered contact needs its talk time",
            source,
        )
    if "acw_seconds" in cols:
        acw = durations(table[cols["acw_seconds"]], unit, name["acw_seconds"], source)
    else:
        acw = pd.Series(np.nan, index=table.index)
        notes.append(f"no column {mapping.column('acw_seconds')}: after-call work unknown")
    date = arrived.dt.normalize()
    frame = pd.DataFrame(
        {
            "row": table.index + 1,
            "_instant": instant,
            "arrived": arrived,
            "date": date,
            "weekday": [WEEKDAYS[d] for d in date.dt.weekday],
            "second": (arrived - date).dt.total_seconds(),
            "answered": answered,
            "wait": wait,
            "talk": talk.where(answered),
            "acw": acw.where(answered),
        }
    )
    for ours in ("agent", "queue", "caller", "code"):
        values = table[cols[ours]] if ours in cols else pd.Series(pd.NA, index=table.index)
        frame[ours] = values.astype("string").str.strip()
    frame = frame.sort_values(["_instant", "row"], kind="stable").reset_index(drop=True)
    return frame[list(CONTACT_COLUMNS)], notes


def read_contacts(path: str | Path, mapping: Mapping | None = None) -> Export:
    """Read, check and normalize a per-contact export: the contacts, the observed intervals
    (exposure 0 for daylight-saving gaps, truncated first and last days and open weekdays
    without any contact) and the opening hours and weekdays found in it."""
    mapping = mapping or Mapping()
    source = str(path)
    table, cols, empty = read_fields(path, mapping, CONTACT_FIELDS, REQUIRED)
    _duplicates(table, list(cols.values()), source)
    contacts, notes = _normalize(table, cols, mapping, source)
    if empty:
        notes.append(f"{empty:,} fully empty rows left out")
    minutes = mapping.interval_minutes or 15
    length = minutes * 60
    bins = (contacts["second"] // length).astype(int)
    open_second, close_second = int(bins.min()) * length, (int(bins.max()) + 1) * length
    weekdays = [d for d in WEEKDAYS if d in set(contacts["weekday"])]
    span = pd.date_range(contacts["date"].min(), contacts["date"].max(), freq="D")
    dates = [d for d in span if WEEKDAYS[d.weekday()] in weekdays]
    observed = observe(
        contacts,
        dates,
        open_second,
        close_second,
        minutes,
        mapping.service_level_seconds,
        mapping.break_minutes,
    )
    notes += _exposures(observed, contacts, length, open_second, mapping.timezone)
    return Export(
        source=source,
        kind="contacts",
        observed=observed,
        contacts=contacts,
        interval_minutes=minutes,
        open_from=clock(open_second),
        open_until=clock(close_second),
        weekdays=weekdays,
        timezone=mapping.timezone,
        service_level_seconds=mapping.service_level_seconds,
        notes=notes,
        failure_codes=list(mapping.failure_codes),
    )


def _exposures(
    observed: pd.DataFrame,
    contacts: pd.DataFrame,
    length: int,
    open_second: int,
    timezone: str | None,
) -> list[str]:
    """Set `observed.exposure` (in place) for daylight-saving days, dates without contacts
    and the truncated first and last day; notes saying what was done."""
    notes = []
    starts = open_second + observed["interval"].to_numpy() * length
    changed = []
    for date in observed["date"].unique():
        day = pd.Timestamp(date)
        if day_seconds(day, timezone) != 86400.0:
            rows = observed["date"] == day
            observed.loc[rows, "exposure"] = exposure(day, starts[rows], length, timezone)
            changed.append(f"{day:%Y-%m-%d} ({day_seconds(day, timezone) / 3600:g} hours)")
    if changed:
        notes.append(
            f"daylight-saving days in {timezone}: {', '.join(changed)}; the skipped hour has "
            "exposure 0, the repeated hour twice its length"
        )
    seen = set(contacts["date"])
    quiet = [pd.Timestamp(d) for d in observed["date"].unique() if pd.Timestamp(d) not in seen]
    if quiet:
        observed.loc[observed["date"].isin(quiet), "exposure"] = 0.0
        notes.append(
            f"{len(quiet)} open weekday dates without any contact left out (exposure 0; a "
            f"holiday or a gap in the export?): {', '.join(f'{d:%Y-%m-%d}' for d in quiet)}"
        )
    first, last = contacts.iloc[0], contacts.iloc[-1]
    first_bin = int((first["second"] - open_second) // length)
    last_bin = int((last["second"] - open_second) // length)
    head = (observed["date"] == first["date"]) & (observed["interval"] < first_bin)
    tail = (observed["date"] == last["date"]) & (observed["interval"] > last_bin)
    if head.any() or tail.any():
        observed.loc[head | tail, "exposure"] = 0.0
        begin, end = (
            clock(open_second + first_bin * length),
            clock(open_second + (last_bin + 1) * length),
        )
        notes.append(
            f"the export starts {first['date']:%Y-%m-%d} at {begin}"
            f" and ends {last['date']:%Y-%m-%d} at {end}:"
            f" {int(head.sum() + tail.sum())} intervals before and after left out (exposure 0)"
        )
    return notes
