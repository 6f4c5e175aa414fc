"""Experiment files: a base scenario, the variants to compare, what to vary, replications, seeds.

An experiment file is TOML, validated strictly (unknown keys are errors). Loading resolves it
into the full list of runs; nothing is written until everything is known to be valid.
See docs/EXPERIMENTS.md for the format.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.design import (
    SAMPLE_METHODS,
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
from sim.errors import ScenarioError
from sim.scenario import Scenario, read_toml, valid_keys

KINDS = ("compare", "sweep", "sensitivity")


class ExperimentError(ScenarioError):
    """An experiment file (or an option changing it) is invalid; the message says where and why."""

    @property
    def message(self) -> str:
        head = f"invalid experiment {self.source}" if self.source else "invalid experiment"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)


class Spec(BaseModel):
    """Strict like scenario sections: unknown keys are errors, no silent conversions."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Bound = Annotated[list[float], Field(min_length=2, max_length=2)]


def _check_bounds(where: str, bounds: dict[str, list[float]]) -> None:
    for key, (low, high) in bounds.items():
        if not low < high:
            raise ValueError(f"{where}.bounds.{key!r} = [{low}, {high}]: low must be below high")


class Sample(Spec):
    """A sampled design: `n` points within `bounds` (one [low, high] per dotted key)."""

    method: Literal[SAMPLE_METHODS] = "lhs"  # type: ignore[valid-type]
    n: int = Field(ge=1, le=1_000_000)
    seed: int | None = Field(None, ge=0)
    bounds: dict[str, Bound] = Field(min_length=1)

    @model_validator(mode="after")
    def _bounds(self) -> Sample:
        _check_bounds("sample", self.bounds)
        return self


class Sensitivity(Spec):
    """A global sensitivity analysis (SALib) of `outputs` to the parameters in `bounds`."""

    method: Literal["sobol", "morris"] = "sobol"
    n: int = Field(ge=2, le=1_000_000)
    outputs: list[str] = Field(default_factory=lambda: ["revenue", "csat", "profit"], min_length=1)
    bounds: dict[str, Bound] = Field(min_length=1)
    second_order: bool = False
    levels: int = Field(4, ge=2, le=100)
    seed: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _valid(self) -> Sensitivity:
        _check_bounds("sensitivity", self.bounds)
        if self.method == "sobol" and self.n & (self.n - 1):
            raise ValueError(
                f"sensitivity.n = {self.n}: Sobol' sampling needs a power of 2 (e.g. 32, 64, 128)"
            )
        return self


class ExperimentSpec(Spec):
    """The experiment file as written."""

    name: str = ""
    description: str = ""
    scenario: str = Field(min_length=1)
    replications: int = Field(10, ge=1, le=100_000)
    seed: int = Field(1, ge=0)
    kpis: list[str] | None = Field(None, min_length=1)
    policies: list[str] = Field(default_factory=list)
    base: dict[str, Any] = Field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = Field(default_factory=dict)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(default_factory=dict)
    sample: Sample | None = None
    sensitivity: Sensitivity | None = None


HINTS = {
    "scenario": "the base scenario file, relative to the experiment file",
    "sample.bounds": 'a sampled design needs [sample.bounds] with "KEY" = [low, high]',
    "sensitivity.bounds": 'a sensitivity analysis needs [sensitivity.bounds] "KEY" = [low, high]',
    "sample.n": "the number of sampled points",
    "sensitivity.n": "the base sample size",
}


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(f"{p!r}" if isinstance(p, str) and "." in p else str(p) for p in loc)


def _describe(error: dict[str, Any]) -> str:
    """One line per pydantic error: the field, the value and what is allowed."""
    key = _key(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        known = [*ExperimentSpec.model_fields, *(f"sample.{f}" for f in Sample.model_fields)]
        known += [f"sensitivity.{f}" for f in Sensitivity.model_fields]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if error["type"] == "missing":
        hint = HINTS.get(key)
        return f"{key} is missing" + (f": {hint}" if hint else "")
    if not key or error["type"] == "value_error":
        return message
    value = error.get("input")
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    return f"{key} = {shown}: {message}"


def _check_keys(where: str, keys: list[str], source: str | None) -> None:
    """Every varied key must be a scenario key."""
    known = set(valid_keys())
    problems = []
    for key in keys:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{where}: unknown key {key!r}{hint}; see `ccsim keys`")
    if problems:
        raise ExperimentError(problems, source)


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


def _points(
    kind: str, spec: ExperimentSpec, base: dict[str, Any], source: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The design points for the command `kind` (and the sensitivity matrix)."""
    varied = bool(spec.grid) or spec.sample is not None
    if kind == "compare" and (varied or spec.sensitivity):
        raise ExperimentError(
            "this experiment has a [grid], [sample] or [sensitivity]; run it with "
            "`ccsim sweep` or `ccsim sensitivity` (compare runs the variants only)",
            source,
        )
    if kind == "sweep":
        if not varied:
            raise ExperimentError(
                "nothing to sweep: give a [grid] (KEY = [values]) or a [sample] with bounds",
                source,
            )
        _check_keys("[grid]", list(spec.grid), source)
        for key, values in spec.grid.items():
            if len({repr(v) for v in values}) != len(values):
                raise ExperimentError(f"grid.{key!r} lists a value twice: {values}", source)
        sampled: list[dict[str, Any]] = []
        if spec.sample is not None:
            _check_keys("[sample.bounds]", list(spec.sample.bounds), source)
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
        _check_keys("[sensitivity.bounds]", list(sens.bounds), source)
        from sim.sensitivity import sample

        bounds = {k: (v[0], v[1]) for k, v in sens.bounds.items()}
        seed = spec.seed if sens.seed is None else sens.seed
        matrix = sample(sens.method, bounds, sens.n, seed, sens.second_order, sens.levels)
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
        raise ExperimentError([_describe(e) for e in exc.errors()], where) from None
    if replications is not None and (isinstance(replications, bool) or replications < 1):
        raise ExperimentError(f"replications = {replications!r}: must be 1 or more", where)
    reps = replications or spec.replications
    base = _resolve_base(spec, path, overrides)
    base_data = base.model_dump()
    variants = _variants(spec, where)
    points, matrix = _points(kind, spec, base_data, where)
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
            resolved[name].append(scenario.to_dict())
    tasks = build_tasks(resolved, points, reps, spec.seed)
    experiment = Experiment(
        kind, spec, path, text, overrides, base, variants, points, params, tasks, reps
    )
    experiment.design = matrix
    experiment.kpis = _kpis(experiment, where)
    return experiment


def kpi_names(base: Scenario) -> list[str]:
    """The KPI names a run of this scenario reports (from one tiny run of it)."""
    from sim.runner import run

    tiny = {"calendar.days": 1, "arrivals.rate_per_hour": min(base.arrivals.rate_per_hour, 20.0)}
    tiny["customers.population"] = min(base.customers.population, 200)
    return list(run(base.with_overrides(tiny), seed=0).kpis)


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
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown KPI {name!r}{hint}; known: {', '.join(known)}")
        raise ExperimentError(problems, where)
    return list(wanted)
