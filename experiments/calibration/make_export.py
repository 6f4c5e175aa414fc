"""Translate a `ccsim run --out` result into an ACD-like export, for the calibration's
parameter-recovery tests and examples: a per-contact CSV with the default column names
(`arrived_at`, `outcome`, `wait_seconds`, `talk_seconds`, `acw_seconds`, `agent`, `caller`;
for a behavioural run also `queue` = the contact reason and `code` = value, callback or
redial), or with `--intervals` an interval export
(`interval_start`, `offered`, `answered`, `abandoned`, `asa_seconds`, `aht_seconds`,
`service_level`, `staff`).

    ccsim run experiments/scenarios/erlang.toml --set behavior.enabled=false --out run
    python experiments/calibration/make_export.py run --out export.csv \
        [--start 2026-03-02] [--timezone Europe/Amsterdam] [--drop-share 0.02] \
        [--second-timezone-share 0.1] [--truncate] [--intervals] [--seed 1]

Simulated day d (0 = the first measured day; the run's tables hold the measured days only,
so warm-up days are never in the export) becomes the d-th date from `--start` whose weekday
is one of the scenario's `calendar.weekdays`, beginning at the first measured weekday
(`calendar.start_weekday`). With `--timezone` every time carries its UTC offset; a date
range spanning the last Sunday of March or October then holds a daylight-saving day: calls
simulated in the skipped spring hour did not happen and are left out, the repeated autumn
hour holds one simulated hour of calls. Defects for the recovery tests: `--drop-share`
removes that share of rows at random, `--second-timezone-share` writes that share of rows in
UTC instead of local time (needs `--timezone`), `--truncate` cuts the first day's morning
and the last day's afternoon (before and after the middle of the opening hours).

A pure-queue run does not link a redial to its caller's first attempt (its customer is -1),
so the export's caller column is empty there; a behavioural run's customer id is the caller.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.scenario import Scenario

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def real_dates(scenario: Scenario, days: int, start_date: str) -> list[pd.Timestamp]:
    """The date of each measured simulated day 0..days-1: from `start_date`, the dates whose
    weekday the center opens, beginning at the first measured weekday."""
    calendar = scenario.calendar
    first = calendar.weekday(calendar.warmup_days)
    span = pd.date_range(pd.Timestamp(start_date).normalize(), periods=7 * days + 7, freq="D")
    start = next(i for i, d in enumerate(span) if WEEKDAYS[d.weekday()] == first)
    dates = [d for d in span[start:] if WEEKDAYS[d.weekday()] in calendar.weekdays]
    return dates[:days]


def _stamps(local: pd.Series, timezone: str | None, utc_rows: np.ndarray) -> tuple:
    """ISO 8601 texts of naive local times (with the offset in `timezone`, or in UTC for
    `utc_rows`), and which rows exist (False: in the spring-forward gap)."""
    if not timezone:
        return local.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3], np.ones(len(local), bool)
    dst = np.ones(len(local), dtype=bool)  # the repeated autumn hour: its first pass
    aware = local.dt.tz_localize(timezone, ambiguous=dst, nonexistent="NaT")
    exists = aware.notna().to_numpy()
    texts = [
        (t.tz_convert("UTC") if utc else t).isoformat(timespec="milliseconds") if e else ""
        for t, e, utc in zip(aware, exists, utc_rows, strict=True)
    ]
    return pd.Series(texts, index=local.index), exists


def acd_export(
    calls: pd.DataFrame,
    scenario: Scenario,
    start_date: str = "2026-03-02",
    timezone: str | None = None,
    drop_share: float = 0.0,
    second_timezone_share: float = 0.0,
    truncate: bool = False,
    seed: int = 1,
) -> pd.DataFrame:
    """A per-contact ACD export (default column names, one row per call, in arrival order)
    of a run's calls table; defects as the module docstring says."""
    if second_timezone_share and not timezone:
        raise ValueError("second_timezone_share needs a timezone (UTC is the second zone)")
    rng = np.random.default_rng(seed)
    calls = calls[calls["day"] >= 0].sort_values("arrival_time", kind="stable")
    dates = real_dates(scenario, int(calls["day"].max()) + 1 if len(calls) else 0, start_date)
    second = calls["arrival_time"].to_numpy() % 86400.0
    date = pd.Series(np.asarray(dates, dtype="datetime64[ns]")[calls["day"].to_numpy()])
    local = date + pd.to_timedelta(np.round(second, 3), unit="s")
    keep = rng.random(len(calls)) >= drop_share
    if truncate and len(calls):
        middle = (scenario.calendar.open_second + scenario.calendar.close_second) / 2
        day = calls["day"].to_numpy()
        keep &= ~((day == day.min()) & (second < middle)) & ~(
            (day == day.max()) & (second >= middle)
        )
    utc_rows = rng.random(len(calls)) < second_timezone_share
    stamps, exists = _stamps(local, timezone, utc_rows)
    answered = (calls["outcome"].astype(str) == "answered").to_numpy()
    employee = calls["employee"].to_numpy()
    customer = calls["customer"].to_numpy()
    export = pd.DataFrame(
        {
            "arrived_at": stamps.to_numpy(),
            "outcome": np.where(answered, "answered", "abandoned"),
            "wait_seconds": np.round(calls["wait"].to_numpy(), 3),
            "talk_seconds": np.where(answered, np.round(calls["talk_time"].to_numpy(), 3), np.nan),
            "acw_seconds": np.where(
                answered, np.round(calls["after_call_work"].to_numpy(), 3), np.nan
            ),
            "agent": [
                f"agent-{e}" if a and e >= 0 else ""
                for a, e in zip(answered, employee, strict=True)
            ],
            "caller": [f"customer-{c}" if c >= 0 else "" for c in customer],
        }
    )
    if "reason" in calls:  # a behavioural run: the contact reason as the queue
        export["queue"] = calls["reason"].astype(str).to_numpy()
    if "kind" in calls:  # value, callback or redial: callbacks and redials are failure demand
        export["code"] = calls["kind"].astype(str).to_numpy()
    return export[keep & exists].reset_index(drop=True)


