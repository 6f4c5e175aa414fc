"""Dates and times of an export: parsed to the center's local wall-clock time (offsets
converted to the mapping's time zone), and the seconds each interval of a day actually
lasted (daylight-saving days have 23 or 25 hours)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calibration.mapping import Mapping
from sim.calibration.table import shown
from sim.errors import ExportError

OFFSET = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$"
"""A UTC offset at the end of an ISO 8601 time: Z, +01, +0100 or +01:00."""


def _offset(text: str) -> str:
    """An offset written as +HH:MM (Z as +00:00)."""
    if text == "Z":
        return "+00:00"
    digits = text[1:].replace(":", "")
    return f"{text[0]}{digits[:2]}:{digits[2:4] or '00'}"


def local_times(
    raw: pd.Series, mapping: Mapping, column: str, source: str
) -> tuple[pd.Series, pd.Series, list[str]]:
    """The center's local wall-clock times (naive datetime64[ns]) of a column of dates and
    times, the instants they name (naive UTC; the local times themselves without a time
    zone) to order them by, and notes on what was converted; ExportError naming the first
    bad row otherwise. The index of `raw` is the 0-based data row."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return _typed_times(raw, mapping, column, source)
    text = raw.astype(str).str.strip()
    fmt = mapping.datetime_format
    if fmt is not None:
        has = pd.Series("%z" in fmt or "%Z" in fmt, index=text.index)
    else:
        has = text.str.contains(OFFSET.replace("(Z", "(?:Z"), regex=True)
    if has.any() and not has.all():
        with_, without = has.idxmax(), (~has).idxmax()
        raise ExportError(
            f"row {without + 1}, column {column}: {shown(text[without])} carries no UTC offset "
            f"but row {with_ + 1} ({shown(text[with_])}) does; a mix of times with and without "
            "offsets is ambiguous: give every time its offset, or none",
            source,
        )
    parsed = pd.to_datetime(text, format=fmt or "ISO8601", errors="coerce", utc=bool(has.all()))
    bad = parsed.isna()
    if bad.any():
        row = bad.idxmax()
        wanted = f"the format {fmt!r}" if fmt else "ISO 8601, e.g. '2026-03-02 08:15:00'"
        value = "empty" if pd.isna(raw[row]) else shown(text[row])
        raise ExportError(
            f"row {row + 1}, column {column}: {value} is not a date and time "
            f"({wanted}; set datetime_format in the mapping for another format)",
            source,
        )
    if not has.all():
        return _naive(parsed, mapping.timezone, column, source)
    offsets = text.str.extract(OFFSET, expand=False).map(_offset)
    distinct = list(dict.fromkeys(offsets))
    if mapping.timezone:
        local = parsed.dt.tz_convert(mapping.timezone).dt.tz_localize(None)
        instant = parsed.dt.tz_localize(None)
        note = f"times carrying UTC offsets ({', '.join(distinct)}) converted to {mapping.timezone}"
        if len(distinct) > 1:
            counts = offsets.value_counts()
            note += f" ({', '.join(f'{n:,} rows at {o}' for o, n in counts.items())})"
        return local, instant, [note]
    if len(distinct) > 1:
        other = (offsets != distinct[0]).idxmax()
        raise ExportError(
            f"row {other + 1}, column {column}: {shown(text[other])} carries the offset "
            f"{offsets[other]} but row {offsets.index[0] + 1} carries {distinct[0]}: offsets "
            "from more than one time zone (or a daylight-saving change); name the center's "
            'time zone in the mapping, e.g. timezone = "Europe/Amsterdam"',
            source,
        )
    sign = -1 if distinct[0].startswith("-") else 1
    shift = sign * (int(distinct[0][1:3]) * 3600 + int(distinct[0][4:6]) * 60)
    local = parsed.dt.tz_localize(None) + pd.Timedelta(shift, "s")
    note = f"every time carries the offset {distinct[0]}: read as the local time there"
    return local, parsed.dt.tz_localize(None), [note]


