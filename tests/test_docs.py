"""The documentation keeps up with the code: every behavioural parameter is in docs/MODEL.md."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario import key_reference
from tests.helpers import ROOT

BEHAVIORAL = {
    "customers", "demand", "conversation", "sales", "satisfaction", "churn", "employees",
    "policy", "outbound", "money", "shifts", "word_of_mouth",
}  # fmt: skip


def test_model_doc_names_every_behavioral_parameter() -> None:
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    keys = [r["key"] for r in key_reference() if r["key"].split(".")[0] in BEHAVIORAL]
    assert len(keys) > 80
    missing = [k for k in keys if k.split(".")[-1] not in text]
    assert not missing, f"document these in docs/MODEL.md: {missing}"


def test_model_doc_is_odd_structured() -> None:
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    for heading in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
    ):
        assert heading in text, heading


def test_model_doc_embeds_the_ranges_the_uncertainty_analysis_draws_from() -> None:
    """docs/MODEL.md "Ranges for what nobody has measured" is experiments/ranges.toml."""
    import sim
    from sim.experiments.ranges import ranges_markdown, read_ranges

    base = sim.load_scenario(ROOT / "experiments" / "scenarios" / "baseline.toml").model_dump()
    ranges, _ = read_ranges(ROOT / "experiments" / "ranges.toml")
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    assert ranges_markdown(ranges, base) in text, (
        "paste ranges_markdown(read_ranges(experiments/ranges.toml), baseline) into "
        "docs/MODEL.md, 'Ranges for what nobody has measured'"
    )


# --- every command and Python example in README.md and docs/ runs as written ------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(sh|python)\n(.*?)^```", re.M | re.S)

SKIP = {  # a command's start: why no test runs it (each is exercised elsewhere or too long)
    "make demo": "the whole demo: minutes of runs (its steps run here, shortened)",
    "make test": "the whole test suite, this test included",
    ".venv/bin/ccsim dashboard": "a server that runs until stopped (tests/test_dashboard*.py)",
    "dask ": "a Dask cluster on other machines (tests/test_dask_cluster.py starts one here)",
    "ccsim compare experiments/policy_comparison.toml --dask tcp://": "needs that cluster",
    "ccsim compare experiments/policy_comparison.toml --dask local": "a LocalCluster "
    "(tests/test_dask_cluster.py)",
    "ccsim compare experiments/policy_comparison.toml [": "a synopsis: [options] in brackets",
    "ccsim sweep experiments/policy_map.toml": "~15 min (the sweep runs here on staffing_sweep)",
    "ccsim sensitivity": "hundreds of Saltelli runs (tests/test_experiment_runs.py, small)",
    "ccsim uncertainty": "hundreds of worlds (tests/test_uncertainty.py runs a small one)",
    "python experiments/": "the scripts' long runs (tests/test_paper_cuts.py runs each --help)",
}
SHORT = ["--set", "calendar.days=1", "--set", "calendar.warmup_days=0", "--replications", "1"]
"""Injected into experiment commands (never into the docs): one day, one replication."""
PYTHON_PRELUDE = """
import sim
def _short(f):
    def run(experiment, *args, overrides=None, replications=None, **kwargs):
        short = {**(overrides or {}), "calendar.days": 1, "calendar.warmup_days": 0}
        return f(experiment, *args, overrides=short, replications=1, **kwargs)
    return run
sim.compare, sim.sweep, sim.sensitivity = map(_short, (sim.compare, sim.sweep, sim.sensitivity))
"""
"""Run before each Python example: experiments shortened, as the commands are."""


def _examples(kind: str) -> list[tuple[str, str]]:
    """(file:line, text) of every documented command (kind "sh") or Python block."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group(1) != kind:
                continue
            line = text[: match.start()].count("\n") + 2
            where = f"{path.name}:{line}"
            if kind == "python":
                found.append((where, match.group(2)))
                continue
            for k, command in enumerate(match.group(2).splitlines()):
                command = command.split("  #")[0].split(" # ")[0].strip()
                if command and not command.startswith("#"):
                    found.append((f"{path.name}:{line + k}", command))
    return found


