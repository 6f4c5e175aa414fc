"""Experiment files: a base scenario, the variants to compare, what to vary, replications, seeds.

An experiment file is TOML, validated strictly (unknown keys are errors). Loading resolves it
into the full list of runs; nothing is written until everything is known to be valid.
See docs/EXPERIMENTS.md for the format.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.errors import ExperimentError, ScenarioError, did_you_mean
from sim.experiments.design import (
    RunTask,
    build_tasks,
    cross,
    grid_points,
    integer_keys,
    resolve,
    scale_points,
    unit_sample,
    unit_to_bounds,
)
from sim.experiments.sensitivity_indices import sample as sensitivity_sample
from sim.experiments.spec import ExperimentSpec, describe_error
from sim.metrics.kpi_catalog import BEHAVIOR_KPIS, QUEUE_KPIS
from sim.scenario import Scenario, read_toml, valid_keys
from sim.scenario.scenario import NOT_MODEL_PARAMETERS, ignored_by_model

KINDS = ("compare", "sweep", "sensitivity", "uncertainty")


def check_keys(where: str, keys: list[str], source: str | None) -> None:
    """Every varied key must be a scenario key, and a model parameter."""
    known = set(valid_keys())
    problems = []
    for key in keys:
        if key in NOT_MODEL_PARAMETERS:
            why = NOT_MODEL_PARAMETERS[key]
            problems.append(f"{where}: {key!r} is not a model parameter to vary; {why}")
        elif key not in known:
            hint = did_you_mean(key, sorted(known))
            problems.append(f"{where}: unknown key {key!r}{hint}; see `ccsim keys`")
    if problems:
        raise ExperimentError(problems, source)


def check_varied(scenario: Scenario, keys: list[str], at: str, source: str | None) -> None:
    """Refuse a varied key the model ignores in `scenario` (`at`: which variant and point):
    its runs would be bit-identical, and a comparison would crown a winner among equals."""
    for key in keys:
        reason = ignored_by_model(scenario, key)
        if reason is not None:
            raise ExperimentError(
                f"{at}: {key} is varied, but the model {reason}; vary another key, or change "
                "the variant so that the model reads it",
                source,
            )


@dataclass
class Experiment:
    """An experiment resolved into runs: every variant and design point validated."""

    kind: str
    spec: ExperimentSpec
    path: Path | None
    text: str
    overrides: dict[str, Any]
    base: Scenario
    variants: dict[str, dict[str, Any]]
    points: list[dict[str, Any]]
    params: list[str]
    tasks: list[RunTask]
    replications: int
    kpis: list[str] = field(default_factory=list)
    design: Any = None  # the sensitivity design matrix (unrounded), if any

    @property
    def name(self) -> str:
        """The experiment's name (the file name when the file names none)."""
        return self.spec.name or (self.path.stem if self.path else "experiment")


def _variants(spec: ExperimentSpec, source: str | None) -> dict[str, dict[str, Any]]:
    variants = {p: {"policy.name": p} for p in spec.policies}
    for name, overrides in spec.variants.items():
        if name in variants:
            raise ExperimentError(f"variant {name!r} is named twice (policies, variants)", source)
        variants[name] = overrides
    return variants or {"base": {}}


MAX_RUNS = 1_000_000
"""More runs than this is a mistake in a design (a million runs is days on a cluster)."""


def check_size(size: int, replications: int, source: str | None) -> None:
    """Refuse a design of more than MAX_RUNS runs (`size` points and variants)."""
    if size * replications > MAX_RUNS:
        raise ExperimentError(
            f"the design makes {size * replications:,} runs ({size:,} points and variants × "
            f"{replications:,} replications); at most {MAX_RUNS:,} are allowed: fewer grid "
            "values, variants or replications",
            source,
        )


def _replications(value: Any, source: str | None) -> int:
    """A replications argument: a whole number within the experiment file's bounds."""
    top = ExperimentSpec.model_fields["replications"].metadata
    most = next(m.le for m in top if hasattr(m, "le"))
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= most:
        raise ExperimentError(
            f"replications = {value!r}: a whole number from 1 to {most:,} is allowed", source
        )
    return int(value)


