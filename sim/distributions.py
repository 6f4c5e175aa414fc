"""Random durations (talk time, after-call work, patience) drawn in fast batches."""

from __future__ import annotations

import math

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
    """Returns one draw per call from pre-drawn numpy batches (no per-call numpy overhead)."""

    __slots__ = ("_buffer", "_config", "_index", "_rng")

    def __init__(self, config: Duration | AfterCallWork | Patience, rng: np.random.Generator):
        self._config, self._rng = config, rng
        self._buffer: list[float] = []
        self._index = 0

    def __call__(self) -> float:
        if self._index >= len(self._buffer):
            self._buffer = draw(self._config, self._rng, BATCH).tolist()
            self._index = 0
        value = self._buffer[self._index]
        self._index += 1
        return value
