"""Tests for the `ccsim` command line: in-process via sim.cli.main() and via the console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
ERLANG = ROOT / "experiments" / "scenarios" / "erlang.toml"

# One short day (the erlang scenario is open 24 h): each run takes well under a second.
SMALL = [
    "--set",
    "calendar.days=1",
    "--set",
    "arrivals.rate_per_hour=120",
    "--set",
    "staffing.employees=10",
]
SMALL_OVERRIDES = {"calendar.days": 1, "arrivals.rate_per_hour": 120, "staffing.employees": 10}

KPI_KEYS = {
    "offered",
    "handled",
    "abandoned",
    "abandonment_rate",
    "delayed_fraction",
    "service_level",
    "asa",
    "mean_wait",
    "aht",
    "occupancy",
}
OUT_FILES = {"calls.parquet", "intervals.parquet", "daily.parquet", "kpis.json", "manifest.json"}


def ccsim(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run `ccsim ARGS` in-process: (exit code, stdout, stderr)."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse: usage errors, --version
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def strict_json(text: str) -> object:
    """Parse JSON, refusing NaN and Infinity (json.loads accepts them by default)."""

    def refuse(name: str) -> None:
        raise ValueError(f"not valid JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def kpis_from(stdout: str) -> dict:
    assert stdout.endswith("\n")
    assert stdout.count("\n") == 1, f"expected exactly one line of JSON, got {stdout!r}"
    data = strict_json(stdout)
    assert isinstance(data, dict)
    return data


def assert_usage_error(code: int, out: str, err: str, fragments: list[str]) -> None:
    """Exit code 2, nothing on stdout, one line 'ccsim: error: ...' on stderr, no traceback."""
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("ccsim: error: "), err
    assert err.endswith("\n")
    assert err.count("\n") == 1, f"expected one line on stderr, got {err!r}"
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def console_script() -> str:
    """The installed `ccsim` console script of the interpreter running the tests."""
    for name in ("ccsim", "ccsim.exe"):
        candidate = Path(sys.executable).parent / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("ccsim")
    if found is None:
        pytest.fail("the ccsim console script is not installed")
    return found


def run_script(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), *(str(a) for a in args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# --json and the KPI table
# --------------------------------------------------------------------------------------------


def test_json_prints_one_object_of_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, "--json")
    assert code == 0, err
    kpis = kpis_from(out)
    assert set(kpis) >= KPI_KEYS
    assert all(isinstance(kpis[k], int | float) for k in KPI_KEYS)
    # ~120 calls/hour for 24 hours
    assert 2400 < kpis["offered"] < 3400
    assert kpis["handled"] + kpis["abandoned"] <= kpis["offered"]
    assert kpis["handled"] > 0.8 * kpis["offered"]
    for share in (
        "abandonment_rate",
        "delayed_fraction",
        "service_level",
        "occupancy",
    ):
        assert 0.0 <= kpis[share] <= 1.0, share
    assert kpis["abandonment_rate"] == pytest.approx(kpis["abandoned"] / kpis["offered"])
    assert 150 < kpis["aht"] < 350  # exponential talk time, mean 240 s
    assert kpis["asa"] >= 0 and kpis["mean_wait"] >= 0


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL)
    assert code == 0, err
    assert "service level" in out
    assert "calls offered" in out
    assert "abandonment rate" in out
    assert "occupancy" in out
    assert "erlang" in out and "seed 1" in out  # title: scenario name and seed
    assert "%" in out
    assert "results written" not in out
    with pytest.raises(ValueError):
        json.loads(out)


def test_table_shows_undefined_kpis_as_na(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--set", "arrivals.rate_per_hour=0")
    assert code == 0
    assert "n/a" in out
    assert "nan" not in out.lower()


def test_json_has_null_for_undefined_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", ERLANG, *SMALL, "--set", "arrivals.rate_per_hour=0", "--json"]
    code, out, _ = ccsim(capsys, *args)
    assert code == 0
    kpis = kpis_from(out)  # strict: NaN would not parse
    assert kpis["offered"] == 0
    assert kpis["asa"] is None
    assert kpis["service_level"] is None


# --------------------------------------------------------------------------------------------
# --out
# --------------------------------------------------------------------------------------------


def test_out_writes_tables_kpis_and_manifest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "results" / "run1"  # parents are created as needed
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, "--seed", "7", "--out", out_dir, "--json")
    assert code == 0, err
    kpis = kpis_from(out)  # --out adds nothing to stdout in --json mode
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES  # no temporary files left behind

    assert json.loads((out_dir / "kpis.json").read_text()) == kpis

    calls = pd.read_parquet(out_dir / "calls.parquet")
    intervals = pd.read_parquet(out_dir / "intervals.parquet")
    daily = pd.read_parquet(out_dir / "daily.parquet")
    assert len(calls) == kpis["offered"]  # no redials
    assert len(intervals) == 96  # one day, 24 h in 15-minute intervals
    assert len(daily) == 1
    assert intervals["offered"].sum() == kpis["offered"]
    assert daily["offered"].iloc[0] == kpis["offered"]

    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["version"] == sim.__version__
    assert manifest["scenario"] == load_scenario(ERLANG, SMALL_OVERRIDES).to_dict()
    assert manifest["scenario"]["staffing"]["employees"] == 10  # the override is applied
    assert manifest["scenario"]["calendar"]["days"] == 1
    assert manifest["scenario"]["redial"]["probability"] == 0.0  # fully resolved, not just diffs
    assert manifest["scenario"]["kpi"]["service_level_seconds"] == 20.0
    assert manifest["wall_seconds"] >= 0
    datetime.fromisoformat(manifest["started_at"])


def test_out_with_table_says_where(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "res"
    code, out, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--out", out_dir)
    assert code == 0
    assert "service level" in out
    assert "results written" in out
    assert str(out_dir) in out
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES


def test_out_into_a_folder_of_other_files_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, "--out", tmp_path, "--json")
    assert_usage_error(code, out, err, [str(tmp_path), "keep.txt", "choose another --out"])
    assert {p.name for p in tmp_path.iterdir()} == {"keep.txt"}
    assert (tmp_path / "keep.txt").read_text() == "mine"
    again = tmp_path / "run"
    assert ccsim(capsys, "run", ERLANG, *SMALL, "--out", again, "--json")[0] == 0
    assert ccsim(capsys, "run", ERLANG, *SMALL, "--out", again, "--json")[0] == 0  # its own
    assert {p.name for p in again.iterdir()} == OUT_FILES


def test_out_is_an_existing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "results"
    target.write_text("not a directory")
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, "--out", target, "--json")
    assert_usage_error(code, out, err, [str(target), "not a directory"])
    assert target.read_text() == "not a directory"


# --------------------------------------------------------------------------------------------
# Seeds and --set
# --------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_kpis(capsys: pytest.CaptureFixture[str]) -> None:
    runs = [ccsim(capsys, "run", ERLANG, *SMALL, "--seed", "11", "--json") for _ in range(2)]
    assert runs[0][0] == runs[1][0] == 0
    assert runs[0][1] == runs[1][1]
    code, other, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--seed", "12", "--json")
    assert code == 0
    assert kpis_from(other) != kpis_from(runs[0][1])


def test_seed_defaults_to_the_scenario_seed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    code_a, out_a, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--set", "seed=5", "--out", a, "--json")
    code_b, out_b, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--seed", "5", "--out", b, "--json")
    assert code_a == code_b == 0
    assert out_a == out_b
    assert json.loads((a / "manifest.json").read_text())["seed"] == 5
    assert json.loads((b / "manifest.json").read_text())["seed"] == 5


def test_no_seed_uses_the_default_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--out", tmp_path, "--json")
    assert code == 0
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 1


def test_set_bare_word_is_a_string(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = [
        "run",
        ERLANG,
        *SMALL,
        "--set",
        "patience.distribution=none",
        "--out",
        tmp_path,
        "--json",
    ]
    code, out, err = ccsim(capsys, *args)
    assert code == 0, err
    assert kpis_from(out)["abandoned"] == 0  # nobody hangs up
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["scenario"]["patience"]["distribution"] == "none"


def test_set_list_value(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        name = "short"
        [calendar]
        days = 1
        open_from = "08:00"
        open_until = "10:00"
        interval_minutes = 30
        [behavior]
        enabled = false
        """,
    )
    out_dir = tmp_path / "out"
    args = [
        "run",
        path,
        "--set",
        "arrivals.profile=[0, 2, 0, 0]",
        "--set",
        "arrivals.rate_per_hour=120",
        "--out",
        out_dir,
        "--json",
    ]
    code, out, err = ccsim(capsys, *args)
    assert code == 0, err
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["scenario"]["arrivals"]["profile"] == [0, 2, 0, 0]
    intervals = pd.read_parquet(out_dir / "intervals.parquet")
    assert list(intervals["offered"] > 0) == [False, True, False, False]
    assert kpis_from(out)["offered"] == intervals["offered"].sum()


