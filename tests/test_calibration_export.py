"""Reading ACD exports for `ccsim calibrate`: the column mapping, per-contact and interval
exports (each bad export one line naming the row, column and value; daylight-saving days,
truncation and a second time zone repaired and noted), `--inspect`, and the script that
turns a simulated run into an export (a round trip)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration.contacts import read_contacts
from sim.calibration.inspect import inspect_export
from sim.calibration.interval_export import read_intervals
from sim.calibration.mapping import Mapping, load_mapping
from sim.calibration.reading import read_export
from sim.errors import ExportError
from tests.helpers import erlang_scenario, experiment_script

AMSTERDAM = "Europe/Amsterdam"


def make_export_script():
    """experiments/calibration/make_export.py as a module."""
    return experiment_script("calibration/make_export.py")


def contacts_frame(n: int = 6, day: str = "2026-03-02") -> pd.DataFrame:
    """A small valid per-contact export: n contacts 10 minutes apart from 08:05."""
    times = pd.date_range(f"{day} 08:05", periods=n, freq="10min")
    answered = [i % 3 != 2 for i in range(n)]
    return pd.DataFrame(
        {
            "arrived_at": [t.isoformat() for t in times],
            "outcome": ["answered" if a else "abandoned" for a in answered],
            "wait_seconds": [str(5 + 10 * i) for i in range(n)],
            "talk_seconds": [str(100 + i) if a else "" for i, a in enumerate(answered)],
            "acw_seconds": ["10" if a else "" for a in answered],
            "agent": [f"a{i % 2}" if a else "" for i, a in enumerate(answered)],
        }
    )


def write(frame: pd.DataFrame, tmp_path, name: str = "export.csv", **kwargs) -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False, **kwargs)
    return str(path)


def refused(call, *words: str) -> str:
    with pytest.raises(ExportError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, message
    for word in words:
        assert word in message, message
    return message


# the mapping


def test_the_default_mapping_needs_no_file():
    mapping = load_mapping(None)
    assert mapping.kind == "contacts" and mapping.column("arrived_at") == "arrived_at"
    assert mapping.service_level_seconds == 20 and mapping.duration_unit == "seconds"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("colums = {}", ["unknown key 'colums'", "did you mean 'columns'"]),
        ('[columns]\narived_at = "Start"', ["'arived_at'", "did you mean 'arrived_at'"]),
        ('timezone = "Europe/Amsterdm"', ["timezone", "did you mean 'Europe/Amsterdam'"]),
        ('duration_unit = "minutes"', ["duration_unit = 'minutes'", "hh:mm:ss"]),
        ('[outcome_values]\nanswerd = ["A"]', ["did you mean 'outcome_values.answered'"]),
        ("kind = ", ["malformed TOML"]),
        ("interval_minutes = 7", ["interval_minutes = 7", "tile the day"]),
    ],
)
def test_a_bad_mapping_names_the_file_and_key(tmp_path, text, words):
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    refused(lambda: load_mapping(path), str(path), *words)


def test_a_missing_mapping_file_is_named(tmp_path):
    refused(lambda: load_mapping(tmp_path / "nope.toml"), "nope.toml", "not found")


# per-contact exports: the checks


def _bad(frame_change):
    frame = contacts_frame()
    frame_change(frame)
    return frame


BAD_CONTACTS = {
    "missing column": (
        lambda f: f.rename(columns={"wait_seconds": "wait_second"}, inplace=True),
        ["column wait_seconds is missing", "did you mean 'wait_second'", "arrived_at, outcome"],
    ),
    "unparseable time": (
        lambda f: f.__setitem__("arrived_at", f["arrived_at"].where(f.index != 2, "2026-13-02")),
        ["row 3, column arrived_at", "'2026-13-02'", "is not a date and time"],
    ),
    "an empty time": (
        lambda f: f.__setitem__("arrived_at", f["arrived_at"].where(f.index != 3, None)),
        ["row 4, column arrived_at: empty is not a date and time"],
    ),
    "unknown outcome": (
        lambda f: f.__setitem__("outcome", f["outcome"].where(f.index != 1, "transferred")),
        ["row 2, column outcome", "'transferred'", "allowed: answered"],
    ),
    "negative duration": (
        lambda f: f.__setitem__("wait_seconds", f["wait_seconds"].where(f.index != 4, "-3")),
        ["row 5, column wait_seconds", "'-3'", "negative"],
    ),
    "non-numeric duration": (
        lambda f: f.__setitem__("talk_seconds", f["talk_seconds"].where(f.index != 0, "long")),
        ["row 1, column talk_seconds", "'long'", "is not a number of seconds"],
    ),
    "talk missing for an answered call": (
        lambda f: f.__setitem__("talk_seconds", f["talk_seconds"].where(f.index != 3, "")),
        ["row 4, column talk_seconds", "empty for an answered contact"],
    ),
    "mixed naive and offset times": (
        lambda f: f.__setitem__(
            "arrived_at", f["arrived_at"].where(f.index != 2, "2026-03-02T08:25:00+01:00")
        ),
        ["row 1, column arrived_at", "row 3", "a mix of times with and without offsets"],
    ),
    "offsets of two zones without a timezone": (
        lambda f: f.__setitem__(
            "arrived_at",
            [t + ("Z" if i == 4 else "+01:00") for i, t in enumerate(f["arrived_at"])],
        ),
        ["row 5, column arrived_at", "+00:00", "+01:00", "name the center's time zone"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_CONTACTS))
def test_a_bad_contact_export_gets_one_line_naming_row_column_and_value(tmp_path, case):
    change, words = BAD_CONTACTS[case]
    path = write(_bad(change), tmp_path)
    refused(lambda: read_contacts(path), path, *words)


def test_duplicated_rows_are_refused_naming_both(tmp_path):
    frame = contacts_frame()
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)
    refused(lambda: read_contacts(write(frame, tmp_path)), "row 7 duplicates row 2")


def test_a_time_in_the_spring_forward_gap_is_refused(tmp_path):
    frame = contacts_frame(day="2026-03-29")
    frame.loc[2, "arrived_at"] = "2026-03-29T02:30:00"
    path = write(frame, tmp_path)
    refused(
        lambda: read_contacts(path, Mapping(timezone=AMSTERDAM)),
        "row 3, column arrived_at",
        "2026-03-29 02:30:00",
        "does not exist in Europe/Amsterdam",
    )


# per-contact exports: normalized, observed, repaired


def test_contacts_are_normalized_and_observed_per_interval(tmp_path):
    export = read_contacts(write(contacts_frame(), tmp_path))
    c = export.contacts
    assert list(c.columns) == list(sim.calibration.records.CONTACT_COLUMNS)
    assert c["row"].tolist() == [1, 2, 3, 4, 5, 6]
    assert c["answered"].tolist() == [True, True, False, True, True, False]
    assert np.isnan(c.loc[2, "talk"]) and c.loc[0, "second"] == 8 * 3600 + 300
    assert (export.open_from, export.open_until, export.weekdays) == ("08:00", "09:00", ["mon"])
    o = export.observed
    assert list(o.columns) == list(sim.calibration.records.OBSERVED_COLUMNS)
    assert o["offered"].tolist() == [1, 2, 1, 2]  # 08:05 | 08:15 08:25 | 08:35 | 08:45 08:55
    second = o.iloc[1]  # 08:15 answered (wait 15, talk 101, acw 10, a1), 08:25 abandoned
    assert (second["answered"], second["abandoned"], second["answered_in_target"]) == (1, 1, 1)
    assert (second["asa"], second["aht"]) == (15.0, 111.0)
    assert (
        0 < second["staff"] <= 1
    )  # one agent, part of the interval (tests/test_calibration_sessions.py)
    last = o.iloc[3]  # 08:45 answered (wait 45 > 20, talk 104, a0), 08:55 abandoned
    assert (last["answered_in_target"], last["asa"], last["aht"]) == (0, 45.0, 114.0)
    assert (o["exposure"] == 900).all()


def test_without_an_agent_column_staff_is_unknown(tmp_path):
    export = read_contacts(write(contacts_frame().drop(columns="agent"), tmp_path))
    assert export.observed["staff"].isna().all()


def test_fully_empty_rows_are_left_out_and_counted(tmp_path):
    frame = contacts_frame()
    frame.loc[2.5] = [None] * len(frame.columns)
    frame = frame.sort_index().reset_index(drop=True)
    export = read_contacts(write(frame, tmp_path))
    assert len(export.contacts) == 6 and export.contacts["row"].tolist()[3] == 5
    assert any("1 fully empty rows left out" in n for n in export.notes)


def test_a_mapping_renames_columns_and_reads_formats(tmp_path):
    frame = contacts_frame()
    frame = pd.DataFrame(
        {
            "Start": pd.to_datetime(frame["arrived_at"]).dt.strftime("%d/%m/%Y %H:%M:%S"),
            "Result": frame["outcome"].map({"answered": "ANS", "abandoned": "ABN"}),
            "Queue": ["0:00:05", "0:00:15", "0:00:25", "0:00:35", "0:00:45", "0:00:55"],
            "Talk": ["0:01:40", "0:01:41", "", "0:01:43", "0:01:44", ""],
        }
    )
    path = write(frame, tmp_path, sep=";")
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(
        'datetime_format = "%d/%m/%Y %H:%M:%S"\nduration_unit = "hh:mm:ss"\n'
        '[columns]\narrived_at = "Start"\noutcome = "Result"\nwait_seconds = "Queue"\n'
        'talk_seconds = "Talk"\n[outcome_values]\nanswered = ["ANS"]\nabandoned = ["ABN"]\n'
    )
    export = read_export(path, mapping_file)
    assert export.contacts["wait"].tolist() == [5, 15, 25, 35, 45, 55]
    assert export.contacts["talk"].iloc[1] == 101 and export.contacts["acw"].isna().all()
    assert export.contacts["arrived"].iloc[0] == pd.Timestamp("2026-03-02 08:05")


def test_milliseconds_parquet_and_gzip_are_read(tmp_path):
    frame = contacts_frame()
    frame["wait_seconds"] = (frame["wait_seconds"].astype(float) * 1000).astype(str)
    frame["talk_seconds"] = pd.to_numeric(frame["talk_seconds"]) * 1000
    frame["acw_seconds"] = pd.to_numeric(frame["acw_seconds"]) * 1000
    mapping = Mapping(duration_unit="milliseconds")
    gz = read_contacts(write(frame, tmp_path, "export.csv.gz"), mapping)
    pq = tmp_path / "export.parquet"
    frame.assign(arrived_at=pd.to_datetime(frame["arrived_at"])).to_parquet(pq)
    parquet = read_contacts(pq, mapping)
    for export in (gz, parquet):
        assert export.contacts["wait"].tolist() == [5, 15, 25, 35, 45, 55]
        assert export.contacts["talk"].iloc[0] == 100


def test_offsets_are_converted_to_the_centers_time_zone(tmp_path):
    frame = contacts_frame()
    local = pd.to_datetime(frame["arrived_at"])
    utc = local.dt.tz_localize(AMSTERDAM).dt.tz_convert("UTC")
    frame["arrived_at"] = [
        (u.isoformat() if i % 2 else u.tz_convert(AMSTERDAM).isoformat()) for i, u in enumerate(utc)
    ]
    export = read_contacts(write(frame, tmp_path), Mapping(timezone=AMSTERDAM))
    assert export.contacts["arrived"].tolist() == local.tolist()
    assert any("converted to Europe/Amsterdam" in n for n in export.notes)


def test_truncated_first_and_last_days_and_empty_dates_have_no_exposure(tmp_path):
    days = ("2026-03-02", "2026-03-03", "2026-03-09", "2026-03-10")  # mon tue mon tue
    full = pd.concat([contacts_frame(n=12, day=d) for d in days], ignore_index=True)
    cut = full.drop(index=[0, 1, 46, 47])  # the first day from 08:25, the last until 09:35
    export = read_contacts(write(cut, tmp_path))
    o = export.observed.set_index(["date", "start"])["exposure"]
    assert (export.open_from, export.open_until) == ("08:00", "10:00")
    assert export.weekdays == ["mon", "tue"]
    assert o[(pd.Timestamp("2026-03-02"), "08:00")] == 0
    assert o[(pd.Timestamp("2026-03-02"), "08:15")] == 900
    assert o[(pd.Timestamp("2026-03-10"), "09:30")] == 900
    assert o[(pd.Timestamp("2026-03-10"), "09:45")] == 0
    assert o.drop(index=[pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-10")]).eq(900).all()
    notes = " ".join(export.notes)
    assert "the export starts 2026-03-02 at 08:15 and ends 2026-03-10 at 09:45" in notes
    export = read_contacts(write(cut.drop(index=range(12, 24)), tmp_path, "gap.csv"))
    assert (
        export.observed.loc[export.observed["date"] == pd.Timestamp("2026-03-03"), "exposure"]
        .eq(0)
        .all()
    )
    notes = " ".join(export.notes)
    assert "without any contact left out" in notes and "2026-03-03" in notes


def test_the_repeated_autumn_hour_of_a_24_hour_center_counts_twice(tmp_path):
    times = pd.date_range("2026-10-25 00:10", "2026-10-25 23:50", freq="20min")
    frame = contacts_frame(n=len(times))
    frame["arrived_at"] = [t.isoformat() for t in times]
    frame.loc[0, "arrived_at"] = "2026-10-25T00:00:00"
    frame.loc[len(frame) - 1, "arrived_at"] = "2026-10-25T23:59:00"
    export = read_contacts(write(frame, tmp_path), Mapping(timezone=AMSTERDAM))
    o = export.observed.set_index("start")["exposure"]
    assert o["02:00"] == o["02:45"] == 1800 and o["01:45"] == o["03:00"] == 900
    assert o.sum() == 25 * 3600


def test_naive_times_of_the_repeated_hour_keep_the_order_of_the_rows(tmp_path):
    frame = contacts_frame(n=4, day="2026-10-25")
    frame["arrived_at"] = [
        "2026-10-25T02:10",
        "2026-10-25T02:50",
        "2026-10-25T02:05",
        "2026-10-25T02:40",
    ]
    export = read_contacts(write(frame, tmp_path), Mapping(timezone=AMSTERDAM))
    assert export.contacts["row"].tolist() == [1, 2, 3, 4]
    assert any("placed in the order of the rows" in n for n in export.notes)
    plain = read_contacts(write(frame, tmp_path, "plain.csv"))  # no time zone: by wall clock
    assert plain.contacts["row"].tolist() == [3, 1, 4, 2]


# interval exports


def interval_frame(days=("2026-03-02", "2026-03-03"), start="08:00", end="09:45", **columns):
    starts = [t for d in days for t in pd.date_range(f"{d} {start}", f"{d} {end}", freq="15min")]
    frame = pd.DataFrame({"interval_start": [t.isoformat() for t in starts]})
    base = {"offered": 10, "answered": 8, "abandoned": 2, "asa_seconds": 12.5}
    base |= {"aht_seconds": 300, "service_level": 0.8, "staff": 3}
    return frame.assign(**(base | columns))


def test_an_interval_export_is_observed(tmp_path):
    export = read_intervals(write(interval_frame(), tmp_path))
    assert export.contacts is None and export.kind == "intervals"
    assert (export.interval_minutes, export.open_from, export.open_until) == (15, "08:00", "10:00")
    o = export.observed
    assert len(o) == 16 and (o["answered_in_target"] == 8).all() and (o["staff"] == 3).all()
    assert (o["asa"] == 12.5).all() and (o["exposure"] == 900).all()


def test_interval_length_and_a_percent_service_level_are_detected(tmp_path):
    frame = interval_frame(service_level=80.0).iloc[::2]
    export = read_intervals(write(frame, tmp_path))
    assert export.interval_minutes == 30 and (export.observed["answered_in_target"] == 8).all()
    assert any("percent" in n for n in export.notes)


BAD_INTERVALS = {
    "a gap": (lambda f: f.drop(index=3), ["date 2026-03-02", "no interval from 08:45 to 09:00"]),
    "an overlap": (
        lambda f: f.assign(
            interval_start=f["interval_start"].where(f.index != 2, "2026-03-02T08:37:00")
        ),
        ["row 3, column interval_start", "08:37", "grid", "tile the day"],
    ),
    "a repeated interval": (
        lambda f: pd.concat([f, f.iloc[[4]].assign(offered=11)], ignore_index=True),
        ["date 2026-03-02", "09:00 appears 2 times (rows 5 and 17)"],
    ),
    "more answered and abandoned than offered": (
        lambda f: f.assign(answered=f["answered"].where(f.index != 6, 9)),
        ["row 7", "9 + 2 is more than offered 10"],
    ),
    "a negative count": (
        lambda f: f.assign(offered=f["offered"].where(f.index != 1, -1)),
        ["row 2, column offered", "'-1'", "0 or more"],
    ),
    "a duplicated row": (
        lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True),
        ["date 2026-03-02", "08:30 appears 2 times (rows 3 and 17)"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INTERVALS))
def test_a_bad_interval_export_gets_one_line(tmp_path, case):
    change, words = BAD_INTERVALS[case]
    path = write(change(interval_frame()), tmp_path)
    refused(lambda: read_intervals(path), path, *words)


def test_daylight_saving_days_need_the_time_zone(tmp_path):
    spring = interval_frame(days=("2026-03-29",), start="00:00", end="23:45")
    spring = spring[~spring["interval_start"].str.contains("T02:")]
    path = write(spring, tmp_path, "spring.csv")
    refused(lambda: read_intervals(path), "2026-03-29", "02:00 to 03:00", "timezone")
    autumn = interval_frame(days=("2026-10-25",), start="00:00", end="23:45")
    repeat = autumn[autumn["interval_start"].str.contains("T02:")].assign(offered=12)
    autumn = pd.concat([autumn.iloc[:12], repeat, autumn.iloc[12:]], ignore_index=True)
    path_autumn = write(autumn, tmp_path, "autumn.csv")
    refused(lambda: read_intervals(path_autumn), "2026-10-25", "02:00 appears 2 times", "timezone")
    zone = Mapping(kind="intervals", timezone=AMSTERDAM)
    o = read_intervals(path, zone).observed.set_index("start")
    assert o.loc["02:00", "exposure"] == 0 and o.loc["03:00", "exposure"] == 900
    o = read_intervals(path_autumn, zone).observed.set_index("start")
    assert o.loc["02:15", "exposure"] == 1800 and o.loc["02:15", "offered"] == 22


def test_a_named_time_zone_excuses_only_the_repeated_autumn_hour(tmp_path):
    autumn = interval_frame(days=("2026-10-25",), start="00:00", end="23:45")
    repeat = autumn[autumn["interval_start"].str.contains("T02:|T08:00")]
    path = write(pd.concat([autumn, repeat], ignore_index=True), tmp_path)
    zone = Mapping(kind="intervals", timezone=AMSTERDAM)
    refused(lambda: read_intervals(path, zone), "08:00 appears 2 times (rows 33 and 101)")
    thrice = autumn[autumn["interval_start"].str.contains("T02:00")]
    path = write(pd.concat([autumn, thrice, thrice], ignore_index=True), tmp_path, "3.csv")
    refused(lambda: read_intervals(path, zone), "02:00 appears 3 times (rows 9, 97 and 98)")


# inspect


def test_inspect_guesses_the_columns_and_writes_a_valid_mapping(tmp_path):
    frame = contacts_frame()
    frame = pd.DataFrame(
        {
            "Call Start": pd.to_datetime(frame["arrived_at"]).dt.strftime("%d-%m-%Y %H:%M:%S"),
            "Status": frame["outcome"].map({"answered": "ANS", "abandoned": "ABANDON"}),
            "Queue Time": frame["wait_seconds"],
            "Talk Time": frame["talk_seconds"],
            "Wrap": frame["acw_seconds"],
            "Agent ID": frame["agent"],
        }
    )
    path = write(frame, tmp_path, sep=";")
    text = inspect_export(path)
    assert "'Call Start'" in text and "-> arrived_at" in text and "-> acw_seconds" in text
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(text.split("pass with --mapping):", 1)[1])
    export = read_export(path, mapping_file)
    assert export.contacts["answered"].tolist() == [True, True, False, True, True, False]
    assert export.contacts["agent"].iloc[0] == "a0"


def test_inspect_recognizes_an_interval_export(tmp_path):
    path = write(interval_frame().rename(columns={"offered": "Calls Offered"}), tmp_path)
    text = inspect_export(path)
    assert 'kind = "intervals"' in text and 'offered = "Calls Offered"' in text
    mapping_file = tmp_path / "mapping.toml"
    mapping_file.write_text(text.split("pass with --mapping):", 1)[1])
    assert len(read_export(path, mapping_file).observed) == 16


# make_export: a simulated run as an ACD export, read back


@pytest.fixture(scope="module")
def run():
    scenario = erlang_scenario(
        arrivals__rate_per_hour=60,
        staffing__employees=5,
        calendar__days=3,
        calendar__weekdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        calendar__start_weekday="sun",
    )
    return scenario, sim.metrics.run(scenario, seed=3)


def test_a_simulated_export_reads_back_the_same_contacts(run, tmp_path):
    scenario, result = run
    make = make_export_script()
    export = make.acd_export(result.calls, scenario, "2026-03-01")
    back = read_contacts(write(export, tmp_path))
    calls = result.calls.sort_values("arrival_time")
    c = back.contacts
    assert len(c) == len(calls) and back.weekdays == ["mon", "tue", "sun"]
    assert back.open_from == "00:00" and back.open_until == "24:00"
    assert np.allclose(c["wait"], calls["wait"], atol=1e-3)
    answered = (calls["outcome"].astype(str) == "answered").to_numpy()
    assert np.allclose(c["talk"][answered], calls["talk_time"][answered], atol=1e-3)
    assert c["date"].iloc[0] == pd.Timestamp("2026-03-01")  # a sunday, as start_weekday says
    assert back.observed["offered"].sum() == len(calls) and (back.observed["exposure"] == 900).all()


def test_a_simulated_export_over_daylight_saving_days(run, tmp_path):
    scenario, result = run
    make = make_export_script()
    zone = Mapping(timezone=AMSTERDAM)
    for start, day, factor in (("2026-03-29", "2026-03-29", 0), ("2026-10-25", "2026-10-25", 2)):
        export = make.acd_export(result.calls, scenario, start, AMSTERDAM)
        back = read_contacts(write(export, tmp_path, f"{start}.csv"), zone)
        on_day = back.observed["date"] == pd.Timestamp(day)
        o = back.observed[on_day].set_index("start")["exposure"]
        assert (o[["02:00", "02:15", "02:30", "02:45"]] == 900 * factor).all()
        assert o["03:00"] == 900 and back.observed.loc[~on_day, "exposure"].eq(900).all()
        missing = (
            (result.calls["day"] == 0) & (result.calls["arrival_time"] % 86400 // 3600 == 2)
        ).sum()
        assert len(back.contacts) == len(result.calls) - (missing if factor == 0 else 0)


def test_a_second_time_zone_reads_back_the_local_times(run, tmp_path):
    scenario, result = run
    make = make_export_script()
    export = make.acd_export(
        result.calls, scenario, "2026-03-02", AMSTERDAM, second_timezone_share=0.3
    )
    assert export["arrived_at"].str.endswith("+00:00").mean() == pytest.approx(0.3, abs=0.05)
    back = read_contacts(write(export, tmp_path), Mapping(timezone=AMSTERDAM))
    plain = read_contacts(
        write(make.acd_export(result.calls, scenario, "2026-03-02"), tmp_path, "p.csv")
    )
    assert (back.contacts["arrived"] == plain.contacts["arrived"]).all()


def test_defects_drop_and_truncate_rows(run, tmp_path):
    scenario, result = run
    make = make_export_script()
    export = make.acd_export(result.calls, scenario, "2026-03-02", drop_share=0.1, truncate=True)
    back = read_contacts(write(export, tmp_path))
    assert len(back.contacts) < 0.7 * len(result.calls)
    o = back.observed
    first, last = o["date"] == o["date"].min(), o["date"] == o["date"].max()
    assert o.loc[first & (o["start"] < "12:00"), "exposure"].eq(0).all()
    assert o.loc[first & (o["start"] >= "12:00"), "exposure"].eq(900).all()
    assert o.loc[last & (o["start"] >= "12:00"), "exposure"].eq(0).all()
    assert o.loc[last & (o["start"] < "12:00"), "exposure"].eq(900).all()


def test_a_simulated_interval_export_reads_back(run, tmp_path):
    scenario, result = run
    make = make_export_script()
    export = make.interval_export(result.intervals, scenario, "2026-03-01")
    back = read_intervals(write(export, tmp_path))
    assert back.observed["offered"].sum() == result.intervals["offered"].sum()
    assert np.allclose(back.observed["staff"], result.intervals["staffed"])
    assert back.interval_minutes == 15


def test_the_script_writes_an_export_from_a_run_folder(run, tmp_path):
    _, result = run
    result.write(tmp_path / "run")
    make = make_export_script()
    out = tmp_path / "export.csv"
    make.main(
        [str(tmp_path / "run"), "--out", str(out), "--start", "2026-03-01", "--drop-share", "0.5"]
    )
    assert 0.4 < len(read_contacts(out).contacts) / len(result.calls) < 0.6
    make.main([str(tmp_path / "run"), "--out", str(out), "--intervals"])
    assert read_intervals(out).observed["offered"].sum() == result.intervals["offered"].sum()
