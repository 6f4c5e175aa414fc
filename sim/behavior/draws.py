"""Named rows of random numbers for the per-contact mechanisms.

Each contact takes one row from each source it touches, so every contact uses the same count
of numbers whatever happens in it: the streams stay aligned across scenarios (common random
numbers). A layout names a row's numbers in the order its consumer unpacks them; it is
declared beside that consumer, and tests build rows by name to check the order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.distributions import sampler


@dataclass(frozen=True)
class DrawLayout:
    """The numbers of one row: uniforms on [0, 1), then standard normals, then standard
    exponentials, each block in the order named."""

    uniform: tuple[str, ...] = ()
    normal: tuple[str, ...] = ()
    exponential: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every number's name, in row order."""
        return self.uniform + self.normal + self.exponential

    def sampler(self, rng: np.random.Generator) -> Callable[[], list[float]]:
        """One row per call, drawn from `rng` in batches (block by block within a batch)."""
        uniforms, normals = len(self.uniform), len(self.normal)
        exponentials = len(self.exponential)
        return sampler(
            lambda n: np.column_stack(
                (
                    rng.random((n, uniforms)),
                    rng.standard_normal((n, normals)),
                    rng.standard_exponential((n, exponentials)),
                )
            )
        )

    def row(self, **values: float) -> list[float]:
        """A row with the given value for every name (tests and examples drive mechanisms so)."""
        if set(values) != set(self.names):
            missing = sorted(set(self.names) - set(values))
            extra = sorted(set(values) - set(self.names))
            raise TypeError(
                f"a row of {self.names} needs every name: missing {missing}, extra {extra}"
            )
        return [values[name] for name in self.names]
