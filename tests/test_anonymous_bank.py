"""experiments/calibration/anonymous_bank.py turns the Technion "Anonymous Bank" log into a
per-contact export in ccsim's default columns (a hand-written sample here; no real data)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
import pytest

from tests.helpers import ROOT, experiment_script

SCRIPT = ROOT / "experiments" / "calibration" / "anonymous_bank.py"

HEADER = [
    *("vru+line", "call_id", "customer_id", "priority", "type", "date"),
    *("vru_entry", "vru_exit", "vru_time", "q_start", "q_exit", "q_time"),
    *("outcome", "ser_start", "ser_exit", "ser_time", "server"),
]

# The SEE Center's format: tab-separated, date yymmdd, times H:MM:SS, 0:00:00 = never got there.
SAMPLE = [
    # answered after 30 s in queue, identified caller
    "AA0101 1 12345 2 PS 990801 7:00:05 7:00:20 15 7:00:20 7:00:50 30 "
    "AGENT 7:00:50 7:04:10 200 DORIT",
    # answered without queueing (q_start 0:00:00), unidentified caller (customer_id 0)
    "AA0102 2 0 0 PS 990801 7:10:00 7:10:12 12 0:00:00 0:00:00 0 AGENT 7:10:12 7:11:52 100 ANAT",
    # abandoned in queue after 45 s
    "AA0103 3 777 1 NE 990801 8:00:00 8:00:10 10 8:00:10 8:00:55 45 "
    "HANG 0:00:00 0:00:00 0 NO_SERVER",
    # abandoned in queue within the first second (q_start set, q_time 0): kept
    "AA0104 4 0 0 NW 990801 8:30:00 8:30:05 5 8:30:05 8:30:05 0 HANG 0:00:00 0:00:00 0 NO_SERVER",
    # hung up in the VRU (never queued): dropped
    "AA0105 5 0 0 PS 990801 9:00:00 9:00:30 30 0:00:00 0:00:00 0 HANG 0:00:00 0:00:00 0 NO_SERVER",
    "AA0106 6 55 2 IN 990801 9:05:00 9:05:02 2 0:00:00 0:00:00 0 HANG 0:00:00 0:00:00 0 NO_SERVER",
    # phantom: dropped
    "AA0107 7 0 0 PS 990801 9:10:00 9:10:01 1 9:10:01 9:10:03 2 "
    "PHANTOM 0:00:00 0:00:00 0 NO_SERVER",
    # answered, ser_time 0 (kept, as the log says)
    "AA0108 8 4242 2 PS 990802 10:00:00 10:00:08 8 10:00:08 10:00:20 12 "
    "AGENT 10:00:20 10:00:20 0 SHARON",
    # crosses midnight in the VRU: arrives on the next day
    "AA0109 9 0 0 PS 990802 23:59:50 0:00:10 20 0:00:10 0:01:10 60 "
    "AGENT 0:01:10 0:03:10 120 MORIAH",
    # vru_exit before vru_entry by 87 s (negative vru_time, a clock error): stays on its day
    "AA0113 13 0 0 PS 990803 12:04:42 12:03:15 -87 12:03:15 12:04:56 101 "
    "AGENT 12:04:55 12:05:56 61 NO_SERVER",
    # another type, answered
    "AA0110 10 99 1 NE 990803 11:00:00 11:00:20 20 11:00:20 11:01:00 40 "
    "AGENT 11:01:00 11:05:00 240 AVI",
    # Saturday evening call
    "AA0111 11 0 0 PS 990807 21:00:00 21:00:15 15 21:00:15 21:02:15 120 "
    "HANG 0:00:00 0:00:00 0 NO_SERVER",
    "AA0112 12 8 2 TT 990807 21:30:00 21:30:05 5 21:30:05 21:30:05 0 "
    "AGENT 21:30:05 21:31:05 60 BENNY",
]

EXPECTED = [
    ("1999-08-01T07:00:20", "answered", 30, 200, 0, "DORIT", "PS", "12345"),
    ("1999-08-01T07:10:12", "answered", 0, 100, 0, "ANAT", "PS", ""),
    ("1999-08-01T08:00:10", "abandoned", 45, None, None, "", "NE", "777"),
    ("1999-08-01T08:30:05", "abandoned", 0, None, None, "", "NW", ""),
    ("1999-08-02T10:00:08", "answered", 12, 0, 0, "SHARON", "PS", "4242"),
    ("1999-08-03T00:00:10", "answered", 60, 120, 0, "MORIAH", "PS", ""),
    ("1999-08-03T12:03:15", "answered", 101, 61, 0, "", "PS", ""),
    ("1999-08-03T11:00:20", "answered", 40, 240, 0, "AVI", "NE", "99"),
    ("1999-08-07T21:00:15", "abandoned", 120, None, None, "", "PS", ""),
    ("1999-08-07T21:30:05", "answered", 0, 60, 0, "BENNY", "TT", "8"),
]


def bank_script():
    """experiments/calibration/anonymous_bank.py as a module."""
    return experiment_script("calibration/anonymous_bank.py")


def _write_log(path: Path, rows: list[str]) -> Path:
    lines = ["\t".join(HEADER), *("\t".join(row.split()) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> list[tuple[Any, ...]]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(bank_script().EXPORT_COLUMNS)
    return [
        tuple(int(value) if value.isdigit() else (value or None) for value in row)
        for row in frame.itertuples(index=False)
    ]


def _normalise(expected: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The expected rows as _read gives them back (caller ids are digits, '' is None)."""
    return [
        tuple(int(v) if isinstance(v, str) and v.isdigit() else (v if v != "" else None) for v in r)
        for r in expected
    ]


