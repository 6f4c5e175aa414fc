"""The ranges file of an uncertainty experiment: one plausible [low, high] per scenario key,
with its unit and the reasoning behind it, validated strictly (docs/EXPERIMENTS.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from sim.errors import ExperimentError, ScenarioError, did_you_mean
from sim.experiments.design import integer_keys, resolve
from sim.experiments.experiment import check_keys
from sim.experiments.spec import Spec
from sim.scenario import read_toml
from sim.scenario.policy import PRESETS, PolicyParameters


class Range(Spec):
    """One uncertain parameter: where its value plausibly lies, in what unit, and why."""

    low: float
    high: float
    unit: str = ""
    why: str = Field(min_length=1)
    variants: list[str] | None = Field(None, min_length=1)
    """Only these variants' scenarios take the drawn value (default: every variant)."""

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low = {self.low}, high = {self.high}: low must be below high")
        return self

    def applies_to(self, variant: str) -> bool:
        """Whether `variant`'s scenario takes this parameter's drawn value."""
        return self.variants is None or variant in self.variants


RANGES = TypeAdapter(dict[str, Range])
HINTS = {
    "why": "one or two sentences of reasoning and source",
    "low": "the lowest plausible value",
    "high": "the highest plausible value",
}


def _describe(error: dict[str, Any]) -> str:
    """One line per problem in the ranges file: the table, the field, the value, the rule."""
    loc = error["loc"]
    where = f'["{loc[0]}"]' + "".join(f".{p}" for p in loc[1:])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        name = str(loc[-1])
        hint = did_you_mean(name, list(Range.model_fields))
        allowed = ", ".join(Range.model_fields)
        return f'["{loc[0]}"]: unknown field {name!r}{hint}; allowed: {allowed}'
    if error["type"] == "missing":
        return f"{where} is missing: {HINTS.get(str(loc[-1]), 'required')}"
    if error["type"] in ("model_type", "dict_type"):
        return f"{where} = {error.get('input')!r}: a table with low, high, unit, why is allowed"
    if error["type"] == "value_error":
        return f"{where}: {message}"
    return f"{where} = {error.get('input')!r}: {message}"


def read_ranges(path: Path) -> tuple[dict[str, Range], str]:
    """The ranges file as validated tables, and its text (kept in the manifest)."""
    try:
        data, text = read_toml(path), path.read_text(encoding="utf-8")
    except ScenarioError as exc:
        raise ExperimentError([f"uncertainty.ranges: {p}" for p in exc.problems]) from None
    if not data:
        raise ExperimentError(
            f"uncertainty.ranges = {str(path)!r}: the file names no parameter; give one table "
            'per scenario key, e.g. ["sales.ask_habit"] with low, high, unit, why'
        )
    try:
        ranges = RANGES.validate_python(data)
    except ValidationError as exc:
        raise ExperimentError([_describe(e) for e in exc.errors()], str(path)) from None
    return ranges, text


def scenario_value(data: dict[str, Any], key: str) -> Any:
    """The value of dotted `key` in a scenario dict; a policy parameter left to its preset is
    the preset's value."""
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None and key.startswith("policy."):
        name = data.get("policy", {}).get("name", "")
        parameters = PRESETS[name].parameters if name in PRESETS else PolicyParameters()
        node = getattr(parameters, key.split(".", 1)[1], None)
    return node


def check_ranges(
    ranges: dict[str, Range],
    variants: dict[str, dict[str, Any]],
    base: dict[str, Any],
    source: str,
) -> None:
    """Every range names a scenario key and variants of the experiment, no variant's own
    setting is overwritten, both ends are valid values, and the scenario's own value lies
    within the range (a range that excludes it describes another center)."""
    check_keys("ranges", list(ranges), source)
    problems = []
    for key, found in ranges.items():
        unknown = [v for v in found.variants or [] if v not in variants]
        if unknown:
            problems.append(
                f'["{key}"].variants = {found.variants}: {", ".join(map(repr, unknown))} is '
                f"not a variant of the experiment (variants: {', '.join(variants)})"
            )
            continue
        applied = [v for v in variants if found.applies_to(v)]
        setters = [v for v in applied if key in variants[v]]
        if setters:
            problems.append(
                f'["{key}"]: variant {setters[0]!r} sets {key} itself; restrict the range '
                f"with variants = [...] to the others, or drop the key from the variant"
            )
            continue
        whole = bool(integer_keys(base, [key]))  # drawn values get rounded (design.py)
        for end in ("low", "high"):
            value = getattr(found, end)
            value = round(value) if whole and float(value).is_integer() else value
            try:
                resolve(base, {**variants[applied[0]], key: value})
            except ScenarioError as exc:
                problems.append(f'["{key}"].{end} = {getattr(found, end)}: {exc.problems[0]}')
        scopes = {"the base scenario": base} if found.variants is None else {}
        for name in found.variants or []:
            scopes[f"variant {name!r}"] = resolve(base, variants[name]).model_dump()
        for scope, data in scopes.items():
            value = scenario_value(data, key)
            if not isinstance(value, int | float) or not found.low <= value <= found.high:
                problems.append(
                    f'["{key}"]: the value in {scope}, {value}, lies outside the range '
                    f"[{found.low}, {found.high}]; widen the range or change the scenario"
                )
    if problems:
        raise ExperimentError(problems, source)


def ranges_markdown(ranges: dict[str, Range], base: dict[str, Any]) -> str:
    """The ranges as the Markdown table docs/MODEL.md embeds (a test keeps the two equal):
    parameter, default, range, unit, the variants it applies to, and the reasoning."""
    lines = [
        "| parameter | default | plausible range | unit | applies to | why |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, found in ranges.items():
        data = base
        if found.variants:  # a policy's own parameter: the first variant's preset value
            data = {**base, "policy": {"name": found.variants[0]}}
        default = scenario_value(data, key)
        scope = ", ".join(found.variants) if found.variants else "every policy"
        lines.append(
            f"| `{key}` | {default:g} | {found.low:g} – {found.high:g} | {found.unit} "
            f"| {scope} | {found.why} |"
        )
    return "\n".join(lines) + "\n"
