"""The base of every scenario section: strict, immutable, no unknown keys, finite numbers."""

from __future__ import annotations

import unicodedata
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from sim.errors import unprintable

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


def no_control_characters(text: str, allowed: str = "") -> str:
    """`text` unchanged, or ValueError if it holds a control character (besides `allowed`):
    a name reaches the terminal, where an escape sequence could clear or recolour it."""
    bad = [c for c in text if unprintable(c) and c not in allowed]
    if bad:
        raise ValueError(
            f"contains the unprintable character '{bad[0].encode('unicode_escape').decode()}' "
            f"({unicodedata.name(bad[0], unicodedata.category(bad[0]))}); only printable text "
            "is allowed"
        )
    return text


def no_control_characters_but_lines(text: str) -> str:
    """As `no_control_characters`, allowing line breaks and tabs (descriptions)."""
    return no_control_characters(text, "\n\t")


Name = Annotated[str, AfterValidator(no_control_characters)]
"""A name shown in tables and progress lines: printable text only."""
Description = Annotated[str, AfterValidator(no_control_characters_but_lines)]
"""A description: printable text, line breaks and tabs."""


class Section(BaseModel):
    """Base for every scenario section: unknown keys are errors, values are immutable.

    Strict types: `true` is not a number and "300" is not 300; numbers must be finite.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, strict=True, allow_inf_nan=False
    )


def dotted_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted key a section accepts, nested sections and their keys included."""
    keys = []
    for name, field in model.model_fields.items():
        key = prefix + name
        keys.append(key)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys.extend(dotted_keys(annotation, key + "."))
    return keys


def _whole_number(annotation: Any) -> bool:
    """Whether a field's type is int, or int or None (through Annotated and unions)."""
    if annotation is int:
        return True
    if get_origin(annotation) is Annotated:
        return _whole_number(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return len(options) == 1 and _whole_number(options[0])
    return False


def whole_number_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every dotted key whose value is a whole number (optional ones included), nested
    sections' keys too: a sampled value of such a key is rounded before validation."""
    keys = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys |= whole_number_keys(annotation, prefix + name + ".")
        elif _whole_number(annotation):
            keys.add(prefix + name)
    return keys
