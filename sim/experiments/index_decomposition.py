"""The change in a product of factors, split exactly into one part per factor: the log-mean
Divisia index, additive form (LMDI-I; Ang 2005, "The LMDI approach to decomposition analysis:
a practical guide", Energy Policy 33).

With V = Π x_i, the change V_a − V_b = Σ_i L(V_a, V_b) ln(x_i,a / x_i,b), where
L(x, y) = (x − y) / (ln x − ln y) is the logarithmic mean (L(x, x) = x): the parts add up to
the change with no residual, whatever the sizes of the changes.

Zeros, as Ang (2005) recommends: a zero is replaced by a small positive number (`SMALL`), so
every logarithm exists; the parts then add up to the change of the product with those numbers,
which differs from the true change by less than `SMALL` times the other factors. Where a
quantity is zero on one side, the parts converge (slowly, as 1 / ln SMALL) to Ang & Liu's
(2007) analytical limit as SMALL → 0. Pure numpy, arrays of one value per replication.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

SMALL = 1e-20
"""What a zero becomes (Ang 2005: a number between 1e-10 and 1e-20)."""


def _positive(x: ArrayLike) -> np.ndarray:
    """`x` as floats with zeros replaced by SMALL; a negative or non-finite value is refused."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    if not np.isfinite(x).all() or (x < 0).any():
        raise ValueError("LMDI needs finite values of zero or more")
    return np.where(x == 0, SMALL, x)


def logarithmic_mean(x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """L(x, y) = (x − y) / (ln x − ln y), and x where x = y (x, y > 0)."""
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    same = x == y
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (x - y) / (np.log(x) - np.log(y))
    return np.where(same, x, mean)


def lmdi(a: Mapping[str, ArrayLike], b: Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Each factor's part of Π a − Π b (a and b name the same factors, each an array with one
    value per replication, or a number); the parts add up to the change of the product."""
    if list(a) != list(b):
        raise ValueError(f"both sides need the same factors: {list(a)} and {list(b)}")
    if not a:
        raise ValueError("no factors")
    xa = {name: _positive(v) for name, v in a.items()}
    xb = {name: _positive(v) for name, v in b.items()}
    weight = logarithmic_mean(
        np.prod(list(xa.values()), axis=0), np.prod(list(xb.values()), axis=0)
    )
    return {name: weight * np.log(xa[name] / xb[name]) for name in a}


def funnel(counts: Sequence[ArrayLike], names: Sequence[str]) -> dict[str, np.ndarray]:
    """A chain of counts (e.g. opportunities, offers, sales, revenue) as factors whose product
    is the last count: the first count (`names[0]`), then each count per the one before
    (`names[i]` = counts[i] / counts[i − 1]). Zero counts become SMALL first, so a ratio of two
    zeros is 1 and carries nothing."""
    if len(counts) != len(names) or not counts:
        raise ValueError("one name per count, and at least one count")
    stages = [_positive(c) for c in counts]
    factors = {names[0]: stages[0]}
    for name, before, after in zip(names[1:], stages[:-1], stages[1:], strict=True):
        factors[name] = after / before
    return factors
