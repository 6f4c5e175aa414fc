"""Experiment files: validation, and every kind of bad input (exit 2, one message, nothing
written)."""

from __future__ import annotations

import socket
import sys
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.engine.staffing import staffing_targets
from sim.errors import ExperimentError
from sim.experiments import load_experiment
from sim.scenario import validate

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
ERLANG = ROOT / "experiments" / "scenarios" / "erlang.toml"

TINY = f"""
name = "tiny"
scenario = "{ERLANG.as_posix()}"
replications = 2
seed = 5
kpis = ["service_level", "asa", "abandonment_rate"]
[base]
"calendar.days" = 1
"arrivals.rate_per_hour" = 120.0
"staffing.employees" = 10
[variants.lean]
"staffing.employees" = 9
[variants.rich]
"staffing.employees" = 11
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def ccsim(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


SHIPPED = {
    "policy_comparison.toml": "compare",
    "policy_comparison_fixed_staff.toml": "compare",
    "staffing_sweep.toml": "sweep",
    "sensitivity.toml": "sensitivity",
    "policy_map.toml": "sweep",
    "policy_difference.toml": "sensitivity",
    "uncertainty.toml": "uncertainty",
    "word_of_mouth_year.toml": "compare",
    "word_of_mouth_ranges.toml": "compare",
}
RANGES_FILES = {"ranges.toml"}  # an uncertainty experiment's ranges (tests/test_uncertainty.py)


def test_every_shipped_experiment_is_tested() -> None:
    shipped = [p.name for p in EXPERIMENTS.glob("*.toml") if p.name not in RANGES_FILES]
    assert sorted(shipped) == sorted(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_experiments_load(name: str) -> None:
    experiment = load_experiment(EXPERIMENTS / name, SHIPPED[name])
    assert experiment.tasks
    assert len({t.run_id for t in experiment.tasks}) == len(experiment.tasks)


def test_policy_comparison_names_variants_after_policies() -> None:
    experiment = load_experiment(EXPERIMENTS / "policy_comparison.toml", "compare")
    assert list(experiment.variants) == ["aht", "volume", "quality"]
    for task in experiment.tasks:
        assert task.scenario["policy"]["name"] == task.variant
    assert experiment.replications >= 10


def test_common_random_numbers_same_seed_per_replication(tmp_path: Path) -> None:
    experiment = load_experiment(write(tmp_path, TINY), "compare", replications=3)
    seeds = {(t.variant, t.replication): t.seed for t in experiment.tasks}
    assert seeds == {(v, k): 5 + k for v in ("lean", "rich") for k in range(3)}


def test_set_changes_the_base_and_variants_override_it(tmp_path: Path) -> None:
    overrides = {"staffing.employees": 30, "arrivals.rate_per_hour": 90.0}
    experiment = load_experiment(write(tmp_path, TINY), "compare", overrides)
    assert experiment.base.staffing.employees == 30
    by_variant = {t.variant: t.scenario for t in experiment.tasks}
    assert by_variant["lean"]["staffing"]["employees"] == 9
    assert by_variant["rich"]["arrivals"]["rate_per_hour"] == 90.0


def test_staffing_scale_multiplies_the_schedule(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"""
        scenario = "{(EXPERIMENTS / "scenarios" / "baseline.toml").as_posix()}"
        [grid]
        "staffing.scale" = [0.5, 1.0]
        """,
    )
    experiment = load_experiment(path, "sweep", replications=1)
    half, full = (staffing_targets(validate(t.scenario).staffing, 48) for t in experiment.tasks)
    assert half == [round(v * 0.5) for v in full] and half != full
    assert [t.params for t in experiment.tasks] == [
        {"staffing.scale": 0.5},
        {"staffing.scale": 1.0},
    ]


BAD = {
    "unknown top-level key": ("replication = 3\n", "unknown key 'replication'"),
    "unknown key in base": ('[base]\n"staffing.employes" = 3\n', "staffing.employes"),
    "unknown key in a variant": ('[variants.x]\n"policy.nam" = "aht"\n', "policy"),
    "bad value in a variant": ('[variants.x]\n"staffing.employees" = -1\n', "staffing.employees"),
    "unknown KPI": ('kpis = ["revenu"]\n', "unknown KPI 'revenu'"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_experiment_files_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    extra, expected = BAD[case]
    head = f'scenario = "{ERLANG.as_posix()}"\n'
    text = head + extra
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(capsys, "compare", write(tmp_path, text), "--out", out)
    assert code == 2, stderr
    assert stdout == ""
    assert stderr.startswith("ccsim: error: ") and expected in stderr
    assert not out.exists()


SWEEP_BAD = {
    "empty grid": ('[grid]\n"staffing.employees" = []\n', "at least 1"),
    "no grid at all": ("", "nothing to sweep"),
    "sample without bounds": ('[sample]\nmethod = "lhs"\nn = 4\n', "sample.bounds is missing"),
    "sample with empty bounds": ("[sample]\nn = 4\n[sample.bounds]\n", "sample.bounds"),
    "inverted bounds": (
        '[sample]\nn = 4\n[sample.bounds]\n"arrivals.rate_per_hour" = [9, 1]\n',
        "low",
    ),
    "unknown grid key": ('[grid]\n"staffing.employes" = [1, 2]\n', "staffing.employees"),
    "duplicate grid value": ('[grid]\n"staffing.employees" = [3, 3]\n', "twice"),
    "zero replications": ("replications = 0\n", "replications = 0"),
}


@pytest.mark.parametrize("case", list(SWEEP_BAD))
def test_bad_sweeps_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    extra, expected = SWEEP_BAD[case]
    text = f'scenario = "{ERLANG.as_posix()}"\n' + extra
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(capsys, "sweep", write(tmp_path, text), "--out", out)
    assert code == 2, stderr
    assert stdout == ""
    assert expected in stderr, stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--replications", "0"], "below 1"),
        (["--workers", "0"], "below 1"),
        (["--set", "staffing.employes=3"], "unknown key"),
        (["--set", "novalue"], "KEY=VALUE"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = ccsim(capsys, "compare", write(tmp_path, TINY), "--out", out, *args)
    assert code == 2
    assert stdout == ""
    assert expected in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert not out.exists()


def test_missing_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = ccsim(capsys, "compare", tmp_path / "nope.toml")
    assert code == 2 and "file not found" in stderr
    path = write(tmp_path, 'scenario = "missing.toml"\n')
    code, _, stderr = ccsim(capsys, "compare", path)
    assert code == 2 and "scenario = 'missing.toml'" in stderr
    code, _, stderr = ccsim(capsys, "compare", write(tmp_path, "scenario = [", "bad.toml"))
    assert code == 2 and "malformed TOML" in stderr


def test_compare_refuses_a_grid_and_sensitivity_needs_its_table(tmp_path: Path) -> None:
    path = write(tmp_path, TINY + '[grid]\n"staffing.employees" = [3, 4]\n')
    with pytest.raises(ExperimentError, match="ccsim sweep"):
        load_experiment(path, "compare")
    with pytest.raises(ExperimentError, match="no \\[sensitivity\\] table"):
        load_experiment(write(tmp_path, TINY, "b.toml"), "sensitivity")


def test_sobol_needs_a_power_of_two(tmp_path: Path) -> None:
    text = (
        TINY + '[sensitivity]\nn = 10\n[sensitivity.bounds]\n"arrivals.rate_per_hour" = [60, 120]\n'
    )
    with pytest.raises(ExperimentError, match="power of 2"):
        load_experiment(write(tmp_path, text), "sensitivity")


def test_out_that_is_a_file_or_a_foreign_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, TINY)
    (tmp_path / "file").write_text("x")
    code, _, stderr = ccsim(capsys, "compare", path, "--out", tmp_path / "file")
    assert code == 2 and "not a directory" in stderr
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "calls.parquet").write_text("x")
    code, _, stderr = ccsim(capsys, "compare", path, "--out", foreign)
    assert code == 2 and "no experiment manifest" in stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_address_that_does_not_answer_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    address = f"tcp://127.0.0.1:{_free_port()}"
    code, stdout, stderr = ccsim(
        capsys, "compare", write(tmp_path, TINY), "--dask", address, "--out", out
    )
    assert code == 2 and stdout == ""
    assert "no Dask scheduler answered" in stderr and address in stderr
    assert not out.exists()


def test_missing_dask_gives_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    out = tmp_path / "out"
    code, _, stderr = ccsim(
        capsys, "compare", write(tmp_path, TINY), "--dask", "local", "--out", out
    )
    assert code == 2
    assert "pip install 'ccsim[dask]'" in stderr
    assert not out.exists()


def test_missing_salib_gives_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    text = (
        TINY + '[sensitivity]\nn = 4\n[sensitivity.bounds]\n"arrivals.rate_per_hour" = [60, 120]\n'
    )
    text = text.replace('kpis = ["service_level", "asa", "abandonment_rate"]', "")
    text = text.replace("[sensitivity]", '[sensitivity]\noutputs = ["service_level"]')
    out = tmp_path / "out"
    code, _, stderr = ccsim(capsys, "sensitivity", write(tmp_path, text), "--out", out)
    assert code == 2 and "pip install 'ccsim[sensitivity]'" in stderr
    assert not out.exists()
