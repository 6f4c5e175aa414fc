"""Exact Shapley values (sim.experiments.shapley): the axioms that define them, and a case
worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.shapley import coalitions, shapley_split, shapley_summary, shapley_values

FACTORS = ["a", "b", "c", "d", "e"]


def random_game(seed: int, factors: list[str], seeds: int = 4) -> dict[frozenset[str], np.ndarray]:
    """A value per coalition and replication, with no structure at all."""
    rng = np.random.default_rng(seed)
    return {s: rng.normal(0, 1000, seeds) for s in coalitions(factors)}


def test_coalitions_are_every_subset_once() -> None:
    subsets = coalitions(FACTORS)
    assert len(subsets) == len(set(subsets)) == 2 ** len(FACTORS)
    assert subsets[0] == frozenset() and subsets[-1] == frozenset(FACTORS)


def test_efficiency_the_values_add_up_per_replication() -> None:
    v = random_game(1, FACTORS)
    phi = shapley_values(FACTORS, v)
    whole = v[frozenset(FACTORS)] - v[frozenset()]
    scale = max(np.abs(x).max() for x in v.values())
    np.testing.assert_allclose(sum(phi.values()), whole, rtol=0, atol=1e-9 * scale)


def test_symmetric_factors_get_the_same_value() -> None:
    rng = np.random.default_rng(2)
    rest = {s: rng.normal(size=3) for s in coalitions(["c", "d"])}
    # "a" and "b" are interchangeable: v depends on how many of the two are in S, not which
    per_count = [rng.normal(size=3) for _ in range(3)]

    def v(s: frozenset[str]) -> np.ndarray:
        return rest[s - {"a", "b"}] * (1 + len(s & {"a", "b"})) + per_count[len(s & {"a", "b"})]

    phi = shapley_values(["a", "b", "c", "d"], v)
    np.testing.assert_allclose(phi["a"], phi["b"], rtol=1e-12)
    assert not np.allclose(phi["a"], phi["c"])


def test_a_factor_that_changes_nothing_gets_zero() -> None:
    v = random_game(3, ["a", "b", "c"])
    game = {s: v[s - {"null"}] for s in coalitions(["a", "b", "c", "null"])}
    phi = shapley_values(["a", "b", "c", "null"], game)
    assert (phi["null"] == 0).all()
    without = shapley_values(["a", "b", "c"], v)
    for f in "abc":
        np.testing.assert_allclose(phi[f], without[f], rtol=1e-12)


def test_values_of_a_sum_of_games_are_the_sums_of_their_values() -> None:
    v, w = random_game(4, FACTORS), random_game(5, FACTORS)
    both = shapley_values(FACTORS, {s: v[s] + w[s] for s in v})
    one, other = shapley_values(FACTORS, v), shapley_values(FACTORS, w)
    for f in FACTORS:
        np.testing.assert_allclose(both[f], one[f] + other[f], rtol=1e-12, atol=1e-9)


def test_three_factors_worked_by_hand() -> None:
    # v: ∅ 5, A 15, B 25, C 35, AB 45, AC 55, BC 65, ABC 95 (every coalition 5 above a game
    # whose values by hand are: φ_A = 10/3 + 20/6 + 20/6 + 30/3 = 20, φ_B = 30, φ_C = 40)
    raw = {"": 0, "A": 10, "B": 20, "C": 30, "AB": 40, "AC": 50, "BC": 60, "ABC": 90}
    v = {frozenset(k): 5.0 + x for k, x in raw.items()}
    phi = shapley_values(["A", "B", "C"], v)
    assert {k: float(x[0]) for k, x in phi.items()} == pytest.approx(
        {"A": 20.0, "B": 30.0, "C": 40.0}, rel=1e-12
    )
    split = shapley_split(["A", "B", "C"], v)
    assert list(split) == ["base", "A", "B", "C", "total"]
    assert split["base"][0] == 5.0 and split["total"][0] == 95.0


def test_one_factor_gets_the_whole_change() -> None:
    v = {frozenset(): np.array([3.0, -1.0]), frozenset({"x"}): np.array([10.0, 4.5])}
    assert shapley_values(["x"], v)["x"].tolist() == [7.0, 5.5]


def test_the_summary_means_add_up_and_carry_intervals() -> None:
    v = random_game(6, FACTORS, seeds=5)
    summary = shapley_summary(FACTORS, v)
    parts = sum(summary[k]["mean"] for k in ["base", *FACTORS])
    assert math.isclose(parts, summary["total"]["mean"], rel_tol=0, abs_tol=1e-9 * 1000)
    for row in summary.values():
        assert row["n"] == 5 and row["ci_low"] <= row["mean"] <= row["ci_high"]


def test_bad_games_are_refused() -> None:
    v = random_game(7, ["a", "b"])
    with pytest.raises(ValueError, match="finite"):
        shapley_values(["a", "b"], v | {frozenset(): np.array([np.nan] * 4)})
    with pytest.raises(ValueError, match="distinct"):
        shapley_values(["a", "a"], v)
    with pytest.raises(ValueError, match="named"):
        shapley_split(["total", "b"], random_game(8, ["total", "b"]))
    with pytest.raises(KeyError):
        shapley_values(["a", "b", "c"], v)
