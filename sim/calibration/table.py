"""Reading an export file (CSV, CSV.gz or Parquet) as text columns, and finding its columns
by the mapping's names; every failure an ExportError naming the file."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ExportError, did_you_mean


def sniff_delimiter(path: Path) -> str:
    """',' or ';' (or a tab), whichever the header line holds most of."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as f:
        head = f.readline()
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path, delimiter: str | None = None, nrows: int | None = None):
    """The export as a DataFrame (CSV: every cell a string or NaN; Parquet: its own dtypes),
    index 0..n-1 = data row - 1; fully empty rows kept (the caller counts and drops them)."""
    path = Path(path)
    if not path.is_file():
        raise ExportError("file not found (or not a regular file)", str(path))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            table = pd.read_parquet(path)
            return table.head(nrows) if nrows else table
        return pd.read_csv(
            path,
            sep=delimiter or sniff_delimiter(path),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            encoding="utf-8-sig",
            nrows=nrows,
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ExportError(
            f"cannot read the export: {str(exc).splitlines()[0]}", str(path)
        ) from None


def find_columns(
    table: pd.DataFrame, wanted: dict[str, str], required: list[str], source: str
) -> dict[str, str]:
    """Our name -> the export's column for each of `wanted` (ours -> theirs) the export has;
    ExportError naming a missing required column, the columns found and the closest one."""
    found = {str(c): c for c in table.columns}
    have = {ours: found[theirs] for ours, theirs in wanted.items() if theirs in found}
    for ours in required:
        if ours not in have:
            theirs = wanted[ours]
            mapped = "" if theirs == ours else f" (our {ours})"
            raise ExportError(
                f"column {theirs}{mapped} is missing{did_you_mean(theirs, found)}; the export has "
                f"{', '.join(found) or 'no columns'}; name it in the mapping's [columns]",
                source,
            )
    return have


def drop_empty_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The table without fully empty rows (clearly no contact), and how many there were."""
    empty = table.isna().all(axis=1)
    return table[~empty], int(empty.sum())


def shown(value: object) -> str:
    """A cell as a message shows it: quoted, at most 40 characters."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def read_fields(
    path: str | Path, mapping: Any, fields: dict[str, str], required: Any
) -> tuple[pd.DataFrame, dict[str, str], int]:
    """An export's rows (fully empty ones left out, and counted) and which of its columns is
    each of `fields` (our names, mapped as `mapping` says), refusing one without data rows or
    without a required column."""
    source = str(path)
    table, empty = drop_empty_rows(read_table(path, mapping.delimiter))
    if table.empty:
        raise ExportError("no data rows", source)
    wanted = {ours: mapping.column(ours) for ours in fields}
    return table, find_columns(table, wanted, required, source), empty
