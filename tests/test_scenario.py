"""Tests for sim.scenario: defaults, TOML files, dotted overrides and readable errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pydantic
import pytest

import sim
from sim.errors import ScenarioError
from sim.scenario import Scenario, apply_overrides, load_scenario, parse_assignment, valid_keys

ROOT = Path(__file__).resolve().parents[1]
ERLANG = ROOT / "experiments" / "scenarios" / "erlang.toml"


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(overrides: dict, path: Path | None = None) -> ScenarioError:
    """The ScenarioError raised for these overrides (fails the test if none is raised)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides)
    return info.value


# --------------------------------------------------------------------------------------------
# Defaults and files that state only what differs
# --------------------------------------------------------------------------------------------


def test_defaults_validate() -> None:
    scenario = load_scenario()
    assert isinstance(scenario, Scenario)
    assert scenario == Scenario()
    assert scenario.seed == 1
    assert scenario.calendar.days == 5
    assert (scenario.calendar.open_from, scenario.calendar.open_until) == ("08:00", "20:00")
    assert scenario.calendar.interval_minutes == 15
    assert scenario.calendar.intervals_per_day == 48
    assert scenario.calendar.weekdays == ["mon", "tue", "wed", "thu", "fri"]
    assert scenario.arrivals.rate_per_hour == 300.0
    assert scenario.arrivals.profile is None
    assert scenario.service.distribution == "lognormal"
    assert scenario.after_call_work.distribution == "none"
    assert scenario.patience.distribution == "exponential"
    assert scenario.redial.probability == 0.0
    assert scenario.staffing.employees == 40
    assert scenario.staffing.schedule is None
    assert scenario.kpi.service_level_seconds == 20.0
    assert scenario.behavior.enabled is True
    assert scenario.policy.name == "aht"


def test_to_dict_is_plain_json_with_every_section() -> None:
    data = Scenario().to_dict()
    assert json.loads(json.dumps(data)) == data
    sections = {
        "calendar",
        "arrivals",
        "service",
        "after_call_work",
        "patience",
        "redial",
        "staffing",
        "kpi",
        "behavior",
    }
    assert sections <= set(data)
    assert data["staffing"] == {
        "employees": 40,
        "schedule": None,
        "scale": 1.0,
        "adjustment": None,
        "target_service_level": None,
    }


def test_scenario_is_immutable() -> None:
    scenario = Scenario()
    with pytest.raises(pydantic.ValidationError):
        scenario.staffing.employees = 3  # type: ignore[misc]


def test_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_scenario(write(tmp_path, "")) == Scenario()