def interval_export(
    intervals: pd.DataFrame,
    scenario: Scenario,
    start_date: str = "2026-03-02",
    timezone: str | None = None,
) -> pd.DataFrame:
    """An interval export of a run's intervals table: one row per interval (none for the
    skipped spring hour; one for the repeated autumn hour)."""
    dates = real_dates(scenario, int(intervals["day"].max()) + 1, start_date)
    date = pd.Series(np.asarray(dates, dtype="datetime64[ns]")[intervals["day"].to_numpy()])
    local = date + pd.to_timedelta(intervals["start"].astype(str) + ":00")
    stamps, exists = _stamps(local, timezone, np.zeros(len(local), dtype=bool))
    export = pd.DataFrame(
        {
            "interval_start": stamps.str[:19] if not timezone else stamps,
            "offered": intervals["offered"].to_numpy(),
            "answered": intervals["handled"].to_numpy(),
            "abandoned": intervals["abandoned"].to_numpy(),
            "asa_seconds": np.round(intervals["asa"].to_numpy(), 3),
            "aht_seconds": np.round(intervals["aht"].to_numpy(), 3),
            "service_level": np.round(intervals["service_level"].to_numpy(), 6),
            "staff": intervals["staffed"].to_numpy(),
        }
    )
    return export[exists].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a `ccsim run --out` folder")
    parser.add_argument("--out", type=Path, required=True, help="the export to write (.csv)")
    parser.add_argument("--start", default="2026-03-02", help="first date (YYYY-MM-DD)")
    parser.add_argument("--timezone", default=None, help="IANA time zone, e.g. Europe/Amsterdam")
    parser.add_argument("--drop-share", type=float, default=0.0, help="rows removed at random")
    parser.add_argument("--second-timezone-share", type=float, default=0.0, help="rows in UTC")
    parser.add_argument("--truncate", action="store_true", help="cut first morning, last evening")
    parser.add_argument("--intervals", action="store_true", help="write an interval export")
    parser.add_argument("--seed", type=int, default=1, help="seed of the defects")
    args = parser.parse_args(argv)
    manifest = json.loads((args.run / "manifest.json").read_text(encoding="utf-8"))
    scenario = sim.scenario.validate(manifest["scenario"])
    if args.intervals:
        table = pd.read_parquet(args.run / "intervals.parquet")
        export = interval_export(table, scenario, args.start, args.timezone)
    else:
        calls = pd.read_parquet(args.run / "calls.parquet")
        export = acd_export(
            calls,
            scenario,
            args.start,
            args.timezone,
            args.drop_share,
            args.second_timezone_share,
            args.truncate,
            args.seed,
        )
    export.to_csv(args.out, index=False)
    print(f"wrote {len(export):,} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
