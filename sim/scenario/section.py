"""The base of every scenario section: strict, immutable, no unknown keys, finite numbers."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


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
