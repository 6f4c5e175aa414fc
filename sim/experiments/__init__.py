"""Experiments over many runs: experiment files, designs (grids, samples, sensitivity), where
runs execute (in process, a local pool, Dask), the resumable results folder, statistics with
paired differences, and the notebook API. A model is known here only through `sim.metrics.run`
and the scenario layer."""

from sim.experiments.api import compare, sensitivity, sweep, uncertainty
from sim.experiments.execution import ExperimentResult, run_experiment
from sim.experiments.experiment import Experiment, load_experiment

__all__ = [
    "Experiment",
    "ExperimentResult",
    "compare",
    "load_experiment",
    "run_experiment",
    "sensitivity",
    "sweep",
    "uncertainty",
]
