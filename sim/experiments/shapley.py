"""Exact Shapley values of a few factors (Shapley 1953; Owen 2014, "Sobol' indices and Shapley
value", SIAM/ASA JUQ 2): each factor's average marginal contribution over every order in which
the factors can be switched on, computed from the value of every subset of factors.

The parts add up exactly: v(F) = v(∅) + Σ φ_i, per replication, so their means add up too.
v(∅) is not a residual but a named term: what the compared quantity is with every factor off.
Values come per replication seed (arrays of equal length); pure numpy, no simulation here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations

import numpy as np

from sim.experiments.statistics import mean_ci

MAX_FACTORS = 12
"""More factors than this would need 2^k simulated coalitions: a design mistake here."""


def coalitions(factors: Sequence[str]) -> list[frozenset[str]]:
    """Every subset of `factors`, the empty one first and the whole set last."""
    return [
        frozenset(subset)
        for size in range(len(factors) + 1)
        for subset in combinations(factors, size)
    ]


def shapley_values(
    factors: Sequence[str],
    value: Mapping[frozenset[str], Iterable[float]] | Callable[[frozenset[str]], Iterable[float]],
) -> dict[str, np.ndarray]:
    """Each factor's Shapley value, per replication: φ_i = Σ over S ⊆ F∖{i} of
    |S|! (k − |S| − 1)! / k! × (v(S ∪ {i}) − v(S)).

    `value` gives v(S) for every subset S of `factors` (a mapping or a function), as an array
    with one number per replication (or a single number)."""
    factors = list(factors)
    k = len(factors)
    if len(set(factors)) != k:
        raise ValueError(f"factors must be distinct: {factors}")
    if not 1 <= k <= MAX_FACTORS:
        raise ValueError(f"{k} factors: from 1 to {MAX_FACTORS} are allowed")
    get = value if callable(value) else value.__getitem__
    table = {s: np.atleast_1d(np.asarray(get(s), dtype=float)) for s in coalitions(factors)}
    shapes = {v.shape for v in table.values()}
    if len(shapes) != 1:
        raise ValueError(f"every coalition needs one value per replication; shapes {shapes}")
    (shape,) = shapes
    if not all(np.isfinite(v).all() for v in table.values()):
        raise ValueError("every coalition's value must be finite (a failed run?)")
    weight = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    out = {}
    for factor in factors:
        others = [f for f in factors if f != factor]
        phi = np.zeros(shape)
        for subset in coalitions(others):
            phi += weight[len(subset)] * (table[subset | {factor}] - table[subset])
        out[factor] = phi
    return out


def shapley_split(
    factors: Sequence[str],
    value: Mapping[frozenset[str], Iterable[float]] | Callable[[frozenset[str]], Iterable[float]],
    base: str = "base",
    total: str = "total",
) -> dict[str, np.ndarray]:
    """The whole v(F) split per replication: `base` = v(∅) (with every factor off), then each
    factor's Shapley value, then `total` = v(F); base + the factors' values = total."""
    get = value if callable(value) else value.__getitem__
    empty, whole = frozenset(), frozenset(factors)
    parts = shapley_values(factors, get)
    clash = {base, total} & set(parts)
    if clash:
        raise ValueError(f"a factor may not be named {sorted(clash)}")
    return {
        base: np.atleast_1d(np.asarray(get(empty), dtype=float)),
        **parts,
        total: np.atleast_1d(np.asarray(get(whole), dtype=float)),
    }


def shapley_summary(
    factors: Sequence[str],
    value: Mapping[frozenset[str], Iterable[float]] | Callable[[frozenset[str]], Iterable[float]],
) -> dict[str, dict[str, float]]:
    """`shapley_split` summarised over the replications: each part's mean with its Student-t
    95 % CI (`statistics.mean_ci`); the means add up as the parts do."""
    return {name: mean_ci(v) for name, v in shapley_split(factors, value).items()}