def test_the_sample_converts_to_the_default_columns(tmp_path: Path, capsys: Any) -> None:
    log = _write_log(tmp_path / "august.txt", SAMPLE)
    out = tmp_path / "export.csv"
    assert bank_script().main([str(log), "--out", str(out)]) == 0
    assert _read(out) == _normalise(EXPECTED)
    printed = capsys.readouterr().out
    assert "rows read: 13" in printed
    assert "dropped, HANG in the VRU (never entered the queue): 2" in printed
    assert "dropped, PHANTOM (not a real call): 1" in printed
    assert "contacts written: 10" in printed
    assert "answered with ser_time 0: 1" in printed


def test_types_keeps_only_the_types_asked_for(tmp_path: Path, capsys: Any) -> None:
    log = _write_log(tmp_path / "august.txt", SAMPLE)
    out = tmp_path / "export.csv.gz"
    assert bank_script().main([str(log), "--types", "NE,TT", "--out", str(out)]) == 0
    assert [row[6] for row in _read(out)] == ["NE", "NE", "TT"]
    assert "dropped, type PS not asked for: 6" in capsys.readouterr().out


def _ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal .ods as LibreOffice writes it: an index column, equal neighbours merged by
    number-columns-repeated, a padded tail, and a second sheet that must not be read."""

    def cells(row: list[str]) -> str:
        out, i = ['<table:table-cell table:style-name="ce1"/>'], 0
        while i < len(row):
            j = i
            while j + 1 < len(row) and row[j + 1] == row[i]:
                j += 1
            repeat = f' table:number-columns-repeated="{j - i + 1}"' if j > i else ""
            value = escape(row[i])
            out.append(
                f'<table:table-cell{repeat} office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>"
            )
            i = j + 1
        out.append('<table:table-cell table:number-columns-repeated="1007"/>')
        return "<table:table-row>" + "".join(out) + "</table:table-row>"

    sheet = "".join(cells(row) for row in rows)
    padding = (
        '<table:table-row table:number-rows-repeated="1000"><table:table-cell/></table:table-row>'
    )
    other = f'<table:table table:name="other">{cells(HEADER)}{cells(HEADER)}</table:table>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f'<office:body><office:spreadsheet><table:table table:name="august">{sheet}{padding}'
        f"</table:table>{other}</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


def test_an_ods_copy_reads_like_the_text_log(tmp_path: Path) -> None:
    # the spreadsheet copy stores dates as yyyy-mm-dd of 2010 (1999 and 2010 share a calendar)
    rows = [row.split() for row in SAMPLE]
    for row in rows:
        row[5] = "2010-" + row[5][2:4] + "-" + row[5][4:6]
    ods = _ods(tmp_path / "august.ods", [HEADER, *rows])
    out = tmp_path / "export.csv"
    assert bank_script().main([str(ods), "--year", "1999", "--out", str(out)]) == 0
    assert _read(out) == _normalise(EXPECTED)


def test_a_log_without_dates_takes_the_day_from_date(tmp_path: Path) -> None:
    dateless = [h for h in HEADER if h not in ("customer_id", "priority", "date")]
    log = tmp_path / "day.csv"
    lines = [",".join(dateless)]
    for row in SAMPLE[:3]:
        fields = dict(zip(HEADER, row.split(), strict=True))
        lines.append(",".join(fields[h] for h in dateless))
    log.write_text("\n".join(lines) + "\n")
    out = tmp_path / "export.csv"
    module = bank_script()
    assert module.main([str(log), "--out", str(out)]) == 2  # no date, no --date
    assert module.main([str(log), "--date", "1999-08-01", "--out", str(out)]) == 0
    assert [row[0] for row in _read(out)] == [e[0] for e in EXPECTED[:3]]
    assert [row[7] for row in _read(out)] == [None, None, None]  # no customer_id column


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vru_exit", "7:0020", "row 2, column vru_exit: '7:0020' is not a time of day"),
        ("q_time", "-3", "row 2, column q_time: '-3' is not a number of seconds >= 0"),
        ("outcome", "BUSY", "row 2, column outcome: 'BUSY' is not AGENT, HANG or PHANTOM"),
        ("date", "99-08-01", "row 2, column date: '99-08-01' is not a date"),
    ],
)
def test_a_bad_row_is_one_line_naming_row_and_column(
    tmp_path: Path, capsys: Any, field: str, value: str, message: str
) -> None:
    fields = SAMPLE[0].split()
    fields[HEADER.index(field)] = value
    log = _write_log(tmp_path / "bad.txt", [" ".join(fields)])
    assert bank_script().main([str(log), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()