def _typed_times(
    raw: pd.Series, mapping: Mapping, column: str, source: str
) -> tuple[pd.Series, pd.Series, list[str]]:
    """Local times and instants of a column that is already datetime (Parquet)."""
    if raw.dt.tz is None:
        return _naive(raw.astype("datetime64[ns]"), mapping.timezone, column, source)
    zone = mapping.timezone or str(raw.dt.tz)
    if zone in ("UTC", "utc") and not mapping.timezone:
        raise ExportError(
            f"column {column}: the times are UTC; name the center's time zone in the mapping, "
            'e.g. timezone = "Europe/Amsterdam"',
            source,
        )
    local = raw.dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[ns]")
    instant = raw.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    return local, instant, [f"times of column {column} converted to {zone}"]


def _naive(
    parsed: pd.Series, timezone: str | None, column: str, source: str
) -> tuple[pd.Series, pd.Series, list[str]]:
    """Local times without an offset: refuse those that do not exist in `timezone` (the
    spring-forward gap); those in the repeated autumn hour are placed in the order of the
    export's rows (the first pass until a time goes back, then the second)."""
    if not timezone:
        return parsed, parsed, []
    standard = np.zeros(len(parsed), dtype=bool)
    placed = parsed.dt.tz_localize(timezone, ambiguous=standard, nonexistent="NaT")
    missing = placed.isna()
    if missing.any():
        row = missing.idxmax()
        raise ExportError(
            f"row {row + 1}, column {column}: '{parsed[row]}' does not exist in {timezone} (the "
            "clocks jump forward that night); a time in the daylight-saving gap",
            source,
        )
    twice = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT").isna()
    if not twice.any():
        return parsed, placed.dt.tz_convert("UTC").dt.tz_localize(None), []
    first_pass = pd.Series(True, index=parsed.index)
    repeated = parsed[twice]
    for _, times in repeated.groupby(repeated.dt.normalize()):
        first_pass[times.index] = ~(times < times.cummax()).cummax().to_numpy()
    placed = parsed.dt.tz_localize(timezone, ambiguous=first_pass.to_numpy())
    note = (
        f"{int(twice.sum()):,} times fall in the hour {timezone} repeats when the clocks go "
        "back (placed in the order of the rows); that interval counts double exposure"
    )
    return parsed, placed.dt.tz_convert("UTC").dt.tz_localize(None), [note]


def day_seconds(date: pd.Timestamp, timezone: str | None) -> float:
    """How long the local day `date` lasted: 86,400 seconds but on daylight-saving days."""
    date = pd.Timestamp(date)
    if not timezone:
        return 86400.0
    ends = pd.DatetimeIndex([date, date + pd.Timedelta(1, "D")]).tz_localize(
        timezone, ambiguous=np.array([True, True]), nonexistent="shift_forward"
    )
    return (ends[1] - ends[0]).total_seconds()


def exposure(
    date: pd.Timestamp, starts: np.ndarray, length: int, timezone: str | None
) -> np.ndarray:
    """Seconds each interval [start, start + length) (seconds after local midnight) of `date`
    actually lasted: the length, but 0 for the hour skipped in spring and twice the length
    for the hour repeated in autumn."""
    starts = np.asarray(starts, dtype=float)
    if day_seconds(date, timezone) == 86400.0:
        return np.full(len(starts), float(length))
    midnight = pd.Timestamp(date).tz_localize(timezone, ambiguous=True, nonexistent="shift_forward")
    minutes = pd.date_range(
        midnight - pd.Timedelta(3, "h"), midnight + pd.Timedelta(27, "h"), freq="min"
    )
    local = minutes.tz_convert(timezone).tz_localize(None)
    second = (local - pd.Timestamp(date)).total_seconds().to_numpy()
    second = second[(second >= 0) & (second < 86400)]
    counts = [np.count_nonzero((second >= a) & (second < a + length)) for a in starts]
    return np.asarray(counts, dtype=float) * 60.0
