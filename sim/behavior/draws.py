"""Named rows of random numbers for the per-contact mechanisms.

Each contact takes one row from each source it touches, so every contact uses the same count
of numbers whatever happens in it: the streams stay aligned across scenarios (common random
numbers). A layout names a row's numbers in the order its consumer unpacks them; it is
declared beside that consumer, and tests build rows by name to check the order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import bdtr, bdtrik, pdtr, pdtrik

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


def poisson_quantile(mean: float, u: float) -> int:
    """The Poisson(`mean`) count at quantile `u`: counts drawn from one uniform a day stay
    coupled across scenarios (a higher mean never gives a lower count for the same `u`)."""
    if mean <= 0:
        return 0
    if mean > 700:  # exp(-mean) underflows: the same quantile from scipy's Poisson CDF
        return _search(lambda k: pdtr(k, mean), pdtrik(u, mean), u, math.inf)
    k, pmf = 0, math.exp(-mean)
    cumulative = pmf
    while cumulative <= u and pmf > 0:
        k += 1
        pmf *= mean / k
        if cumulative + pmf == cumulative:  # u within rounding of 1: the tail adds nothing
            break
        cumulative += pmf
    return k


def binomial_quantile(n: int, p: float, u: float) -> int:
    """The Binomial(`n`, `p`) count at quantile `u` (coupled as `poisson_quantile`)."""
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    log_first = n * math.log1p(-p)
    if log_first < -700:  # (1 - p)**n underflows: the same quantile from scipy's CDF
        return _search(lambda k: bdtr(k, n, p), bdtrik(u, n, p), u, n)
    k, pmf = 0, math.exp(log_first)
    cumulative, odds = pmf, p / (1 - p)
    while cumulative <= u and k < n:
        pmf *= (n - k) / (k + 1) * odds
        k += 1
        if cumulative + pmf == cumulative:  # u within rounding of 1 (as poisson_quantile)
            break
        cumulative += pmf
    return k


def _search(cdf: Callable[[int], float], guess: float, u: float, top: float) -> int:
    """The smallest count k in [0, `top`] with `cdf`(k) > `u`, from a `guess` near it (an
    exact quantile where a normal limit would break the coupling at the switch)."""
    k = int(min(max(guess, 0.0), top)) if math.isfinite(guess) else 0
    while k > 0 and cdf(k - 1) > u:
        k -= 1
    previous = 0.0
    while k < top:
        value = cdf(k)
        if value > u or (value == previous and value > 0.5):  # u within rounding of 1
            break
        previous = value
        k += 1
    return k