def test_later_set_wins(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = ["run", ERLANG, *SMALL, "--set", "staffing.employees=12", "--out", tmp_path, "--json"]
    code, _, err = ccsim(capsys, *args)
    assert code == 0, err
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["scenario"]["staffing"]["employees"] == 12


# --------------------------------------------------------------------------------------------
# Bad input: exit 2, one line on stderr, nothing written
# --------------------------------------------------------------------------------------------

BAD_SETS = [
    (["staffing.employees=-3"], ["staffing.employees", "-3", "greater than or equal to 0"]),
    (["staffing.employees=abc"], ["staffing.employees", "'abc'", "valid integer"]),
    (["staffing.employees=4.5"], ["staffing.employees", "4.5", "valid integer"]),
    (["staffing.employees="], ["staffing.employees", "''", "valid integer"]),
    (["arrivals.rate_per_hour=-1"], ["arrivals.rate_per_hour", "-1", "greater than or equal to 0"]),
    (["calendar.days=0"], ["calendar.days", "0", "greater than or equal to 1"]),
    (["calendar.days=-2"], ["calendar.days", "-2", "greater than or equal to 1"]),
    (
        ["calendar.open_from=20:00", "calendar.open_until=08:00"],
        ["calendar.open_until ('08:00') must be later than calendar.open_from ('20:00')"],
    ),
    (
        ["service.distribution=gamma"],
        ["service.distribution", "'gamma'", "'exponential', 'lognormal' or 'deterministic'"],
    ),
    (["redial.probability=1.5"], ["redial.probability", "1.5", "less than or equal to 1"]),
    (["redial.probability=-0.2"], ["redial.probability", "-0.2", "greater than or equal to 0"]),
    (["stafing.employees=3"], ["unknown key 'stafing'", "did you mean 'staffing'?"]),
    (["service.mean=3"], ["unknown key 'service.mean'", "did you mean 'service.mean_seconds'?"]),
    (["calendar.open_until=24:30"], ["calendar.open_until", "'24:30'", "'24:00'"]),
    (["calendar.open_until=8h"], ["calendar.open_until", "'8h'", "HH:MM"]),
    (["calendar.interval_minutes=25"], ["calendar.interval_minutes (25)", "whole number"]),
    (["arrivals.profile=[1,2]"], ["arrivals.profile has 2 values", "need exactly 96"]),
    (["policy.name=nosuch"], ["policy.name", "nosuch", "allowed: aht", "quality"]),
    (["policy.name=quality"], ["policy.name = 'quality'", "behavior.enabled = false"]),
    (["policy.review_push=2"], ["policy.review_push", "less than or equal to 1"]),
    (["novalue"], ["'novalue'", "KEY=VALUE"]),
    (["staffing..employees=3"], ["'staffing..employees'", "dotted key"]),
]


@pytest.mark.parametrize(
    ("sets", "fragments"), BAD_SETS, ids=[" ".join(sets) for sets, _ in BAD_SETS]
)
def test_bad_set_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sets: list[str], fragments: list[str]
) -> None:
    out_dir = tmp_path / "results" / "run"
    args = [a for s in sets for a in ("--set", s)]
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, *args, "--out", out_dir, "--json")
    assert_usage_error(code, out, err, fragments)
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("sim.errors:UsageError", "not a sim.Policy subclass"),
        ("no_such_module:Policy", "cannot import policy class"),
        ("math:pi", "'math:pi' is not a class"),
    ],
)
def test_a_policy_class_that_cannot_be_used_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, says: str
) -> None:
    baseline = ROOT / "experiments" / "scenarios" / "baseline.toml"
    args = ["--set", "calendar.days=1", "--set", f"policy.name={name}"]
    code, out, err = ccsim(capsys, "run", baseline, *args, "--out", tmp_path / "out")
    assert_usage_error(code, out, err, ["policy.name", says])
    assert not (tmp_path / "out").exists()


