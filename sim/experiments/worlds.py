"""The worlds of an uncertainty experiment: one value per uncertain parameter, drawn from the
ranges file by Latin hypercube or scrambled Sobol', and every run they make (each variant in
each world, replication k with seed + k: common random numbers across variants and worlds)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ExperimentError, ScenarioError, did_you_mean
from sim.experiments.design import (
    RunTask,
    build_tasks,
    integer_keys,
    resolve,
    scale_points,
    unit_sample,
    unit_to_bounds,
)
from sim.experiments.experiment import (
    Experiment,
    check_size,
    check_varied,
    kpi_names,
    load_experiment,
)
from sim.experiments.ranges import Range, check_ranges, read_ranges
from sim.experiments.spec import Uncertainty

WORLD = "world"
"""The column (and task parameter) that numbers a world."""


@dataclass
class Worlds:
    """What an uncertainty experiment adds to its experiment: the ranges, the drawn worlds,
    the reference variant, the outcomes compared and the acceptance rule."""

    spec: Uncertainty
    ranges: dict[str, Range]
    ranges_path: Path
    ranges_text: str
    values: list[dict[str, Any]]  # one dict of drawn values per world
    reference: str
    outcomes: list[str]
    accept: dict[str, tuple[float, float]]
    seed: int

    @property
    def keys(self) -> list[str]:
        return list(self.ranges)

    def params_for(self, a: str, b: str) -> list[str]:
        """The parameters drawn for either variant of the pair (a, b)."""
        return [k for k, r in self.ranges.items() if r.applies_to(a) or r.applies_to(b)]


def _worlds_count(value: Any, spec: Uncertainty, where: str | None) -> int:
    top = Uncertainty.model_fields["worlds"].metadata
    most = next(m.le for m in top if hasattr(m, "le"))
    if value is None:
        value = spec.worlds
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= most:
        raise ExperimentError(
            f"worlds = {value!r}: a whole number from 1 to {most:,} is allowed", where
        )
    if spec.method == "sobol" and value & (value - 1):
        raise ExperimentError(
            f"worlds = {value}: Sobol' points need a power of 2 (e.g. 128, 256); "
            'or method = "lhs"',
            where,
        )
    return int(value)


def _check_names(experiment: Experiment, spec: Uncertainty, where: str | None) -> str:
    """The reference variant, and known KPIs for the outcomes and the acceptance rule."""
    variants = list(experiment.variants)
    if len(variants) < 2:
        raise ExperimentError(
            "an uncertainty experiment compares variants: name at least two "
            '(policies = ["aht", "quality"] or [variants.NAME] tables)',
            where,
        )
    reference = spec.reference or variants[0]
    if reference not in variants:
        raise ExperimentError(
            f"uncertainty.reference = {reference!r}: not a variant of the experiment"
            f"{did_you_mean(reference, variants)}; variants: {', '.join(variants)}",
            where,
        )
    known = kpi_names(experiment.base)
    problems = []
    for field, names in (("outcomes", spec.outcomes), ("accept", list(spec.accept))):
        for name in names:
            if name not in known:
                problems.append(
                    f"uncertainty.{field}: unknown KPI {name!r}{did_you_mean(name, known)}; "
                    f"known: {', '.join(known)}"
                )
    if problems:
        raise ExperimentError(problems, where)
    return reference


def world_tasks(
    experiment: Experiment,
    ranges: dict[str, Range],
    values: list[dict[str, Any]],
    base: dict[str, Any],
) -> list[RunTask]:
    """Every run: each variant in each world (the drawn values its ranges apply to), replication
    k with the experiment's seed + k; a task's `params` are its world and those values."""
    where = str(experiment.path) if experiment.path else None
    tasks: list[RunTask] = []
    for name, changes in experiment.variants.items():
        points = [
            {WORLD: w, **{k: v for k, v in world.items() if ranges[k].applies_to(name)}}
            for w, world in enumerate(values)
        ]
        scenarios = []
        for point in points:
            drawn = {k: v for k, v in point.items() if k != WORLD}
            try:
                scenario = resolve(base, {**changes, **drawn})
            except ScenarioError as exc:
                at = f"variant {name!r} in world {point[WORLD]}"
                raise ExperimentError([f"{at}: {p}" for p in exc.problems], where) from None
            check_varied(scenario, list(drawn), f"variant {name!r}", where)
            scenarios.append(scenario.to_dict())
        seed = experiment.spec.seed
        tasks += build_tasks({name: scenarios}, points, experiment.replications, seed)
    return tasks


def load_worlds(
    source: str | Path | dict[str, Any],
    overrides: dict[str, Any] | None = None,
    replications: int | None = None,
    worlds: int | None = None,
) -> tuple[Experiment, Worlds]:
    """Read and validate an uncertainty experiment and its ranges file, draw the worlds and
    resolve every run of them (the experiment's `tasks`; its `points` are the worlds)."""
    experiment = load_experiment(source, "uncertainty", overrides, replications)
    spec = experiment.spec.uncertainty
    assert spec is not None  # load_experiment refuses an uncertainty experiment without one
    where = str(experiment.path) if experiment.path else None
    count = _worlds_count(worlds, spec, where)
    check_size(count * len(experiment.variants), experiment.replications, where)
    reference = _check_names(experiment, spec, where)
    folder = experiment.path.parent if experiment.path else Path.cwd()
    ranges_path = folder / spec.ranges
    ranges, text = read_ranges(ranges_path)
    base = experiment.base.model_dump()
    check_ranges(ranges, experiment.variants, base, str(ranges_path))
    seed = experiment.spec.seed if spec.seed is None else spec.seed
    bounds = {k: (r.low, r.high) for k, r in ranges.items()}
    unit = unit_sample(spec.method, count, len(bounds), seed)
    values = scale_points(unit_to_bounds(unit, bounds), bounds, integer_keys(base, list(bounds)))
    tasks = world_tasks(experiment, ranges, values, base)
    experiment.tasks, experiment.points, experiment.params = tasks, values, list(ranges)
    accept = {k: (v[0], v[1]) for k, v in spec.accept.items()}
    found = Worlds(
        spec, ranges, ranges_path, text, values, reference, list(spec.outcomes), accept, seed
    )
    return experiment, found