def _skipped(command: str) -> str | None:
    return next((why for start, why in SKIP.items() if command.startswith(start)), None)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a fresh clone has it, with results/policy-comparison made (shortened) as
    `make demo` makes it, for the commands that read it."""
    folder = tmp_path_factory.mktemp("clone")
    (folder / "experiments").symlink_to(ROOT / "experiments")
    _run(folder, "ccsim compare experiments/policy_comparison.toml --out results/policy-comparison")
    return folder


def _run(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    if words[0] == "ccsim":
        if words[1] in ("compare", "sweep"):
            words += SHORT
        words = [sys.executable, "-m", "sim.cli", *words[1:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLOTLY_RENDERER": "json"}
    done = subprocess.run(words, cwd=folder, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    return done


COMMANDS = _examples("sh")


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[w for w, _ in COMMANDS])
def test_documented_command_runs(workdir: Path, where: str, command: str) -> None:
    why = _skipped(command)
    if why:
        pytest.skip(why)
    _run(workdir, command)


PYTHON = _examples("python")


@pytest.mark.parametrize(("where", "code"), PYTHON, ids=[w for w, _ in PYTHON])
def test_documented_python_runs(workdir: Path, where: str, code: str) -> None:
    script = workdir / f"example_{where.replace(':', '_').replace('.', '_')}.py"
    script.write_text(PYTHON_PRELUDE + code, encoding="utf-8")
    _run(workdir, f"{sys.executable} {script}")


def test_every_skip_names_a_documented_command() -> None:
    commands = [c for _, c in COMMANDS]
    unused = [s for s in SKIP if not any(c.startswith(s) for c in commands)]
    assert not unused, f"skips for commands no doc has any more: {unused}"


# --- a documented --set changes what it says it changes -----------------------------------------

RUNS = [(w, c) for w, c in COMMANDS if c.startswith("ccsim run ") and "--set" in c]


def _kpis(folder: Path, command: str) -> dict[str, float]:
    words = [w for w in shlex.split(command) if w != "--json"]
    if "--out" in words:  # the comparison needs no files
        i = words.index("--out")
        del words[i : i + 2]
    return json.loads(_run(folder, shlex.join([*words, "--json"])).stdout)


@pytest.mark.parametrize(("where", "command"), RUNS, ids=[w for w, _ in RUNS])
def test_documented_set_changes_the_kpis(tmp_path: Path, where: str, command: str) -> None:
    (tmp_path / "experiments").symlink_to(ROOT / "experiments")
    words = shlex.split(command)
    plain = [w for k, w in enumerate(words) if w != "--set" and (k == 0 or words[k - 1] != "--set")]
    changed, before = _kpis(tmp_path, command), _kpis(tmp_path, shlex.join(plain))
    differ = [k for k in changed if changed[k] != before[k]]
    assert differ, f"{where}: {command} gives the same KPIs as without its --set"
    if "staffing." in command:  # the staffing examples change the hours staffed
        assert changed["staffed_hours"] != before["staffed_hours"], where


def test_documented_python_override_changes_the_kpis() -> None:
    """README's Python example: its override changes the staffing it says it changes."""
    import sim

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r'sim\.load_scenario\("([^"]+)", overrides=(\{[^}]*\})\)', text)
    assert found, "README's Python example loads a scenario with overrides"
    path, overrides = ROOT / found.group(1), eval(found.group(2))
    short = {"calendar.days": 2, "calendar.warmup_days": 0}
    plain = sim.run(sim.load_scenario(path, overrides=short), seed=7).kpis
    changed = sim.run(sim.load_scenario(path, overrides={**short, **overrides}), seed=7).kpis
    assert changed["staffed_hours"] != plain["staffed_hours"]


def test_staffing_employees_beside_a_schedule_is_refused() -> None:
    """The docs promise settings the model ignores are refused: employees with a schedule."""
    import sim
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"staffing\.employees = 45: ignored while staffing"):
        sim.load_scenario(ROOT / "experiments" / "scenarios" / "baseline.toml",
                          overrides={"staffing.employees": 45})  # fmt: skip
