"""The shipped calibration example still does what docs/CALIBRATION.md says: the documented
command writes experiments/calibration/my_center.toml as shipped (but for the date in its
header), and the figures the docs quote are the ones it finds."""

from __future__ import annotations

import gzip
import subprocess
import sys
import tomllib

import pytest

from tests.helpers import ROOT

EXAMPLE = ROOT / "experiments" / "calibration"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("calibration") / "my_center.toml"
    command = [
        sys.executable, "-m", "sim.cli", "calibrate", "experiments/calibration/export.csv.gz",
        "--mapping", "experiments/calibration/mapping.toml", "--out", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _body(text: str) -> list[str]:
    """The file without its first header line (which says when it was written)."""
    return text.splitlines()[1:]


@pytest.mark.slow
def test_the_documented_command_writes_the_shipped_scenario(written) -> None:
    shipped = (EXAMPLE / "my_center.toml").read_text(encoding="utf-8")
    assert _body(written.read_text(encoding="utf-8")) == _body(shipped), (
        "regenerate experiments/calibration/my_center.toml with the command in "
        "docs/CALIBRATION.md and update the figures the docs quote"
    )
    assert written.with_suffix(".calibration.html").is_file()


@pytest.mark.slow
def test_the_figures_the_docs_quote_are_what_it_finds(written) -> None:
    scenario = tomllib.loads(written.read_text(encoding="utf-8"))
    docs = (ROOT / "docs" / "CALIBRATION.md").read_text(encoding="utf-8")
    quoted = {
        f"{scenario['arrivals']['rate_per_hour']:.1f} (fitted": "value-demand rate",
        f"{scenario['redial']['probability']:.3f} (fitted": "redial probability",
        f"{scenario['redial']['mean_delay_seconds']:.0f} (fitted": "redial delay",
        f"{scenario['patience']['mean_seconds']:.1f} (fit": "patience",
    }
    missing = [what for text, what in quoted.items() if text not in docs]
    assert not missing, f"docs/CALIBRATION.md quotes other figures for {missing}"


MADE_BY = [
    "ccsim run experiments/calibration/example_center.toml --seed 1 --out {run}",
    "python experiments/calibration/make_export.py {run} --out {export} --start 2026-03-09 "
    "--timezone Europe/Amsterdam",
]
"""The two commands experiments/calibration/README.md says made the shipped export."""


@pytest.mark.slow
def test_the_documented_commands_make_the_shipped_export(tmp_path) -> None:
    """The truth behind the example stays the truth: example_center.toml, run as the README
    says, makes export.csv.gz byte for byte (it was made before word of mouth, #23, so the
    center says its base is closed)."""
    readme = " ".join(
        (EXAMPLE / "README.md").read_text(encoding="utf-8").replace("\\\n", " ").split()
    )
    run, export = tmp_path / "run", tmp_path / "export.csv.gz"
    for command in MADE_BY:
        documented = command.format(
            run="results/example-center", export="experiments/calibration/export.csv.gz"
        )
        assert documented in readme, (
            f"experiments/calibration/README.md no longer says {documented!r}"
        )
        words = command.format(run=run, export=export).split()
        words = [sys.executable, *(["-m", "sim.cli"] if words[0] == "ccsim" else []), *words[1:]]
        done = subprocess.run(words, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    made = gzip.decompress(export.read_bytes())
    assert made == gzip.decompress((EXAMPLE / "export.csv.gz").read_bytes()), (
        "experiments/calibration/example_center.toml no longer makes the shipped export"
    )
