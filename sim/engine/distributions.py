"""Random durations (talk time, after-call work, patience) drawn in fast batches."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any

import numpy as np

from sim.scenario.queue import AfterCallWork, Duration, Patience

BATCH = 4096


def lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """(mu, sigma) of the underlying normal for a lognormal with this mean and CV; a mean of 0
    gives mu = -inf, so exp(mu + sigma * z) is exactly 0 (e.g. sales worth nothing)."""
    sigma2 = math.log1p(cv * cv)
    mu = math.log(mean) - sigma2 / 2 if mean > 0 else -math.inf
    return mu, math.sqrt(sigma2)


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


def sampler(draw_batch: Callable[[int], np.ndarray]) -> Callable[[], Any]:
    """A function returning one draw (or one row of a 2-D batch) per call, from batches of
    `draw_batch(BATCH)`: numpy speed for drawing, and each call is one step of a C iterator
    (no Python frame), which matters at several draws per contact."""
    batches = map(lambda n: draw_batch(n).tolist(), repeat(BATCH))
    return chain.from_iterable(batches).__next__


def duration_sampler(
    config: Duration | AfterCallWork | Patience, rng: np.random.Generator
) -> Callable[[], float]:
    """A sampler of the configured duration."""
    return sampler(lambda n: draw(config, rng, n))