def test_file_states_only_what_differs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name = "small"
        [behavior]
        enabled = false
        [staffing]
        employees = 12
        [service]
        mean_seconds = 300.0
        """,
    )
    scenario = load_scenario(path)
    assert scenario.name == "small"
    assert scenario.staffing.employees == 12
    assert scenario.service.mean_seconds == 300.0
    # Everything the file does not state keeps its default, including the rest of the sections
    # the file does mention.
    expected = Scenario().to_dict()
    expected["name"] = "small"
    expected["behavior"]["enabled"] = False
    expected["staffing"]["employees"] = 12
    expected["service"]["mean_seconds"] = 300.0
    assert scenario.to_dict() == expected
    assert scenario.service.distribution == "lognormal"


def test_load_accepts_str_path(tmp_path: Path) -> None:
    path = write(tmp_path, "[calendar]\ndays = 2\n")
    assert load_scenario(str(path)).calendar.days == 2


def test_erlang_scenario_file() -> None:
    scenario = load_scenario(ERLANG)
    assert scenario.name == "erlang"
    assert scenario.calendar.open_until == "24:00"
    assert scenario.calendar.intervals_per_day == 96
    assert len(scenario.calendar.weekdays) == 7
    assert scenario.arrivals.rate_per_hour == 600.0
    assert scenario.service.distribution == "exponential"
    assert scenario.staffing.employees == 45


def test_load_scenario_is_exported() -> None:
    assert sim.load_scenario is load_scenario
    assert sim.ScenarioError is ScenarioError
    assert issubclass(ScenarioError, ValueError)


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


def test_override_replaces_a_value_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[staffing]\nemployees = 12\n")
    scenario = load_scenario(path, overrides={"staffing.employees": 45})
    assert scenario.staffing.employees == 45


def test_override_on_the_erlang_file() -> None:
    scenario = load_scenario(ERLANG, overrides={"staffing.employees": 45, "calendar.days": 1})
    assert scenario.staffing.employees == 45
    assert scenario.calendar.days == 1
    assert scenario.arrivals.rate_per_hour == 600.0  # untouched file value


def test_override_creates_missing_sections(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n')
    scenario = load_scenario(
        path, overrides={"redial.probability": 0.25, "patience.distribution": "none"}
    )
    assert scenario.redial.probability == 0.25
    assert scenario.redial.mean_delay_seconds == 600.0
    assert scenario.patience.distribution == "none"


def test_overrides_without_a_file() -> None:
    scenario = load_scenario(None, {"calendar.days": 3, "name": "defaults+"})
    assert scenario.calendar.days == 3
    assert scenario.name == "defaults+"


def test_override_can_set_a_whole_table() -> None:
    scenario = load_scenario(None, {"arrivals.day_of_week": {"mon": 1.5}})
    assert scenario.arrivals.day_of_week == {"mon": 1.5}


def test_overrides_are_applied_together_before_validation() -> None:
    # Each override alone is invalid (the profile needs 4 values for 08:00-10:00 at 30 min,
    # 48 for the default hours); together they are consistent.
    scenario = load_scenario(
        None,
        {
            "calendar.open_until": "10:00",
            "calendar.interval_minutes": 30,
            "arrivals.profile": [0.5, 1.0, 1.5, 1.0],
        },
    )
    assert scenario.calendar.intervals_per_day == 4
    assert scenario.arrivals.profile == [0.5, 1.0, 1.5, 1.0]


def test_empty_or_none_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "[staffing]\nemployees = 7\n")
    assert load_scenario(path, None) == load_scenario(path, {}) == load_scenario(path)


def test_apply_overrides_does_not_mutate_its_input() -> None:
    data = {"staffing": {"employees": 3}}
    result = apply_overrides(data, {"staffing.employees": 9, "redial.probability": 0.1})
    assert data == {"staffing": {"employees": 3}}
    assert result == {"staffing": {"employees": 9}, "redial": {"probability": 0.1}}


def test_override_key_with_an_empty_part_is_rejected() -> None:
    error = error_of({"staffing..employees": 1})
    assert "'staffing..employees'" in str(error)
    assert "dotted key" in str(error)


def test_override_below_a_value_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "x"\n')
    error = error_of({"name.first": 1}, path)
    assert "'name.first'" in str(error)
    assert "'name' is a value, not a table" in str(error)


def test_override_unknown_key_suggests_the_closest() -> None:
    error = error_of({"staffing.employes": 3})
    assert error.problems == [
        "unknown key 'staffing.employes' (did you mean 'staffing.employees'?)"
    ]


def test_with_overrides_returns_a_new_validated_scenario(tmp_path: Path) -> None:
    base = load_scenario(write(tmp_path, 'name = "base"\n[staffing]\nemployees = 12\n'))
    changed = base.with_overrides({"staffing.employees": 30, "redial.probability": 0.5})
    assert changed is not base
    assert changed.staffing.employees == 30
    assert changed.redial.probability == 0.5
    assert changed.name == "base"  # other settings come from the original
    assert base.staffing.employees == 12  # the original is unchanged
    assert base.redial.probability == 0.0
    assert base.with_overrides({}) == base


def test_with_overrides_validates() -> None:
    with pytest.raises(ScenarioError) as info:
        Scenario().with_overrides({"staffing.employees": -1})
    assert "staffing.employees = -1" in str(info.value)
    assert "greater than or equal to 0" in str(info.value)
    with pytest.raises(ScenarioError, match=r"did you mean 'service\.mean_seconds'"):
        Scenario().with_overrides({"service.mean": 100})


def test_with_overrides_below_a_value_is_rejected() -> None:
    with pytest.raises(ScenarioError, match=r"'staffing\.employees' is a value, not a table"):
        Scenario().with_overrides({"staffing.employees.x": 1})


# --------------------------------------------------------------------------------------------
# parse_assignment: command-line KEY=VALUE, values read as TOML
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("staffing.employees=45", ("staffing.employees", 45)),
        ("arrivals.rate_per_hour=120.5", ("arrivals.rate_per_hour", 120.5)),
        ("arrivals.rate_per_hour=1e3", ("arrivals.rate_per_hour", 1000.0)),
        ("behavior.enabled=true", ("behavior.enabled", True)),
        ("behavior.enabled=false", ("behavior.enabled", False)),
        ("name='quoted'", ("name", "quoted")),
        ('name="two words"', ("name", "two words")),
        ("patience.distribution=none", ("patience.distribution", "none")),
        ("calendar.open_until=18:00", ("calendar.open_until", "18:00")),
        ("arrivals.profile=[1,2]", ("arrivals.profile", [1, 2])),
        ("arrivals.profile=[0.5, 1.5]", ("arrivals.profile", [0.5, 1.5])),
        ("arrivals.day_of_week={mon=1.2}", ("arrivals.day_of_week", {"mon": 1.2})),
        ("  staffing.employees = 7  ", ("staffing.employees", 7)),
        ("name=a=b", ("name", "a=b")),
        ("name=", ("name", "")),
    ],
)
def test_parse_assignment(text: str, expected: tuple) -> None:
    key, value = parse_assignment(text)
    assert (key, value) == expected
    assert type(value) is type(expected[1])  # 45 is an int, not 45.0; true is a bool, not 1


@pytest.mark.parametrize("text", ["novalue", "staffing.employees", "=3", "  =3", ""])
def test_parse_assignment_needs_key_and_equals(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_assignment(text)
    message = str(info.value)
    assert repr(text) in message
    assert "KEY=VALUE" in message


def test_parsed_bare_word_becomes_a_valid_setting() -> None:
    scenario = load_scenario(None, dict([parse_assignment("patience.distribution=none")]))
    assert scenario.patience.distribution == "none"


# --------------------------------------------------------------------------------------------
# Bad values: the message names the field, the bad value and what is allowed
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fragments"),
    [
        (
            {"staffing.employees": -3},
            ["staffing.employees", "-3", "greater than or equal to 0"],
        ),
        (
            {"staffing.employees": "abc"},
            ["staffing.employees", "'abc'", "valid integer"],
        ),
        (
            {"staffing.employees": 4.5},
            ["staffing.employees", "4.5", "valid integer"],
        ),
        (
            {"staffing.schedule": 3},
            ["staffing.schedule", "3", "valid list"],
        ),
        (
            {"arrivals.rate_per_hour": -1},
            ["arrivals.rate_per_hour", "-1", "greater than or equal to 0"],
        ),
        (
            {"arrivals.rate_per_hour": -0.5},
            ["arrivals.rate_per_hour", "-0.5", "greater than or equal to 0"],
        ),
        (
            {"arrivals.rate_per_hour": float("nan")},
            ["arrivals.rate_per_hour", "nan"],
        ),
        (
            {"arrivals.day_of_week": {"mon": -1}},
            ["arrivals.day_of_week.mon", "-1", "greater than or equal to 0"],
        ),
        (
            {"arrivals.day_of_week": {"funday": 1.0}},
            ["arrivals.day_of_week", "funday", "'mon'"],
        ),
        ({"calendar.days": 0}, ["calendar.days", "0", "greater than or equal to 1"]),
        ({"calendar.days": -2}, ["calendar.days", "-2", "greater than or equal to 1"]),
        ({"calendar.days": "five"}, ["calendar.days", "'five'", "valid integer"]),
        (
            {"calendar.interval_minutes": 0},
            ["calendar.interval_minutes", "0", "greater than or equal to 1"],
        ),
        (
            {"service.distribution": "gamma"},
            ["service.distribution", "'gamma'", "'exponential', 'lognormal' or 'deterministic'"],
        ),
        (
            {"patience.distribution": "weibull"},
            [
                "patience.distribution",
                "'weibull'",
                "'none', 'exponential', 'lognormal' or 'deterministic'",
            ],
        ),
        (
            {"service.distribution": "none"},  # talk time cannot be 'none'
            ["service.distribution", "'none'", "'exponential'"],
        ),
        ({"service.mean_seconds": 0}, ["service.mean_seconds", "0", "greater than 0"]),
        ({"service.cv": -1.0}, ["service.cv", "-1.0", "greater than 0"]),
        (
            {"after_call_work.mean_seconds": -5},
            ["after_call_work.mean_seconds", "-5", "greater than 0"],
        ),
        ({"redial.probability": 1.5}, ["redial.probability", "1.5", "less than or equal to 1"]),
        (
            {"redial.probability": -0.1},
            ["redial.probability", "-0.1", "greater than or equal to 0"],
        ),
        (
            {"kpi.service_level_seconds": -1},
            ["kpi.service_level_seconds", "-1", "greater than or equal to 0"],
        ),
        ({"seed": -1}, ["seed", "-1", "greater than or equal to 0"]),
        ({"name": 5}, ["name", "5", "valid string"]),
        ({"policy.name": "nosuch"}, ["policy.name", "nosuch", "allowed: aht", "volume"]),
        (
            {"churn.max_probability": 1.5},
            ["churn.max_probability", "1.5", "less than or equal to 1"],
        ),
        ({"policy.aht_target_seconds": -5}, ["policy.aht_target_seconds", "-5", "greater than"]),
        (
            {"calendar.weekdays": ["monday"]},
            ["calendar.weekdays", "'monday'", "'mon', 'tue'"],
        ),
        ({"calendar.weekdays": []}, ["calendar.weekdays", "at least 1 item"]),
    ],
    ids=lambda v: ",".join(v) if isinstance(v, dict) else None,
)
def test_bad_value_message(overrides: dict, fragments: list[str]) -> None:
    error = error_of(overrides)
    assert len(error.problems) == 1, error.problems
    message = str(error)
    assert message.startswith("invalid scenario")
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "\n" not in message


def test_bad_value_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[staffing]\nemployees = -3\n")
    error = error_of({}, path)
    assert error.source == str(path)
    assert str(error) == (
        f"invalid scenario {path}: staffing.employees = -3: Input should be greater than or "
        "equal to 0"
    )


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [staffing]
        employees = -1
        [redial]
        probability = 2
        [foo]
        x = 1
        """,
    )
    error = error_of({}, path)
    assert len(error.problems) == 3
    message = str(error)
    assert "staffing.employees = -1" in message
    assert "redial.probability = 2" in message
    assert "unknown key 'foo'" in message


