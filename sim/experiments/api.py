"""The notebook API: `compare`, `sweep`, `sensitivity` and `uncertainty` run an experiment (a
TOML file or a dict) and return its tables as DataFrames; the results folder is `out`, or a
temporary one."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.errors import UsageError
from sim.experiments.execution import ExperimentResult, run_experiment
from sim.experiments.experiment import load_experiment
from sim.experiments.progress import Reporter, make_reporter
from sim.experiments.uncertainty_run import UncertaintyResult, run_uncertainty
from sim.experiments.worlds import load_worlds


def _reporter(progress: Any) -> Reporter | None:
    """Progress on stderr when asked (True), none by default."""
    if not isinstance(progress, bool):
        raise UsageError(f"progress {progress!r:.60}: True or False is allowed")
    return make_reporter() if progress else None


def _in_folder[R: (ExperimentResult, UncertaintyResult)](
    out: str | Path | None, run: Callable[[str | Path], R]
) -> R:
    """`run` into `out`, or into a temporary folder that is gone afterwards (`out` None)."""
    if out is not None:
        return run(out)
    with tempfile.TemporaryDirectory(prefix="ccsim-") as tmp:
        result = run(Path(tmp) / "out")
    result.out = None
    return result


def _experiment_command(kind: str, doc: str) -> Callable[..., ExperimentResult]:
    """The API function of the `ccsim` command `kind`: the same arguments as its options."""

    def command(
        experiment: str | Path | dict[str, Any],
        replications: int | None = None,
        overrides: dict[str, Any] | None = None,
        workers: int | None = None,
        dask: str | None = None,
        out: str | Path | None = None,
        progress: bool = False,
    ) -> ExperimentResult:
        loaded = load_experiment(experiment, kind, overrides, replications)
        reporter = _reporter(progress)
        return _in_folder(
            out, lambda folder: run_experiment(loaded, folder, workers, dask, reporter)
        )

    command.__name__ = command.__qualname__ = kind
    command.__doc__ = doc
    return command


compare = _experiment_command(
    "compare",
    """Run an experiment's variants with paired replications; `.summary`, `.differences`, `.runs`
    are DataFrames. Results go to `out` (resumable) or a temporary folder when it is None.""",
)
sweep = _experiment_command(
    "sweep",
    """Run the experiment's [grid] x [sample] design for every variant; DataFrames as compare.""",
)
sensitivity = _experiment_command(
    "sensitivity",
    """Run the [sensitivity] design and compute SALib indices (`.sensitivity` DataFrame).""",
)


def uncertainty(
    experiment: str | Path | dict[str, Any],
    worlds: int | None = None,
    replications: int | None = None,
    overrides: dict[str, Any] | None = None,
    workers: int | None = None,
    dask: str | None = None,
    out: str | Path | None = None,
    progress: bool = False,
) -> UncertaintyResult:
    """Run the variants across plausible worlds drawn from the experiment's ranges file:
    `.worlds` (kept / rejected / failed), `.differences` (per kept world), `.summary` (win
    probabilities, quantiles, deciding parameters). Results go to `out` or a temporary folder."""
    loaded, design = load_worlds(experiment, overrides, replications, worlds)
    reporter = _reporter(progress)
    return _in_folder(
        out, lambda folder: run_uncertainty(loaded, design, folder, workers, dask, reporter)
    )
