"""The experiment file as written: its tables and keys, validated strictly (unknown keys are
errors), and one readable line per problem. See docs/EXPERIMENTS.md for the format."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.errors import did_you_mean
from sim.experiments.design import SAMPLE_METHODS
from sim.scenario.section import Description, Name


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
    difference: list[str] | None = Field(None, min_length=2, max_length=2)
    """Two variants ["a", "b"]: analyse each output's paired difference a - b (same seeds)."""

    @model_validator(mode="after")
    def _valid(self) -> Sensitivity:
        _check_bounds("sensitivity", self.bounds)
        if self.difference is not None and self.difference[0] == self.difference[1]:
            raise ValueError(
                f"sensitivity.difference = {self.difference}: name two different variants"
            )
        if self.method == "sobol" and self.n & (self.n - 1):
            raise ValueError(
                f"sensitivity.n = {self.n}: Sobol' sampling needs a power of 2 (e.g. 32, 64, 128)"
            )
        return self


class Uncertainty(Spec):
    """Uncertainty across plausible worlds: `worlds` draws from the ranges file, kept when the
    reference variant's means meet every `accept` fact (docs/EXPERIMENTS.md)."""

    worlds: int = Field(200, ge=1, le=1_000_000)
    method: Literal["lhs", "sobol"] = "lhs"
    ranges: str = Field(min_length=1)
    seed: int | None = Field(None, ge=0)
    reference: str | None = None
    outcomes: list[str] = Field(
        default_factory=lambda: ["profit_after_churn", "csat"], min_length=1
    )
    accept: dict[str, Bound] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _valid(self) -> Uncertainty:
        for kpi, (low, high) in self.accept.items():
            if not low <= high:
                raise ValueError(
                    f"uncertainty.accept.{kpi} = [{low}, {high}]: low must not be above high"
                )
        return self


class ExperimentSpec(Spec):
    """The experiment file as written."""

    name: Name = ""
    description: Description = ""
    scenario: str = Field(min_length=1)
    replications: int = Field(10, ge=1, le=100_000)
    seed: int = Field(1, ge=0, le=2**63 - 1 - 100_000)  # seed + replication fits in 64 bits
    kpis: list[str] | None = Field(None, min_length=1)
    policies: list[str] = Field(default_factory=list)
    base: dict[str, Any] = Field(default_factory=dict)
    variants: dict[Name, dict[str, Any]] = Field(default_factory=dict)
    grid: dict[str, Annotated[list[Any], Field(min_length=1)]] = Field(default_factory=dict)
    sample: Sample | None = None
    sensitivity: Sensitivity | None = None
    uncertainty: Uncertainty | None = None

    @field_validator("policies")
    @classmethod
    def _no_duplicate_policies(cls, value: list[str]) -> list[str]:
        twice = sorted({p for p in value if value.count(p) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} named more than once; name each policy once")
        return value


HINTS = {
    "scenario": "the base scenario file, relative to the experiment file",
    "sample.bounds": 'a sampled design needs [sample.bounds] with "KEY" = [low, high]',
    "sensitivity.bounds": 'a sensitivity analysis needs [sensitivity.bounds] "KEY" = [low, high]',
    "sample.n": "the number of sampled points",
    "sensitivity.n": "the base sample size",
    "uncertainty.ranges": 'the ranges file, relative to the experiment: ranges = "ranges.toml"',
}


def _key(loc: tuple[Any, ...]) -> str:
    return ".".join(
        f"{p!r}" if isinstance(p, str) and ("." in p or not p.isprintable()) else str(p)
        for p in loc
    )


def describe_error(error: dict[str, Any]) -> str:
    """One line per pydantic error: the field, the value and what is allowed."""
    key = _key(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        known = [*ExperimentSpec.model_fields, *(f"sample.{f}" for f in Sample.model_fields)]
        known += [f"sensitivity.{f}" for f in Sensitivity.model_fields]
        known += [f"uncertainty.{f}" for f in Uncertainty.model_fields]
        return f"unknown key {key!r}{did_you_mean(key, known)}"
    if error["type"] == "missing":
        hint = HINTS.get(key)
        return f"{key} is missing" + (f": {hint}" if hint else "")
    if error["type"] == "value_error" and key and isinstance(error.get("input"), str):
        return f"{key} = {error['input']!r}: {message}"  # a text field's own check
    if not key or error["type"] == "value_error":
        return message
    value = error.get("input")
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    return f"{key} = {shown}: {message}"