def test_closing_before_opening() -> None:
    error = error_of({"calendar.open_from": "20:00", "calendar.open_until": "08:00"})
    assert error.problems == [
        "calendar.open_until ('08:00') must be later than calendar.open_from ('20:00')"
    ]


def test_closing_at_opening() -> None:
    error = error_of({"calendar.open_from": "09:00", "calendar.open_until": "09:00"})
    assert "must be later than calendar.open_from ('09:00')" in str(error)


def test_duplicate_weekday() -> None:
    error = error_of({"calendar.weekdays": ["mon", "tue", "mon"]})
    assert "calendar.weekdays" in str(error)
    assert "names a weekday twice" in str(error)


def test_start_weekday_must_be_an_opening_day() -> None:
    error = error_of({"calendar.start_weekday": "sun"})
    assert "calendar.start_weekday 'sun' is not one of calendar.weekdays" in str(error)
    ok = load_scenario(None, {"calendar.start_weekday": "wed"})
    assert [ok.calendar.weekday(d) for d in range(4)] == ["wed", "thu", "fri", "mon"]


# --------------------------------------------------------------------------------------------
# Bugs: wrong types or values that are accepted although they should not be
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["staffing.employees", "calendar.days"])
def test_bool_is_not_an_integer(key: str) -> None:
    error = error_of({key: True})
    assert key in str(error)
    assert "valid integer" in str(error)


