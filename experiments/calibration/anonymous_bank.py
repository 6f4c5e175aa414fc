"""Turn the "Anonymous Bank" call-center log into a per-contact export `ccsim calibrate` reads.

The data: one year (1999) of calls to the call center of an anonymous Israeli bank, published
by the Technion SEE Center (Service Enterprise Engineering, Technion - Israel Institute of
Technology), https://see-center.iem.technion.ac.il/databases/AnonymousBank/ , and analysed in
Brown, Gans, Mandelbaum, Sakov, Shen, Zeltyn and Zhao (2005), "Statistical analysis of a
telephone call center: a queueing-science perspective", JASA 100(469):36-50.
Acknowledgement, as the Technion documentation asks: the data were made available by the
Technion SEE Center (Service Enterprise Engineering Center, Faculty of Industrial Engineering
and Management, Technion). The data are not part of ccsim; download them from the SEE Center.

Usage:

    python experiments/calibration/anonymous_bank.py august.txt --out august_export.csv.gz
    python experiments/calibration/anonymous_bank.py august_calls.ods --year 1999 --types PS,NE \\
        --out ps_ne.csv

Input: a month file as the SEE Center distributes it (text, tab- or comma-separated, with the
header line vru+line, call_id, customer_id, priority, type, date, vru_entry, vru_exit, vru_time,
q_start, q_exit, q_time, outcome, ser_start, ser_exit, ser_time, server), or a LibreOffice
spreadsheet (.ods) with the same columns on its first sheet (read streaming: a month's
content.xml is ~100 MB). A file without a `date` column (one day) needs `--date`.

Output, one row per contact that reached the agents' queue, in ccsim's default columns:
- arrived_at: local time of the bank (naive ISO 8601). The arrival at the queue is `vru_exit`:
  every call first passes the bank's voice response unit (VRU), where it is not waiting for an
  agent, so the time in the VRU is neither wait nor patience.
- outcome: `answered` (AGENT) or `abandoned` (HANG).
- wait_seconds: q_time. talk_seconds: ser_time of the answered (empty for the abandoned).
- acw_seconds: 0 for the answered: the log has no after-call work, so talk is the handle time.
- agent: server; queue: type (PS regular, PE English, NW new customer, NE stock exchange,
  IN internet, TT, AA); caller: customer_id (empty when 0, the unidentified callers).
Rows left out, each counted in the summary: PHANTOM calls (not real calls); HANG calls that never
entered the queue (q_time 0 and no q_start): callers who hung up in the VRU, before asking for an
agent, which are not abandonments of the agents' queue; rows of types not asked for (--types).
Midnight: the date is the day the call entered the VRU; a vru_exit more than 12 hours before
vru_entry (a call crossing midnight) belongs to the next day. A vru_exit a little before
vru_entry (a negative vru_time: the log has a few, a clock error) stays on the same day: q_start
agrees with vru_exit. agent is empty where the log says NO_SERVER (it has answered calls so).
The script prints a summary: rows read, rows dropped per reason, dates, calls per weekday.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

FIELDS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
NEEDED = ("type", "vru_entry", "vru_exit", "q_start", "q_time", "outcome", "ser_time", "server")
OUTCOMES = {"AGENT": "answered", "HANG": "abandoned"}
EXPORT_COLUMNS = (
    "arrived_at",
    "outcome",
    "wait_seconds",
    "talk_seconds",
    "acw_seconds",
    "agent",
    "queue",
    "caller",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NO_TIME = "0:00:00"  # the log's q_start / ser_start of a call that never got there
NO_SERVER = "NO_SERVER"  # the log's server of a call no agent took: written as no agent
HALF_DAY = 43200  # vru_exit this much before vru_entry is the next day; less is a clock error

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TIME = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})$")


class BankError(ValueError):
    """A row or column of the bank's log that cannot be read (one line: row, column, value)."""


# --- reading -----------------------------------------------------------------------------------


