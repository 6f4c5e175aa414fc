"""The records every step of a calibration shares: the contacts read from a per-contact export,
the observed intervals (from either kind of export), and one estimate of a scenario key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

CONTACT_COLUMNS = {
    "row": "line of the export the contact came from (1 = the first data row)",
    "arrived": "arrival, local wall-clock time of the center (naive datetime64[ns])",
    "date": "local date of the arrival (datetime64[ns], midnight)",
    "weekday": "mon..sun of the local date",
    "second": "seconds after local midnight of the arrival (float)",
    "answered": "True: answered; False: abandoned",
    "wait": "seconds waited before answer or abandonment (>= 0)",
    "talk": "talk seconds (NaN for an abandoned contact)",
    "acw": "after-call work seconds (NaN for an abandoned contact)",
    "agent": "optional: agent id (string, <NA> when absent)",
    "queue": "optional: queue or skill (string)",
    "caller": "optional: caller id (string)",
    "code": "optional: outcome or wrap-up code (string)",
}
"""The normalized per-contact frame: these columns, whatever the export called them."""

OBSERVED_COLUMNS = {
    "date": "local date (datetime64[ns], midnight)",
    "weekday": "mon..sun",
    "interval": "0-based interval of the opening hours",
    "start": "HH:MM local start of the interval",
    "exposure": "seconds of the interval the export covers on that date (DST, truncation)",
    "offered": "contacts arrived in the interval",
    "answered": "of which answered",
    "abandoned": "of which abandoned",
    "answered_in_target": "answered within the service-level threshold (NaN if unknown)",
    "asa": "mean wait of the answered, seconds (NaN when none answered or unknown)",
    "aht": "mean talk + after-call work of the answered, seconds (NaN when none or unknown)",
    "staff": "employees logged in / on the phones (NaN when the export does not say)",
}
"""The per-interval table both kinds of export give: what arrivals, staffing and the validation
report read."""


@dataclass
class Export:
    """What was read from an export, normalized: per-contact `contacts` (None for an interval
    export) and per-interval `observed`; the calendar found in it; notes on what was repaired
    or left out (daylight-saving days, truncated first and last days, dropped rows)."""

    source: str
    kind: str  # "contacts" or "intervals"
    observed: pd.DataFrame
    contacts: pd.DataFrame | None
    interval_minutes: int
    open_from: str  # "HH:MM"
    open_until: str  # "HH:MM" ("24:00" = midnight)
    weekdays: list[str]
    timezone: str | None
    service_level_seconds: float
    notes: list[str] = field(default_factory=list)
    failure_codes: list[str] = field(default_factory=list)
    """Outcome or wrap-up codes (the `code` column) that mark a contact as failure demand."""

    @property
    def rows(self) -> int:
        """Data rows the export held (contacts, or interval rows)."""
        return len(self.contacts) if self.contacts is not None else len(self.observed)


@dataclass(frozen=True)
class Estimate:
    """One estimated quantity: the scenario `key` it sets ("" when only reported), its value,
    its 95 % confidence interval, the method (with its source) and the rows it rests on."""

    key: str
    value: Any
    low: float | None = None
    high: float | None = None
    method: str = ""
    rows: int = 0
    note: str = ""

    def comment(self) -> str:
        """The one-line comment the scenario file carries above the key."""
        ci = ""
        if self.low is not None and self.high is not None:
            ci = f", 95 % CI [{_fmt(self.low)}; {_fmt(self.high)}]"
        value = _fmt(self.value) if isinstance(self.value, int | float) else "see below"
        text = f"estimate {value}{ci}; {self.method}; {self.rows:,} rows"
        return f"{text}; {self.note}" if self.note else text


def _fmt(x: float) -> str:
    """A number with four significant digits (plain for whole numbers)."""
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.4g}"