@pytest.mark.parametrize("key", ["arrivals.rate_per_hour", "service.mean_seconds"])
def test_infinite_value_is_rejected(key: str) -> None:
    error = error_of({key: float("inf")})
    assert key in str(error)
    assert "inf" in str(error)


@pytest.mark.parametrize(
    ("text", "overrides"),
    [
        ("[staffing.employees]\nx = 1\n", {}),
        ('name = "x"\n', {"staffing.employees.x": 1}),
    ],
    ids=["file", "override"],
)
def test_table_for_a_number_names_the_field(tmp_path: Path, text: str, overrides: dict) -> None:
    error = error_of(overrides, write(tmp_path, text))
    assert "staffing.employees" in str(error)
    assert "valid integer" in str(error)


# --------------------------------------------------------------------------------------------
# Unknown keys
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[stafing]\nemployees = 3\n", "unknown key 'stafing' (did you mean 'staffing'?)"),
        (
            "[service]\nmean = 3\n",
            "unknown key 'service.mean' (did you mean 'service.mean_seconds'?)",
        ),
        (
            "[calendar]\nday = 3\n",
            "unknown key 'calendar.day' (did you mean 'calendar.days'?)",
        ),
        ("sed = 3\n", "unknown key 'sed' (did you mean 'seed'?)"),
        ("zzz_unrelated = 3\n", "unknown key 'zzz_unrelated'"),
    ],
)
def test_unknown_key_in_a_file(tmp_path: Path, text: str, expected: str) -> None:
    error = error_of({}, write(tmp_path, text))
    assert error.problems == [expected]