def _ods_cell(cell: ET.Element) -> str:
    """A spreadsheet cell's value as text: the date, the number, or the text it shows."""
    for attribute in ("date-value", "value"):
        value = cell.get(_OFFICE + attribute)
        if value is not None:
            return value
    return "".join(cell.itertext())


def ods_rows(path: Path) -> Iterator[list[str]]:
    """The rows of the first sheet of an .ods file, streaming (the XML is never held whole).
    Repeated cells and rows (`table:number-columns-repeated`, `number-rows-repeated`) are
    expanded; trailing empty cells and empty rows (a sheet's padding) are dropped."""
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        depth = 0  # inside the first table
        for event, element in ET.iterparse(content, events=("start", "end")):
            if element.tag != _TABLE + "table":
                if event == "end" and element.tag == _TABLE + "table-row" and depth:
                    row: list[str] = []
                    for cell in element:
                        repeat = int(cell.get(_TABLE + "number-columns-repeated", "1"))
                        row.extend([_ods_cell(cell)] * min(repeat, len(FIELDS) + 2))
                    while row and row[-1] == "":
                        row.pop()
                    repeat = int(element.get(_TABLE + "number-rows-repeated", "1"))
                    element.clear()
                    if row:  # a repeated non-empty row is that many identical rows
                        yield from (list(row) for _ in range(repeat))
                continue
            if event == "start":
                depth += 1
            else:
                return  # the first sheet is done; further sheets are not read


