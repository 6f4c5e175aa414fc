"""Reading an interval export (per 15 or 30 minutes: offered, answered, abandoned, ASA, AHT,
service level, staff): checked (the intervals must tile each day), normalized to the observed
intervals, with the calendar found in it. Daylight-saving days are accepted when the mapping
names the time zone, refused with naive times that repeat or skip an hour."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.contacts import durations
from sim.calibration.mapping import INTERVAL_FIELDS, Mapping
from sim.calibration.observed import clock, grid
from sim.calibration.records import OBSERVED_COLUMNS, Export
from sim.calibration.table import read_fields, shown
from sim.calibration.times import day_seconds, exposure, local_times
from sim.errors import ExportError

REQUIRED = ["interval_start", "offered", "answered", "abandoned"]
ZONE_HINT = 'name the center\'s time zone in the mapping (timezone = "Europe/Amsterdam")'


def counts(raw: pd.Series, column: str, source: str, whole: bool = True) -> pd.Series:
    """Non-negative numbers (whole ones when `whole`) of a count column, NaN when empty."""
    number = pd.to_numeric(raw, errors="coerce").astype(float)
    kind = "a whole number" if whole else "a number"
    bad = (number.isna() & raw.notna()) | (number < 0) | ~np.isfinite(number.fillna(0))
    if whole:
        bad |= number.notna() & (number != number.round())
    if bad.any():
        row = bad.idxmax()
        raise ExportError(
            f"row {row + 1}, column {column}: {shown(raw[row])} is not {kind} 0 or more", source
        )
    return number


def _service_level(raw: pd.Series, column: str, source: str) -> tuple[pd.Series, list[str]]:
    """Service level as a share 0..1; a percent column (any value above 1) is divided by 100."""
    level = counts(raw, column, source, whole=False)
    if level.max() > 1:
        high = level > 100
        if high.any():
            row = high.idxmax()
            raise ExportError(
                f"row {row + 1}, column {column}: {shown(raw[row])} is above 100 %; a service "
                "level is a share 0..1 or a percent 0..100",
                source,
            )
        return level / 100.0, [f"column {column} read as a percent 0..100"]
    return level, []


def _read(table: pd.DataFrame, cols: dict[str, str], mapping: Mapping, source: str):
    """The rows as numbers: a frame with arrived (local start), date, second, counts, asa,
    aht, answered_in_target, staff; and notes."""
    name = {ours: str(theirs) for ours, theirs in cols.items()}
    start, _, notes = local_times(
        table[cols["interval_start"]], mapping, name["interval_start"], source
    )
    rows = pd.DataFrame({"row": table.index + 1, "start": start, "date": start.dt.normalize()})
    rows["second"] = (rows["start"] - rows["date"]).dt.total_seconds()
    for ours in ("offered", "answered", "abandoned"):
        rows[ours] = counts(table[cols[ours]], name[ours], source).fillna(0).astype(int)
    over = rows["answered"] + rows["abandoned"] > rows["offered"]
    if over.any():
        i = over.idxmax()
        raise ExportError(
            f"row {i + 1}, columns {name['answered']} + {name['abandoned']}: "
            f"{rows.at[i, 'answered']} + {rows.at[i, 'abandoned']} is more than "
            f"{name['offered']} {rows.at[i, 'offered']}",
            source,
        )
    under = rows["answered"] + rows["abandoned"] < rows["offered"]
    if under.any():
        notes.append(
            f"{int(under.sum()):,} intervals answer and abandon fewer than they were offered "
            f"(first: row {under.idxmax() + 1}); the rest counted as neither"
        )
    for ours, target in (("asa_seconds", "asa"), ("aht_seconds", "aht")):
        rows[target] = (
            durations(table[cols[ours]], mapping.duration_unit, name[ours], source)
            if ours in cols
            else np.nan
        )
    rows["staff"] = (
        counts(table[cols["staff"]], name["staff"], source, whole=False)
        if ("staff" in cols)
        else np.nan
    )
    if "answered_in_target" in cols:
        column = name["answered_in_target"]
        rows["answered_in_target"] = counts(table[cols["answered_in_target"]], column, source)
    elif "service_level" in cols:
        level, more = _service_level(table[cols["service_level"]], name["service_level"], source)
        rows["answered_in_target"] = (level * rows["offered"]).round()
        notes += [*more, "answered within target = service level x offered"]
    else:
        rows["answered_in_target"] = np.nan
    return rows, notes


def _length(rows: pd.DataFrame, mapping: Mapping) -> int:
    """The interval length in seconds: the mapping's, or the commonest step between starts."""
    if mapping.interval_minutes:
        return mapping.interval_minutes * 60
    steps = rows.sort_values("start").groupby("date")["second"].diff().dropna()
    steps = steps[steps > 0]
    return int(steps.mode().iloc[0]) if len(steps) else 15 * 60