def test_unknown_key_via_override() -> None:
    error = error_of({"stafing.employees": 3})
    assert error.problems == ["unknown key 'stafing' (did you mean 'staffing'?)"]
    error = error_of({"service.mean": 3})
    assert error.problems == ["unknown key 'service.mean' (did you mean 'service.mean_seconds'?)"]


def test_valid_keys_lists_sections_and_fields() -> None:
    keys = valid_keys()
    assert {"staffing", "staffing.employees", "service.mean_seconds", "calendar.days"} <= set(keys)
    assert "seed" in keys


# --------------------------------------------------------------------------------------------
# Missing and malformed files
# --------------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    error = error_of({}, path)
    assert "file not found" in str(error)
    assert str(path) in str(error)


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    error = error_of({}, tmp_path)
    assert "cannot read" in str(error)
    assert str(tmp_path) in str(error)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    error = error_of({}, path)
    assert "cannot read" in str(error)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('name = "ok"\nstaffing employees = 3\n', 2),
        ('name = "unterminated\n', 1),
        ("[staffing]\nemployees = 3\nemployees = 4\n", 3),
        ("[calendar]\ndays = 1\n\n[calendar\n", 4),
    ],
)
def test_malformed_toml_gives_the_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    error = error_of({}, path)
    message = str(error)
    assert "malformed TOML" in message
    assert str(path) in message
    assert f"line {line}" in message
    assert "\n" not in message


# --------------------------------------------------------------------------------------------
# Per-interval lists and the opening hours
# --------------------------------------------------------------------------------------------


def test_profile_with_the_right_length() -> None:
    profile = [1.0] * 24 + [2.0] * 24
    scenario = load_scenario(None, {"arrivals.profile": profile})
    assert scenario.arrivals.profile == profile


@pytest.mark.parametrize("key", ["arrivals.profile", "staffing.schedule"])
@pytest.mark.parametrize("length", [2, 47, 49])
def test_per_interval_list_with_the_wrong_length(key: str, length: int) -> None:
    error = error_of({key: [1] * length})
    assert error.problems == [
        f"{key} has {length} values; the opening hours 08:00-20:00 in 15-minute intervals "
        "need exactly 48"
    ]