def text_rows(path: Path) -> Iterator[list[str]]:
    """The rows of a text log (.txt/.csv/.tsv, optionally .gz), tab- or comma-separated."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        first = handle.readline()
        delimiter = "\t" if "\t" in first else ","
        yield from csv.reader(io.StringIO(first), delimiter=delimiter)
        for row in csv.reader(handle, delimiter=delimiter):
            if any(field.strip() for field in row):
                yield row


def read_log(path: Path) -> pd.DataFrame:
    """The bank's log as a frame of text columns named by its header (leading unnamed columns,
    e.g. a spreadsheet's index, are dropped); `line` is the row's line in the file."""
    rows = ods_rows(path) if path.suffix == ".ods" else text_rows(path)
    try:
        header = [name.strip().lower() for name in next(rows)]
    except StopIteration:
        raise BankError(f"{path}: the file is empty") from None
    missing = [name for name in NEEDED if name not in header]
    if missing:
        raise BankError(
            f"{path}: columns {', '.join(missing)} are missing (found: {', '.join(header)}); "
            f"the Anonymous Bank log has {', '.join(FIELDS)}"
        )
    records = [row + [""] * (len(header) - len(row)) for row in rows]
    frame = pd.DataFrame([r[: len(header)] for r in records], columns=header, dtype=str)
    frame = frame.loc[:, [name for name in header if name]].apply(lambda c: c.str.strip())
    frame.insert(0, "line", range(2, len(frame) + 2))
    return frame


# --- converting --------------------------------------------------------------------------------


def _seconds(value: str, line: int, column: str) -> int:
    """H:MM:SS as seconds after midnight."""
    match = _TIME.match(value)
    if not match:
        raise BankError(f"row {line}, column {column}: {value!r} is not a time of day (H:MM:SS)")
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _number(value: str, line: int, column: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not number >= 0:
        raise BankError(f"row {line}, column {column}: {value!r} is not a number of seconds >= 0")
    return number


def parse_date(value: str, line: int, year: int | None = None) -> dt.date:
    """The log's date: yymmdd (990801, the SEE Center's files), yyyymmdd or yyyy-mm-dd (a
    spreadsheet's date); `year` replaces the year (the .ods copy says 2010 for 1999)."""
    text = value.strip()[:10]
    try:
        if re.fullmatch(r"\d{6}", text):
            day = dt.datetime.strptime(text, "%y%m%d").date()
        elif re.fullmatch(r"\d{8}", text):
            day = dt.datetime.strptime(text, "%Y%m%d").date()
        else:
            day = dt.date.fromisoformat(text)
    except ValueError:
        raise BankError(
            f"row {line}, column date: {value!r} is not a date (yymmdd or yyyy-mm-dd)"
        ) from None
    return day.replace(year=year) if year else day


def convert(
    log: pd.DataFrame,
    types: set[str] | None = None,
    year: int | None = None,
    date: dt.date | None = None,
) -> tuple[pd.DataFrame, Counter[str]]:
    """The per-contact export (EXPORT_COLUMNS, in the log's order) and the rows dropped per
    reason. `types` keeps those call types only; `date` is the day of a log without dates."""
    if "date" not in log.columns and date is None:
        raise BankError("the log has no column date: give the day with --date YYYY-MM-DD")
    dropped: Counter[str] = Counter()
    out: list[tuple[object, ...]] = []
    for row in log.itertuples(index=False):
        record = row._asdict()
        line = int(record["line"])
        outcome = record["outcome"].upper()
        if outcome == "PHANTOM":
            dropped["PHANTOM (not a real call)"] += 1
            continue
        if outcome not in OUTCOMES:
            raise BankError(
                f"row {line}, column outcome: {record['outcome']!r} is not AGENT, HANG or PHANTOM"
            )
        wait = _number(record["q_time"], line, "q_time")
        if outcome == "HANG" and wait == 0 and record["q_start"] in ("", NO_TIME):
            dropped["HANG in the VRU (never entered the queue)"] += 1
            continue
        if types is not None and record["type"] not in types:
            dropped[f"type {record['type']} not asked for"] += 1
            continue
        day = date if "date" not in record else parse_date(record["date"], line, year)
        entry = _seconds(record["vru_entry"], line, "vru_entry")
        exit_ = _seconds(record["vru_exit"], line, "vru_exit")
        if entry - exit_ > HALF_DAY:  # the call crossed midnight in the VRU
            exit_ += 86400
        arrived = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=exit_)
        answered = outcome == "AGENT"
        talk = _number(record["ser_time"], line, "ser_time") if answered else None
        customer = record.get("customer_id", "") or ""
        caller = "" if customer.strip() in ("", "0", "0.0") else customer.removesuffix(".0")
        out.append(
            (
                arrived.isoformat(timespec="seconds"),
                OUTCOMES[outcome],
                int(wait),
                None if talk is None else int(talk),
                0 if answered else None,
                "" if record["server"] == NO_SERVER else record["server"],
                record["type"],
                caller,
            )
        )
    export = pd.DataFrame(out, columns=list(EXPORT_COLUMNS))
    for column in ("talk_seconds", "acw_seconds"):
        export[column] = export[column].astype("Int64")
    return export, dropped


# --- summary -----------------------------------------------------------------------------------


def summary(export: pd.DataFrame, read: int, dropped: Counter[str]) -> str:
    """A few lines: rows read and dropped, dates, calls per weekday, per type and outcome."""
    lines = [f"rows read: {read:,}"]
    lines += [f"  dropped, {reason}: {count:,}" for reason, count in sorted(dropped.items())]
    lines.append(f"contacts written: {len(export):,}")
    if export.empty:
        return "\n".join(lines)
    arrived = pd.to_datetime(export["arrived_at"])
    days = arrived.dt.normalize()
    answered = export["outcome"] == "answered"
    lines.append(
        f"dates: {days.min():%Y-%m-%d} to {days.max():%Y-%m-%d} (days with calls: {days.nunique()})"
    )
    lines.append(
        f"answered {answered.sum():,}, abandoned {(~answered).sum():,} "
        f"({(~answered).mean():.1%} of those who entered the queue)"
    )
    weekday = arrived.dt.weekday.map(dict(enumerate(WEEKDAYS)))
    per_day = export.groupby([weekday, days]).size().groupby(level=0)
    lines.append("calls per weekday (total / days / mean per day):")
    for name in WEEKDAYS:
        if name in per_day.groups:
            counts = per_day.get_group(name)
            lines.append(f"  {name}: {counts.sum():,} / {len(counts)} / {counts.mean():,.0f}")
    lines.append("per type (contacts, abandoned %, mean wait s, mean talk s of the answered):")
    for queue, group in export.groupby("queue"):
        talk = group["talk_seconds"].dropna()
        lines.append(
            f"  {queue}: {len(group):,}, {(group['outcome'] == 'abandoned').mean():.1%}, "
            f"{group['wait_seconds'].mean():.0f}, {talk.mean():.0f}"
        )
    zero = (export["talk_seconds"] == 0).sum()
    lines.append(f"answered with ser_time 0: {zero:,}")
    lines.append(f"identified callers: {(export['caller'] != '').mean():.1%} of contacts")
    return "\n".join(lines)