def _points(
    kind: str,
    spec: ExperimentSpec,
    base: dict[str, Any],
    source: str | None,
    replications: int = 1,
    variants: int = 1,
) -> tuple[list[dict[str, Any]], Any]:
    """The design points for the command `kind` (and the sensitivity matrix)."""
    varied = bool(spec.grid) or spec.sample is not None
    if kind == "compare" and (varied or spec.sensitivity or spec.uncertainty):
        raise ExperimentError(
            "this experiment has a [grid], [sample], [sensitivity] or [uncertainty]; run it "
            "with `ccsim sweep`, `ccsim sensitivity` or `ccsim uncertainty` (compare runs the "
            "variants only)",
            source,
        )
    if kind in ("sweep", "sensitivity") and spec.uncertainty is not None:
        raise ExperimentError(
            f"this experiment has an [uncertainty] table; run it with `ccsim uncertainty`, "
            f"not `ccsim {kind}`",
            source,
        )
    if kind == "uncertainty":  # the worlds are drawn by sim.experiments.worlds
        if spec.uncertainty is None:
            raise ExperimentError(
                'no [uncertainty] table: give at least ranges = "ranges.toml" (the file of '
                "plausible ranges) and [uncertainty.accept]",
                source,
            )
        if varied or spec.sensitivity:
            raise ExperimentError(
                "an uncertainty experiment takes no [grid], [sample] or [sensitivity]", source
            )
        return [{}], None
    if kind == "sweep":
        if not varied:
            raise ExperimentError(
                "nothing to sweep: give a [grid] (KEY = [values]) or a [sample] with bounds",
                source,
            )
        check_keys("[grid]", list(spec.grid), source)
        size = math.prod(len(v) for v in spec.grid.values()) * variants
        size *= spec.sample.n if spec.sample is not None else 1
        check_size(size, replications, source)  # before a point is built
        for key, values in spec.grid.items():
            if len({repr(v) for v in values}) != len(values):
                raise ExperimentError(f"grid.{key!r} lists a value twice: {values}", source)
        sampled: list[dict[str, Any]] = []
        if spec.sample is not None:
            check_keys("[sample.bounds]", list(spec.sample.bounds), source)
            seed = spec.seed if spec.sample.seed is None else spec.sample.seed
            unit = unit_sample(spec.sample.method, spec.sample.n, len(spec.sample.bounds), seed)
            bounds = {k: (v[0], v[1]) for k, v in spec.sample.bounds.items()}
            integers = integer_keys(base, list(bounds))
            sampled = scale_points(unit_to_bounds(unit, bounds), bounds, integers)
        return cross(grid_points(spec.grid), sampled), None
    if kind == "sensitivity":
        sens = spec.sensitivity
        if sens is None:
            raise ExperimentError(
                "no [sensitivity] table: give method, n, outputs and [sensitivity.bounds]", source
            )
        if varied:
            raise ExperimentError("a sensitivity experiment takes no [grid] or [sample]", source)
        check_keys("[sensitivity.bounds]", list(sens.bounds), source)
        bounds = {k: (v[0], v[1]) for k, v in sens.bounds.items()}
        seed = spec.seed if sens.seed is None else sens.seed
        matrix = sensitivity_sample(
            sens.method, bounds, sens.n, seed, sens.second_order, sens.levels
        )
        return scale_points(matrix, bounds, integer_keys(base, list(bounds))), matrix
    return [{}], None


def _resolve_base(spec: ExperimentSpec, path: Path | None, overrides: dict[str, Any]) -> Scenario:
    folder = path.parent if path is not None else Path.cwd()
    scenario_path = folder / spec.scenario
    try:
        data = read_toml(scenario_path)
    except ScenarioError as exc:
        problems = [f"scenario = {spec.scenario!r}: {p}" for p in exc.problems]
        raise ExperimentError(problems, _src(path)) from None
    try:
        file_scenario = resolve(data, {})
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, str(scenario_path)) from None
    for where, changes in (("[base]", spec.base), ("--set", overrides)):
        try:
            file_scenario = resolve(file_scenario.model_dump(), changes)
        except ScenarioError as exc:
            raise ExperimentError([f"{where}: {p}" for p in exc.problems], _src(path)) from None
    return file_scenario