def test_schedule_length_follows_the_calendar(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [calendar]
        open_from = "09:00"
        open_until = "12:00"
        interval_minutes = 60
        [staffing]
        schedule = [3, 5, 4]
        """,
    )
    scenario = load_scenario(path)
    assert scenario.staffing.schedule == [3, 5, 4]
    error = error_of({"calendar.interval_minutes": 30}, path)
    assert "staffing.schedule has 3 values" in str(error)
    assert "need exactly 6" in str(error)


def test_negative_schedule_entry_names_the_position() -> None:
    error = error_of({"staffing.schedule": [5] * 10 + [-2] + [5] * 37})
    assert "staffing.schedule.10 = -2" in str(error)
    assert "greater than or equal to 0" in str(error)


def test_open_until_midnight_is_accepted() -> None:
    scenario = load_scenario(None, {"calendar.open_from": "00:00", "calendar.open_until": "24:00"})
    assert scenario.calendar.close_second == 24 * 3600
    assert scenario.calendar.intervals_per_day == 96


@pytest.mark.parametrize("key", ["calendar.open_until", "calendar.open_from"])
@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("24:30", "between '00:00' and '24:00'"),
        ("25:00", "between '00:00' and '24:00'"),
        ("12:60", "between '00:00' and '24:00'"),
        ("8h", "use 'HH:MM'"),
        ("0800", "use 'HH:MM'"),
        ("08:00:00", "use 'HH:MM'"),
        ("", "use 'HH:MM'"),
    ],
)
def test_bad_clock_time(key: str, value: str, allowed: str) -> None:
    error = error_of({key: value})
    message = str(error)
    assert f"{key} = {value!r}" in message
    assert allowed in message


@pytest.mark.parametrize(
    ("overrides", "hours", "minutes"),
    [
        ({"calendar.interval_minutes": 25}, "08:00-20:00", 25),
        ({"calendar.open_from": "08:10"}, "08:10-20:00", 15),
        ({"calendar.interval_minutes": 1440}, "08:00-20:00", 1440),
    ],
)
def test_interval_must_divide_the_opening_hours(overrides: dict, hours: str, minutes: int) -> None:
    error = error_of(overrides)
    assert error.problems == [
        f"the opening hours {hours} are not a whole number of calendar.interval_minutes ({minutes})"
    ]


def test_interval_dividing_the_opening_hours_is_accepted() -> None:
    scenario = load_scenario(None, {"calendar.interval_minutes": 45})
    assert scenario.calendar.intervals_per_day == 16
    scenario = load_scenario(None, {"calendar.interval_minutes": 30, "calendar.open_from": "08:30"})
    assert scenario.calendar.intervals_per_day == 23


def test_one_field_of_a_default_reason_can_be_set_alone() -> None:
    scenario = load_scenario(None, {"demand.reasons.question.need_mean_seconds": 200.0})
    reasons, defaults = scenario.demand.reasons, Scenario().demand.reasons
    assert reasons["question"].need_mean_seconds == 200.0
    assert reasons["question"].share == defaults["question"].share
    assert list(reasons) == list(defaults)  # the other default reasons stay
    assert reasons["buying"] == defaults["buying"]


def test_reasons_with_shares_are_the_whole_mix() -> None:
    mix = {
        "demand.reasons": {
            "question": {"share": 0.6, "need_mean_seconds": 240.0, "sales_opportunity": 0.25},
            "buying": {"share": 0.4, "need_mean_seconds": 330.0, "sales_opportunity": 1.0},
        }
    }
    assert list(load_scenario(None, mix).demand.reasons) == ["question", "buying"]
    edited = load_scenario(None, {**mix, "demand.reasons.question.need_cv": 0.3})
    assert list(edited.demand.reasons) == ["question", "buying"]
    assert edited.demand.reasons["question"].need_cv == 0.3


def test_editing_a_reason_that_is_not_a_default_says_how_to_add_one() -> None:
    error = error_of({"demand.reasons.billing.need_mean_seconds": 200.0})
    assert "demand.reasons.billing is not a default reason" in str(error)
    assert "share, need_mean_seconds and sales_opportunity" in str(error)