def keep_open(
    export: pd.DataFrame, weekdays: set[str] | None, hours: tuple[int, int] | None
) -> tuple[pd.DataFrame, Counter[str]]:
    """Only the contacts on `weekdays` and within `hours` (seconds after midnight, from-until):
    the bank's hours differ by weekday (Sunday-Thursday 7-24, Friday to 14, Saturday evening),
    and a scenario holds one opening time; the rest are counted as dropped."""
    dropped: Counter[str] = Counter()
    arrived = pd.to_datetime(export["arrived_at"])
    keep = pd.Series(True, index=export.index)
    if weekdays is not None:
        day = arrived.dt.weekday.map(dict(enumerate(WEEKDAYS)))
        keep &= day.isin(weekdays)
        dropped["weekday not asked for"] += int((~day.isin(weekdays)).sum())
    if hours is not None:
        second = (arrived - arrived.dt.normalize()).dt.total_seconds()
        inside = (second >= hours[0]) & (second < hours[1])
        dropped["outside the hours asked for"] += int((keep & ~inside).sum())
        keep &= inside
    return export[keep].reset_index(drop=True), dropped


def _hours(text: str) -> tuple[int, int]:
    start, _, end = text.partition("-")
    try:
        h0, m0 = (int(x) for x in start.split(":"))
        h1, m1 = (int(x) for x in end.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give HH:MM-HH:MM, e.g. 07:00-24:00") from None
    return h0 * 3600 + m0 * 60, h1 * 3600 + m1 * 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("log", type=Path, help="the bank's log: .txt/.csv/.tsv(.gz) or .ods")
    parser.add_argument("--out", type=Path, required=True, help="export to write (.csv, .csv.gz)")
    parser.add_argument("--types", help="call types to keep, comma-separated (default: all)")
    parser.add_argument("--year", type=int, help="replace the year of every date (e.g. 1999)")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="the day of a dateless log")
    parser.add_argument("--weekdays", help="weekdays to keep, e.g. sun,mon,tue,wed,thu")
    parser.add_argument("--hours", type=_hours, help="hours to keep, e.g. 07:00-24:00")
    args = parser.parse_args(argv)
    weekdays = None if not args.weekdays else {d.strip() for d in args.weekdays.split(",")}
    if weekdays is not None and not weekdays <= set(WEEKDAYS):
        parser.error(f"--weekdays {args.weekdays!r}: allowed {', '.join(WEEKDAYS)}")
    types = None if not args.types else {t.strip() for t in args.types.split(",") if t.strip()}
    try:
        log = read_log(args.log)
        export, dropped = convert(log, types=types, year=args.year, date=args.date)
        export, closed = keep_open(export, weekdays, args.hours)
        dropped += closed
    except (BankError, OSError, zipfile.BadZipFile, ET.ParseError) as error:
        print(f"anonymous_bank: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export.to_csv(args.out, index=False)
    print(summary(export, len(log), dropped))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