def _tiles(rows: pd.DataFrame, length: int, timezone: str | None, source: str) -> None:
    """Refuse starts off the grid, repeated intervals (but a daylight-saving repeat in a named
    time zone) and gaps inside a day (but the skipped daylight-saving hour)."""
    off = rows["second"] % length != 0
    if off.any():
        i = off.idxmax()
        raise ExportError(
            f"row {rows.at[i, 'row']}, column interval_start: {rows.at[i, 'start']} is not on "
            f"the {length // 60}-minute grid of the other intervals (an overlap or an interval "
            "of another length); the intervals must tile the day",
            source,
        )
    for date, day in rows.groupby("date"):
        wall = np.sort(day["second"].unique())
        seconds = exposure(pd.Timestamp(date), wall, length, timezone)
        repeat = day[day.duplicated("second", keep=False)].sort_values("row")
        for second, twins in repeat.groupby("second", sort=True):
            place = np.searchsorted(wall, second)
            if len(twins) == 2 and seconds[place] > length:
                continue  # the hour repeated when the clocks go back, in a named time zone
            hint = "" if timezone else f"; if the clocks went back that night, {ZONE_HINT}"
            rows_named = twins["row"].tolist()
            raise ExportError(
                f"date {date:%Y-%m-%d}: the interval at {clock(second)} appears "
                f"{len(twins)} times (rows {', '.join(map(str, rows_named[:-1]))} and "
                f"{rows_named[-1]}){hint}",
                source,
            )
        for a, b in itertools.pairwise(wall):
            missing = np.arange(a + length, b, length)
            if len(missing) and exposure(pd.Timestamp(date), missing, length, timezone).any():
                hint = "" if timezone else f"; if the clocks jumped forward that night, {ZONE_HINT}"
                raise ExportError(
                    f"date {date:%Y-%m-%d}: no interval from {clock(a + length)} to {clock(b)} "
                    f"(between the rows at {clock(a)} and {clock(b)}); the intervals must tile "
                    f"the day{hint}",
                    source,
                )


def read_intervals(path: str | Path, mapping: Mapping | None = None) -> Export:
    """Read, check and normalize an interval export into the observed intervals."""
    mapping = mapping or Mapping(kind="intervals")
    source = str(path)
    table, cols, empty = read_fields(path, mapping, INTERVAL_FIELDS, REQUIRED)
    rows, notes = _read(table, cols, mapping, source)
    if empty:
        notes.append(f"{empty:,} fully empty rows left out")
    length = _length(rows, mapping)
    _tiles(rows, length, mapping.timezone, source)
    open_second = int(rows["second"].min())
    close_second = int(rows["second"].max()) + length
    weekdays = [
        d
        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        if d in set(rows["date"].dt.day_name().str[:3].str.lower())
    ]
    span = pd.date_range(rows["date"].min(), rows["date"].max(), freq="D")
    dates = [d for d in span if d.day_name()[:3].lower() in weekdays]
    observed, more = _observed(rows, dates, open_second, close_second, length, mapping.timezone)
    return Export(
        source=source,
        kind="intervals",
        observed=observed,
        contacts=None,
        interval_minutes=length // 60,
        open_from=clock(open_second),
        open_until=clock(close_second),
        weekdays=weekdays,
        timezone=mapping.timezone,
        service_level_seconds=mapping.service_level_seconds,
        notes=notes + more,
    )


def _observed(rows, dates, open_second, close_second, length, timezone):
    """The OBSERVED_COLUMNS table: the rows summed per (date, interval) (a repeated
    daylight-saving hour is two rows), exposure 0 where the export has no row."""
    keyed = rows.assign(
        interval=((rows["second"] - open_second) // length).astype(int),
        _wait=rows["asa"] * rows["answered"],
        _handle=rows["aht"] * rows["answered"],
    )
    sums = keyed.groupby(["date", "interval"]).agg(
        offered=("offered", "sum"),
        answered=("answered", "sum"),
        abandoned=("abandoned", "sum"),
        answered_in_target=("answered_in_target", lambda s: s.sum(min_count=len(s))),
        _wait=("_wait", lambda s: s.sum(min_count=len(s))),
        _handle=("_handle", lambda s: s.sum(min_count=len(s))),
        staff=("staff", "mean"),
    )
    table = grid(dates, open_second, close_second, length).drop(columns="exposure")
    table = table.merge(sums.reset_index(), on=["date", "interval"], how="left", indicator=True)
    listed = (table.pop("_merge") == "both").to_numpy()
    answered = table["answered"].where(table["answered"] > 0)
    table["asa"] = table.pop("_wait") / answered
    table["aht"] = table.pop("_handle") / answered
    for name in ("offered", "answered", "abandoned"):
        table[name] = table[name].fillna(0).astype(int)
    starts = open_second + table["interval"].to_numpy() * length
    table["exposure"] = float(length)
    notes, changed = [], []
    for date in table["date"].unique():
        day = pd.Timestamp(date)
        if day_seconds(day, timezone) != 86400.0:
            at = (table["date"] == day).to_numpy()
            table.loc[at, "exposure"] = exposure(day, starts[at], length, timezone)
            changed.append(f"{day:%Y-%m-%d} ({day_seconds(day, timezone) / 3600:g} hours)")
    if changed:
        notes.append(f"daylight-saving days in {timezone}: {', '.join(changed)}")
    absent = ~listed & (table["exposure"] > 0).to_numpy()
    if absent.any():
        table.loc[absent, "exposure"] = 0.0
        days = sorted({f"{d:%Y-%m-%d}" for d in table.loc[absent, "date"]})
        notes.append(
            f"{int(absent.sum()):,} intervals of the opening hours have no row (exposure 0), on "
            f"{len(days)} dates: {', '.join(days[:5])}{' ...' if len(days) > 5 else ''}"
        )
    return table[list(OBSERVED_COLUMNS)], notes