BAD_FILES = [
    ("malformed", 'name = "x"\nstaffing employees = 3\n', ["malformed TOML", "line 2"]),
    ("unknown-key", "[stafing]\nemployees = 3\n", ["did you mean 'staffing'?"]),
    ("bad-value", "[staffing]\nemployees = -3\n", ["staffing.employees = -3", "greater than"]),
]


@pytest.mark.parametrize(
    ("text", "fragments"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_bad_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = write(tmp_path, text)
    out_dir = tmp_path / "out"
    code, out, err = ccsim(capsys, "run", path, "--out", out_dir)
    assert_usage_error(code, out, err, [*fragments, str(path)])
    assert not out_dir.exists()


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    out_dir = tmp_path / "out"
    code, out, err = ccsim(capsys, "run", path, "--out", out_dir, "--json")
    assert_usage_error(code, out, err, ["file not found", str(path)])
    assert not out_dir.exists()


def test_directory_as_scenario_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = ccsim(capsys, "run", tmp_path)
    assert_usage_error(code, out, err, ["cannot read", str(tmp_path)])


@pytest.mark.parametrize("seed", ["-3", "-1", "abc", "1.5"])
def test_bad_seed_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, seed: str) -> None:
    out_dir = tmp_path / "out"
    args = ["run", ERLANG, *SMALL, "--seed", seed, "--out", out_dir, "--json"]
    code, out, err = ccsim(capsys, *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert "--seed" in err
    assert ("negative" if seed.startswith("-") else "not a whole number") in err
    assert not out_dir.exists()


def test_seed_zero_is_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ccsim(capsys, "run", ERLANG, *SMALL, "--seed", "0", "--json")
    assert code == 0
    assert set(kpis_from(out)) >= KPI_KEYS


def test_missing_scenario_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ccsim(capsys, "run")
    assert code == 2
    assert out == ""
    assert "scenario" in err
    assert "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = ccsim(capsys, "--version")
    assert code == 0
    assert out.strip() == f"ccsim {sim.__version__}"


BUG_SETS = [
    pytest.param(
        ["arrivals.rate_per_hour=inf"],
        ["arrivals.rate_per_hour", "inf"],
        id="rate-inf",
    ),
    pytest.param(
        ["service.mean_seconds=inf"],
        ["service.mean_seconds", "inf"],
        id="service-inf",
    ),
    pytest.param(
        ["staffing.employees=true"],
        ["staffing.employees", "valid integer"],
        id="employees-bool",
    ),
]


@pytest.mark.parametrize(("sets", "fragments"), BUG_SETS)
def test_bad_set_infinite_or_bool(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sets: list[str], fragments: list[str]
) -> None:
    out_dir = tmp_path / "out"
    args = [a for s in sets for a in ("--set", s)]
    code, out, err = ccsim(capsys, "run", ERLANG, *SMALL, *args, "--out", out_dir, "--json")
    assert_usage_error(code, out, err, fragments)
    assert not out_dir.exists()


# --------------------------------------------------------------------------------------------
# The installed console script, in a subprocess
# --------------------------------------------------------------------------------------------


def test_console_script_json(tmp_path: Path) -> None:
    proc = run_script("run", ERLANG, *SMALL, "--seed", "3", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    kpis = kpis_from(proc.stdout)
    assert set(kpis) >= KPI_KEYS
    assert kpis["offered"] > 0
    assert list(tmp_path.iterdir()) == []  # nothing written without --out


def test_console_script_table_and_out(tmp_path: Path) -> None:
    out_dir = tmp_path / "results"
    proc = run_script("run", ERLANG, *SMALL, "--out", "results", cwd=tmp_path)  # relative --out
    assert proc.returncode == 0, proc.stderr
    assert "service level" in proc.stdout
    assert {p.name for p in out_dir.iterdir()} == OUT_FILES
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["version"] == sim.__version__
    assert manifest["scenario"]["staffing"]["employees"] == 10


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--set", "staffing.employees=-3"], ["staffing.employees", "-3", "greater than or equal"]),
        (["--set", "patience.distribution=forever"], ["patience.distribution", "'forever'"]),
    ],
    ids=["negative-staff", "unknown-distribution"],
)
def test_console_script_bad_input(tmp_path: Path, args: list[str], fragments: list[str]) -> None:
    proc = run_script("run", ERLANG, *SMALL, *args, "--out", "results", "--json", cwd=tmp_path)
    assert_usage_error(proc.returncode, proc.stdout, proc.stderr, fragments)
    assert not (tmp_path / "results").exists()


def test_console_script_malformed_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "[staffing]\nemployees = = 3\n")
    proc = run_script("run", path, "--out", "results", cwd=tmp_path)
    assert_usage_error(proc.returncode, proc.stdout, proc.stderr, ["malformed TOML", "line 2"])
    assert not (tmp_path / "results").exists()


def test_scenario_docs_list_every_key() -> None:
    """docs/SCENARIOS.md embeds the generated key reference; regenerate it when keys change."""
    from sim.cli.keys import keys_markdown
    from sim.scenario import valid_keys

    docs = (ROOT / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    assert keys_markdown() in docs, "run: ccsim keys --markdown, and paste into docs/SCENARIOS.md"
    leaves = [k for k in valid_keys() if f"`{k}`" in keys_markdown()]
    assert len(leaves) >= 25


def test_an_unexpected_error_is_one_line_and_the_traceback_is_on_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    from sim.cli import keys

    entry = importlib.import_module("sim.cli.commands")

    def broken(args: object) -> int:
        raise RuntimeError("the disk is on fire\nsecond line")

    monkeypatch.setattr(keys, "command_keys", broken)
    monkeypatch.delenv("CCSIM_DEBUG", raising=False)
    assert entry.main(["keys"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "RuntimeError: the disk is on fire" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        entry.main(["--debug", "keys"])
    monkeypatch.setenv("CCSIM_DEBUG", "1")
    with pytest.raises(RuntimeError):
        entry.main(["keys"])
