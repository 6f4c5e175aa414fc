"""`ccsim calibrate --inspect EXPORT`: the columns an export holds, which of our column names
each seems to be (by its name and its content), and a mapping TOML to start from."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pandas as pd

from sim.calibration.mapping import CONTACT_FIELDS, INTERVAL_FIELDS
from sim.calibration.table import read_table, sniff_delimiter

SAMPLE_ROWS = 2000
"""Rows read to guess from: enough to see every outcome value, quick on a big export."""

SYNONYMS = {
    "arrived_at": ["arrival", "arrived", "start", "call start", "timestamp", "datetime", "time"],
    "outcome": ["status", "result", "disposition", "call result", "state"],
    "wait_seconds": ["wait", "queue time", "waiting", "hold", "delay", "time in queue"],
    "talk_seconds": ["talk", "talk time", "conversation", "duration", "connected"],
    "acw_seconds": ["acw", "wrap", "wrap up", "after call", "after call work", "wrapup"],
    "agent": ["agent", "agent id", "employee", "user", "operator", "login"],
    "queue": ["queue", "skill", "split", "service", "vdn"],
    "caller": ["caller", "ani", "phone", "customer", "cli", "calling number", "from"],
    "code": ["code", "reason", "wrap code", "disposition code", "category"],
    "interval_start": ["interval", "interval start", "period", "start", "time", "datetime"],
    "offered": ["offered", "calls", "incoming", "presented", "calls offered"],
    "answered": ["answered", "handled", "accepted", "calls answered"],
    "abandoned": ["abandoned", "aband", "lost", "calls abandoned"],
    "asa_seconds": ["asa", "average speed of answer", "avg wait", "speed of answer"],
    "aht_seconds": ["aht", "average handle time", "avg handle", "handle time"],
    "service_level": ["service level", "sl", "svl", "service"],
    "staff": ["staff", "agents", "logged in", "positions", "agents logged in"],
    "answered_in_target": ["in target", "within target", "answered in sl", "within sl"],
}
"""Names ACDs give each of our columns (compared without case, spaces or punctuation)."""

WANTS = {
    "arrived_at": "datetime",
    "interval_start": "datetime",
    "outcome": "label",
    "agent": "any",
    "queue": "any",
    "caller": "any",
    "code": "any",
}
"""What content a column must have; every other of our columns is a number or duration."""

FORMATS = ["%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S"]
FORMATS += [f.removesuffix(":%S") for f in FORMATS]
ANSWERED = ("ans", "handl", "conn", "compl", "accept", "served")
ABANDONED = ("aband", "lost", "hang", "drop", "abn", "unans")


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


def _content(values: pd.Series) -> tuple[str, str | None]:
    """What a column holds: datetime (with a strftime format, None for ISO 8601), duration
    (hh:mm:ss), number, label (a few distinct words) or text."""
    text = values.dropna().astype(str).str.strip()
    if text.empty:
        return "empty", None
    if pd.api.types.is_datetime64_any_dtype(values):
        return "datetime", None
    if pd.api.types.is_numeric_dtype(values) or pd.to_numeric(text, errors="coerce").notna().all():
        return "number", None
    if text.str.fullmatch(r"\d{1,3}:\d{2}(:\d{2})?").all():
        return "duration", None
    dated = text.str.contains(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
    if dated.all():
        if pd.to_datetime(text, format="ISO8601", errors="coerce").notna().all():
            return "datetime", None
        for fmt in FORMATS:
            if pd.to_datetime(text, format=fmt, errors="coerce").notna().all():
                return "datetime", fmt
    if text.nunique() <= 12 and not text.str.fullmatch(r"[\d\W]+").any():
        return "label", None
    return "text", None


def _fits(ours: str, content: str) -> bool:
    want = WANTS.get(ours, "number")
    if want == "any":
        return content != "empty"
    if want == "number":
        return content in ("number", "duration")
    return content == want


def _score(ours: str, column: str) -> float:
    plain = _plain(column)
    names = [_plain(ours), _plain(ours.removesuffix("_seconds")), *SYNONYMS[ours]]
    best = max(difflib.SequenceMatcher(None, plain, n).ratio() for n in names)
    return best + (0.3 if plain in names else 0.0)


def _assign(fields: dict[str, str], contents: dict[str, str]) -> dict[str, str]:
    """Our name -> the export column, best matches first, each column used once."""
    pairs = sorted(
        ((_score(ours, col), ours, col) for ours in fields for col in contents),
        reverse=True,
    )
    chosen: dict[str, str] = {}
    for score, ours, col in pairs:
        free = ours not in chosen and col not in chosen.values()
        if score >= 0.6 and free and _fits(ours, contents[col]):
            chosen[ours] = col
    return chosen


def _string(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(str(text), ensure_ascii=False)


def inspect_export(path: str | Path) -> str:
    """The columns found (name, dtype, three examples, what it seems to be) and a mapping TOML
    to start from (valid for `load_mapping`)."""
    path = Path(path)
    table = read_table(path, nrows=SAMPLE_ROWS).dropna(how="all")
    kinds = {str(c): _content(table[c]) for c in table.columns}
    contents = {c: k for c, (k, _) in kinds.items()}
    guesses = {
        kind: _assign(f, contents)
        for kind, f in (("contacts", CONTACT_FIELDS), ("intervals", INTERVAL_FIELDS))
    }
    needs = {
        "contacts": ["arrived_at", "outcome", "wait_seconds", "talk_seconds"],
        "intervals": ["interval_start", "offered", "answered", "abandoned"],
    }
    kind = max(needs, key=lambda k: (sum(n in guesses[k] for n in needs[k]), k == "contacts"))
    chosen = guesses[kind]
    ours_of = {col: ours for ours, col in chosen.items()}
    lines = [f"{path}: {len(table.columns)} columns ({len(table):,} rows looked at)", ""]
    for col in table.columns:
        examples = ", ".join(repr(str(v))[:30] for v in table[col].dropna().head(3))
        guess = ours_of.get(str(col), "?")
        lines.append(f"  {str(col)!r:28} {contents[str(col)]:9} -> {guess:20} e.g. {examples}")
    lines += ["", "A mapping to start from (save as mapping.toml, check, pass with --mapping):", ""]
    return "\n".join([*lines, _mapping_text(path, kind, chosen, table, kinds)])


def _mapping_text(path, kind, chosen, table, kinds) -> str:
    """The mapping TOML: kind, formats, [columns] and [outcome_values]."""
    fields = CONTACT_FIELDS if kind == "contacts" else INTERVAL_FIELDS
    out = [f"# column mapping for {path.name} (ccsim calibrate --inspect)", f'kind = "{kind}"']
    time_column = chosen.get("arrived_at") or chosen.get("interval_start")
    fmt = kinds[time_column][1] if time_column else None
    out.append(
        f"datetime_format = {_string(fmt)}"
        if fmt
        else '# datetime_format = "%d-%m-%Y %H:%M:%S"  # default: ISO 8601'
    )
    offsets = False
    if time_column:
        sample = table[time_column].dropna().astype(str)
        offsets = sample.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$").any()
    zone_note = "the times carry UTC offsets: name the center's zone" if offsets else "IANA name"
    out.append(f'# timezone = "Europe/Amsterdam"  # {zone_note}; default: naive wall-clock times')
    durations = [c for o, c in chosen.items() if o.endswith("_seconds")]
    if any(kinds[c][0] == "duration" for c in durations):
        out.append('duration_unit = "hh:mm:ss"')
    else:
        big = [pd.to_numeric(table[c], errors="coerce").median() for c in durations]
        unit = "milliseconds" if big and max(big) > 10_000 else "seconds"
        out.append(f'duration_unit = "{unit}"  # seconds, milliseconds or hh:mm:ss')
    out.append(
        "# interval_minutes = 15" + ("  # inferred from the data" if kind == "intervals" else "")
    )
    out.append("service_level_seconds = 20")
    if path.suffix.lower() not in (".parquet", ".pq") and sniff_delimiter(path) != ",":
        out.append(f"delimiter = {_string(sniff_delimiter(path))}")
    out += ["", "[columns]"]
    for ours, meaning in fields.items():
        if ours in chosen:
            out.append(f"{ours} = {_string(chosen[ours])}  # {meaning}")
        else:
            out.append(f'# {ours} = ""  # {meaning}: not found')
    if kind == "contacts" and "outcome" in chosen:
        values = table[chosen["outcome"]].dropna().astype(str).str.strip().unique()
        answered = [v for v in values if v.lower().startswith(ANSWERED) or v.lower() == "a"]
        abandoned = [
            v for v in values if v not in answered and any(a in v.lower() for a in ABANDONED)
        ]
        other = [v for v in values if v not in answered and v not in abandoned]
        out += ["", "[outcome_values]"]
        out.append(f"answered = [{', '.join(map(_string, answered or ['answered']))}]")
        out.append(f"abandoned = [{', '.join(map(_string, abandoned or ['abandoned']))}]")
        if other:
            out.append(f"# other values seen (add them above): {', '.join(map(_string, other))}")
    return "\n".join(out) + "\n"
