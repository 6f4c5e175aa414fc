"""The LMDI split of a product's change (sim.experiments.index_decomposition): exact, and
right on cases worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.index_decomposition import SMALL, funnel, lmdi, logarithmic_mean


def test_the_parts_add_up_to_the_change_exactly() -> None:
    rng = np.random.default_rng(1)
    a = {name: rng.uniform(0.1, 1000, 6) for name in "wxyz"}
    b = {name: rng.uniform(0.1, 1000, 6) for name in "wxyz"}
    parts = lmdi(a, b)
    change = np.prod(list(a.values()), axis=0) - np.prod(list(b.values()), axis=0)
    scale = np.maximum(np.prod(list(a.values()), axis=0), np.prod(list(b.values()), axis=0))
    np.testing.assert_allclose(sum(parts.values()), change, rtol=0, atol=1e-9 * scale.max())


def test_two_factors_worked_by_hand() -> None:
    # V = x y: 2 × 3 = 6 against 1 × 2 = 2; L(6, 2) = 4 / ln 3
    parts = lmdi({"x": 2.0, "y": 3.0}, {"x": 1.0, "y": 2.0})
    assert parts["x"][0] == pytest.approx(4 * math.log(2) / math.log(3), rel=1e-14)
    assert parts["y"][0] == pytest.approx(4 * math.log(1.5) / math.log(3), rel=1e-14)


def test_equal_sides_give_zeros() -> None:
    same = {"x": np.array([2.0, 5.0]), "y": np.array([7.0, 0.5])}
    assert all((p == 0).all() for p in lmdi(same, same).values())


def test_one_factor_doubling_carries_the_whole_change() -> None:
    b = {"x": 3.0, "y": 4.0, "z": 5.0}
    parts = lmdi(b | {"y": 8.0}, b)
    assert parts["y"][0] == pytest.approx(60.0, rel=1e-14)
    assert parts["x"][0] == parts["z"][0] == 0.0


def test_the_logarithmic_mean() -> None:
    assert logarithmic_mean(3.0, 3.0) == 3.0
    assert logarithmic_mean(math.e, 1.0) == pytest.approx(math.e - 1, rel=1e-14)
    assert logarithmic_mean(2.0, 8.0) == logarithmic_mean(8.0, 2.0)
    assert 2.0 < logarithmic_mean(2.0, 8.0) < 5.0  # between the geometric and arithmetic mean


def test_zeros_are_replaced_by_a_small_number() -> None:
    # nothing sold on one side: the parts still add up to the whole change
    parts = lmdi({"x": 0.0, "y": 3.0}, {"x": 2.0, "y": 3.0})
    # (−6 + SMALL × 3 in exact arithmetic: within floating point of −6)
    assert sum(parts.values())[0] == pytest.approx(-6.0, rel=1e-14)
    assert parts["y"][0] == 0.0 and parts["x"][0] == pytest.approx(-6.0, rel=1e-14)
    # zero on both sides: nothing changed, nothing to split
    zero = {"x": 0.0, "y": 0.0}
    assert all((p == 0).all() for p in lmdi(zero, zero).values())
    with pytest.raises(ValueError, match="zero or more"):
        lmdi({"x": -1.0}, {"x": 1.0})


def test_a_funnel_is_factors_whose_product_is_its_last_count() -> None:
    counts = [np.array([100.0, 80.0]), np.array([40.0, 0.0]), np.array([10.0, 0.0])]
    factors = funnel(counts, ["first", "rate", "yield"])
    product = np.prod(list(factors.values()), axis=0)
    assert product[0] == pytest.approx(10.0, rel=1e-15)
    assert product[1] == pytest.approx(SMALL, rel=1e-15)
    assert factors["yield"][1] == 1.0  # no offers and no sales: the ratio carries nothing
    parts = lmdi(
        funnel(counts, ["f", "r", "y"]), funnel([c * 0 + 50 for c in counts], ["f", "r", "y"])
    )
    assert sum(parts.values()) == pytest.approx(product - 50.0, abs=1e-9)