def _src(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def load_experiment(
    source: str | Path | dict[str, Any],
    kind: str = "compare",
    overrides: dict[str, Any] | None = None,
    replications: int | None = None,
) -> Experiment:
    """Read and validate an experiment (a TOML file or a dict) and resolve every run of it."""
    if not isinstance(source, str | os.PathLike | dict):
        raise ExperimentError(
            f"experiment {source!r:.60}: a file name (str or Path) or a dict is allowed"
        )
    if overrides is not None and not isinstance(overrides, dict):
        raise ExperimentError(
            f"overrides {overrides!r:.60}: a dict of dotted keys to values is allowed, "
            "like {'staffing.employees': 45}"
        )
    overrides = dict(overrides or {})
    path = None if isinstance(source, dict) else Path(source)
    if path is not None:
        try:
            data, text = read_toml(path), path.read_text(encoding="utf-8")
        except ScenarioError as exc:
            raise ExperimentError(exc.problems) from None
    else:
        data, text = dict(source), ""  # type: ignore[arg-type]
    where = _src(path)
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError([describe_error(e) for e in exc.errors()], where) from None
    if replications is not None:
        replications = _replications(replications, where)
    reps = replications or spec.replications
    base = _resolve_base(spec, path, overrides)
    base_data = base.model_dump()
    variants = _variants(spec, where)
    points, matrix = _points(kind, spec, base_data, where, reps, len(variants))
    check_size(len(points) * len(variants), reps, where)
    params = list(dict.fromkeys(k for p in points for k in p))
    resolved: dict[str, list[dict[str, Any]]] = {}
    for name, changes in variants.items():
        resolved[name] = []
        for point in points:
            try:
                scenario = resolve(base_data, {**changes, **point})
            except ScenarioError as exc:
                at = f"variant {name!r}" + (f" at {point}" if point else "")
                raise ExperimentError([f"{at}: {p}" for p in exc.problems], where) from None
            check_varied(scenario, list(point), f"variant {name!r}", where)
            resolved[name].append(scenario.to_dict())
    sens = spec.sensitivity
    if kind == "sensitivity" and sens is not None and sens.difference is not None:
        missing = [v for v in sens.difference if v not in variants]
        if missing:
            raise ExperimentError(
                f"sensitivity.difference names {missing}, not a variant of this experiment "
                f"(variants: {', '.join(variants)})",
                where,
            )
    tasks = build_tasks(resolved, points, reps, spec.seed)
    experiment = Experiment(
        kind, spec, path, text, overrides, base, variants, points, params, tasks, reps
    )
    experiment.design = matrix
    experiment.kpis = _kpis(experiment, where)
    return experiment


def kpi_names(base: Scenario) -> list[str]:
    """The KPI names a run of this scenario reports, in its order (known without a run, so a
    policy that fails shows as failed runs, not as a crash while the experiment is read)."""
    return [*QUEUE_KPIS, *(BEHAVIOR_KPIS if base.behavior.enabled else ())]


def _kpis(experiment: Experiment, where: str | None) -> list[str]:
    spec = experiment.spec
    wanted = spec.kpis
    if experiment.kind == "sensitivity" and spec.sensitivity is not None:
        wanted = list(dict.fromkeys([*spec.sensitivity.outputs, *(spec.kpis or [])]))
    known = kpi_names(experiment.base)
    if wanted is None:
        return known
    unknown = [k for k in wanted if k not in known]
    if unknown:
        problems = []
        for name in unknown:
            hint = did_you_mean(name, known)
            problems.append(f"unknown KPI {name!r}{hint}; known: {', '.join(known)}")
        raise ExperimentError(problems, where)
    return list(wanted)
