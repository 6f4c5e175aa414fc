"""Random durations (talk time, after-call work, patience) drawn in fast batches."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sim.scenario import AfterCallWork, Duration, Patience

BATCH = 4096


def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the underlying normal for a lognormal with this mean and CV."""
    sigma2 = math.log1p(cv * cv)
    return math.log(mean) - sigma2 / 2, math.sqrt(sigma2)


def draw(
    config: Duration | AfterCallWork | Patience, rng: np.random.Generator, n: int
) -> np.ndarray:
    """`n` draws of the configured duration; 'none' means infinite patience or no work (0 s)."""
    kind, mean = config.distribution, config.mean_seconds
    if kind == "exponential":
        return rng.exponential(mean, n)
    if kind == "lognormal":
        mu, sigma = lognormal_parameters(mean, config.cv)
        return rng.lognormal(mu, sigma, n)
    if kind == "deterministic":
        return np.full(n, mean)
    if kind == "none":
        return np.full(n, math.inf if isinstance(config, Patience) else 0.0)
    raise ValueError(f"unknown distribution {kind!r}")


class Sampler:
    """Returns one draw per call from batches drawn by `draw_batch(n)` (numpy speed, no
    per-call numpy overhead)."""

    __slots__ = ("_buffer", "_draw_batch", "_index")

    def __init__(self, draw_batch: Callable[[int], np.ndarray]):
        self._draw_batch = draw_batch
        self._buffer: list[float] = []
        self._index = 0

    def __call__(self) -> float:
        index = self._index
        try:
            value = self._buffer[index]
        except IndexError:
            self._buffer = self._draw_batch(BATCH).tolist()
            value, index = self._buffer[0], 0
        self._index = index + 1
        return value


def duration_sampler(
    config: Duration | AfterCallWork | Patience, rng: np.random.Generator
) -> Sampler:
    """A sampler of the configured duration."""
    return Sampler(lambda n: draw(config, rng, n))
