"""Word of mouth, unit by unit (docs/MODEL.md §6.11): the reputation filter against its closed
form and an independent re-implementation, the signal's detractor weight, the public stories'
fading, the survey answer chances against scipy, the coupled Poisson and binomial counts against
scipy's quantiles, and the acquisition rate's floor."""

from __future__ import annotations

import math
from array import array
from types import SimpleNamespace

import numpy as np
import pytest
from scipy import stats

from sim.behavior.acquisition import DAYS_PER_MONTH, Acquisition
from sim.behavior.draws import binomial_quantile, poisson_quantile
from sim.behavior.reputation import BINS, Reputation, answer_chances
from sim.scenario.word_of_mouth import WordOfMouth

NOISE = 1.5  # satisfaction.nps_noise's default


def column(values: np.ndarray | list[float]) -> array:
    """A satisfaction column as the customer base holds it."""
    return array("d", [float(v) for v in values])


def middle(k: int) -> float:
    """The middle of satisfaction bin `k`: a base all there has shares with no binning error."""
    return (k + 0.5) / BINS


def exact_shares(s, noise: float = NOISE):
    """Promoter and detractor chances of satisfaction `s` (a number or an array), from scipy's
    normal."""
    return stats.norm.cdf((10 * s - 8.5) / noise), stats.norm.cdf((6.5 - 10 * s) / noise)


# --- the two-stage filter ---------------------------------------------------------------------


def closed_form(x: float, n: int, days: float, spread: float, memory: float) -> float:
    """R after n equal steps of `days` from Q = R = 0 at a constant signal x:
    Q_n = x (1 - a^n), R_n = b R_{n-1} + (1 - b) Q_n, so
    R_n = x [1 - b^n - (1 - b) a (b^n - a^n) / (b - a)], a = e^{-days/spread}, b = e^{-days/memory}.
    """
    a, b = math.exp(-days / spread), math.exp(-days / memory)
    return x * (1 - b**n - (1 - b) * a * (b**n - a**n) / (b - a))


@pytest.mark.parametrize(("days", "spread", "memory"), [(1, 30, 60), (3, 30, 60), (1, 2, 7)])
def test_a_constant_signal_gives_the_closed_form_step_response(days, spread, memory) -> None:
    s = middle(3_600)  # satisfaction ~0.88: mostly promoters
    p, q = exact_shares(s)
    config = WordOfMouth(
        spread_days=spread,
        memory_days=memory,
        neutral_promoter_share=0.226,
        neutral_detractor_share=0.392,
    )
    x = 2 * ((p - 0.226) - 1.75 * (q - 0.392)) / 2.75  # weights 2/(1+a), 2a/(1+a)
    assert x > 0.3  # a real step, far from 0
    base = column([s] * 1_000)
    reputation = Reputation(config, NOISE, base)
    assert reputation.effective == 0.0
    responses = []
    for n in range(1, 201):
        reputation.update(base, 0, days)
        expected = closed_form(x, n, days, spread, memory)
        assert reputation.remembered == pytest.approx(expected, rel=1e-12, abs=0), n
        assert reputation.effective == reputation.remembered  # no stories
        responses.append(reputation.remembered)
    assert responses == sorted(responses)  # a lagged rise, no overshoot
    assert 0 < responses[0] < 0.1 * x and responses[-1] > 0.5 * x  # a lag, then most of x


def test_the_filter_follows_an_independent_recursion_over_any_inputs() -> None:
    """Shares that move every closing, weekends (3 days), and public stories: the state after
    each closing equals a plain-float re-implementation of the documented equations."""
    rng = np.random.default_rng(23)
    config = WordOfMouth(
        spread_days=10.0,
        memory_days=25.0,
        detractor_weight=2.5,
        public_story_hit=0.07,
        public_story_days=12.0,
    )
    promoter, detractor = exact_shares((np.arange(BINS) + 0.5) / BINS)  # by bin
    first = rng.integers(0, BINS, 500)
    reputation = Reputation(config, NOISE, column((first + 0.5) / BINS))
    p0, q0 = float(promoter[first].mean()), float(detractor[first].mean())
    assert reputation.neutral == pytest.approx((p0, q0), rel=1e-12)
    spreading = remembered = stories = 0.0
    for day in range(120):
        mean = 0.3 + 0.6 * day / 120  # the base drifts from detractors to promoters
        bins = np.clip((rng.beta(8 * mean, 8 * (1 - mean), 500) * BINS).astype(int), 0, BINS - 1)
        p, q = float(promoter[bins].mean()), float(detractor[bins].mean())
        days = 3.0 if day % 5 == 4 else 1.0
        told = int(rng.poisson(0.3))
        reputation.update(column((bins + 0.5) / BINS), told, days)
        x = 2 * ((p - p0) - 2.5 * (q - q0)) / 3.5
        spreading += (1 - math.exp(-days / 10.0)) * (x - spreading)
        remembered += (1 - math.exp(-days / 25.0)) * (spreading - remembered)
        stories = stories * math.exp(-days / 12.0) + told
        assert (reputation.promoters, reputation.detractors) == pytest.approx((p, q), rel=1e-12)
        assert reputation.spreading == pytest.approx(spreading, rel=1e-9, abs=1e-15)
        assert reputation.remembered == pytest.approx(remembered, rel=1e-9, abs=1e-15)
        assert reputation.effective == pytest.approx(remembered - 0.07 * stories, abs=1e-12)
    assert remembered > 0.1 and reputation.story_total > 10  # the run moved both


def test_a_detractor_surplus_weighs_exactly_detractor_weight_promoters() -> None:
    config = WordOfMouth(
        detractor_weight=1.75, neutral_promoter_share=0.25, neutral_detractor_share=0.375
    )
    reputation = Reputation(config, NOISE, column([0.5]))
    assert reputation.signal(0.25, 0.375) == 0.0
    promoter, detractor = reputation.signal(0.375, 0.375), reputation.signal(0.25, 0.5)
    assert promoter == pytest.approx(0.125 * 2 / 2.75, rel=1e-15)  # weight 2 / (1 + alpha)
    assert detractor == pytest.approx(-1.75 * promoter, rel=1e-15)
    promoter = reputation.signal(0.25 + 0.1, 0.375)
    assert promoter == pytest.approx(0.1 * 2 / 2.75, rel=1e-12)
    assert reputation.signal(0.25, 0.375 + 0.1) == pytest.approx(-1.75 * promoter, rel=1e-12)


def test_a_detractor_surplus_moves_reputation_minus_weight_times_a_promoter_surplus() -> None:
    """One base, two neutral levels: the base 0.1 above neutral in promoters, or 0.1 above in
    detractors; after the same closings the second reputation is -alpha times the first."""
    base = column([middle(k) for k in range(0, BINS, 7)])
    p, q = Reputation(WordOfMouth(), NOISE, base).neutral
    alpha = 3.0
    good = Reputation(
        WordOfMouth(
            detractor_weight=alpha, neutral_promoter_share=p - 0.1, neutral_detractor_share=q
        ),
        NOISE,
        base,
    )
    bad = Reputation(
        WordOfMouth(
            detractor_weight=alpha, neutral_promoter_share=p, neutral_detractor_share=q - 0.1
        ),
        NOISE,
        base,
    )
    for days in [1, 1, 1, 1, 3] * 8:
        good.update(base, 0, days)
        bad.update(base, 0, days)
        assert bad.effective == pytest.approx(-alpha * good.effective, rel=1e-12)
    assert good.effective > 0.015  # 56 calendar days of a 0.1 step (x 2/(1+3)), both lags


def test_public_stories_fade_by_e_to_the_minus_days_over_their_tau() -> None:
    config = WordOfMouth(public_story_days=30.0, public_story_hit=0.1)
    base = column([0.7] * 100)
    reputation = Reputation(config, NOISE, base)  # neutral: this base, so the signal is 0
    reputation.update(base, 2, 1.0)
    assert reputation.stories == 2 and reputation.story_total == 2
    assert reputation.effective == pytest.approx(-0.2, abs=1e-15)
    elapsed = 0.0
    for days in [1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0, 3.0]:
        reputation.update(base, 0, days)
        elapsed += days
        assert reputation.stories == pytest.approx(2 * math.exp(-elapsed / 30.0), rel=1e-12)
        assert reputation.effective == pytest.approx(-0.2 * math.exp(-elapsed / 30.0), rel=1e-9)
    reputation.update(base, 1, 3.0)
    faded = 2 * math.exp(-(elapsed + 3) / 30.0) + 1
    assert reputation.stories == pytest.approx(faded, rel=1e-12)
    assert reputation.story_total == 3
    assert reputation.remembered == 0.0  # the base never moved


# --- what the base would answer ---------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.3, 1.0, 1.5, 4.0])
def test_answer_chances_are_the_normal_tails_of_the_survey_answer(noise) -> None:
    s = np.linspace(0, 1, 201)
    promoter, detractor = answer_chances(s, noise)
    np.testing.assert_allclose(promoter, stats.norm.sf((8.5 - 10 * s) / noise), rtol=1e-12)
    np.testing.assert_allclose(detractor, stats.norm.cdf((6.5 - 10 * s) / noise), rtol=1e-12)
    assert np.all(promoter + detractor <= 1 + 1e-15)
    assert np.all(np.diff(promoter) >= 0) and np.all(np.diff(detractor) <= 0)


def test_answer_chances_without_noise_are_the_score_bands() -> None:
    promoter, detractor = answer_chances(np.array([0.0, 0.649, 0.65, 0.84, 0.85, 1.0]), 0.0)
    assert promoter.tolist() == [0, 0, 0, 0, 1, 1]
    assert detractor.tolist() == [1, 1, 0, 0, 0, 0]


def test_the_base_shares_match_the_mean_answer_chances_within_the_binning_error() -> None:
    values = np.random.default_rng(5).beta(0.7 * 12, 0.3 * 12, 200_000)
    values[:3] = [0.0, 1.0, 0.5]  # the ends fall into the first and last bins
    reputation = Reputation(WordOfMouth(), NOISE, column(values))
    promoter, detractor = answer_chances(values, NOISE)
    assert reputation.promoters == pytest.approx(promoter.mean(), abs=1e-4)
    assert reputation.detractors == pytest.approx(detractor.mean(), abs=1e-4)
    assert reputation.neutral == (reputation.promoters, reputation.detractors)


# --- coupled counts ---------------------------------------------------------------------------

GRID = np.concatenate(
    (np.linspace(0.0005, 0.9995, 40), np.random.default_rng(7).random(60), [1e-6, 1 - 1e-6])
)


@pytest.mark.parametrize("mean", [0.003, 0.2, 1.0, 4.9, 37.5, 250.0, 699.0, 701.0, 5_000.0])
def test_poisson_quantile_is_scipys(mean) -> None:
    got = [poisson_quantile(mean, float(u)) for u in GRID]
    assert got == stats.poisson.ppf(GRID, mean).astype(int).tolist()


@pytest.mark.parametrize(
    ("n", "p"),
    [(1, 0.5), (10, 3e-5), (5_000, 3e-5), (200, 0.3), (40, 0.97), (3_000, 0.5), (10**8, 3e-5)],
)
def test_binomial_quantile_is_scipys(n, p) -> None:
    got = [binomial_quantile(n, p, float(u)) for u in GRID]
    assert got == stats.binom.ppf(GRID, n, p).astype(int).tolist()


def test_counts_never_fall_when_the_mean_rises_at_the_same_uniform() -> None:
    """The coupling property: one uniform a day gives a count that is monotone in the mean,
    so a better reputation never brings fewer newcomers on the same day."""
    means = np.concatenate((np.geomspace(1e-4, 2_000, 400), np.linspace(690, 710, 201)))
    means.sort()
    for u in GRID:
        counts = [poisson_quantile(float(m), float(u)) for m in means]
        assert counts == sorted(counts), u
    ns = np.unique(np.geomspace(1, 10**8, 300).astype(int))
    for u in GRID[::4]:
        counts = [binomial_quantile(int(n), 3e-5, float(u)) for n in ns]
        assert counts == sorted(counts), u
        by_p = [binomial_quantile(1_000, float(p), float(u)) for p in np.linspace(0, 1, 101)]
        assert by_p == sorted(by_p), u


def test_degenerate_counts() -> None:
    assert poisson_quantile(0.0, 0.99) == 0 and poisson_quantile(-1.0, 0.5) == 0
    assert binomial_quantile(0, 0.5, 0.9) == 0 and binomial_quantile(10, 0.0, 0.9) == 0
    assert binomial_quantile(10, 1.0, 0.1) == 10


# --- the acquisition rate ---------------------------------------------------------------------


def acquisition(**settings: float) -> Acquisition:
    """An Acquisition with only what `monthly_share` and `expected` read."""
    acq = Acquisition.__new__(Acquisition)
    acq.config = WordOfMouth(**settings)
    acq.customers = SimpleNamespace(initial=20_000)
    return acq


def test_the_monthly_share_is_the_baseline_plus_strength_times_reputation_over_12() -> None:
    acq = acquisition(strength=0.15, baseline_monthly_share=0.01)
    assert acq.monthly_share(0.0) == 0.01
    assert acq.monthly_share(0.4) == pytest.approx(0.01 + 0.15 * 0.4 / 12, rel=1e-15)
    assert acq.monthly_share(-0.4) == pytest.approx(0.01 - 0.15 * 0.4 / 12, rel=1e-15)
    assert acq.expected(0.4, 3.0) == pytest.approx(
        20_000 * (0.01 + 0.005) * 3 / (365.25 / 12), rel=1e-14
    )
    assert DAYS_PER_MONTH == 365.25 / 12


def test_the_monthly_share_never_falls_below_0() -> None:
    acq = acquisition(strength=0.15, baseline_monthly_share=0.01)
    floor = -0.01 * 12 / 0.15  # reputation at which the baseline is used up
    assert acq.monthly_share(floor + 1e-6) > 0
    assert acq.monthly_share(floor - 1e-6) == 0.0
    assert acq.monthly_share(-5.0) == 0.0 and acq.expected(-5.0, 3.0) == 0.0
    closed_by_reputation = acquisition(strength=0.075, baseline_monthly_share=0.0)
    assert closed_by_reputation.monthly_share(-0.01) == 0.0
    assert closed_by_reputation.monthly_share(0.12) == pytest.approx(0.00075, rel=1e-14)


@pytest.mark.parametrize("u", [1 - 2**-53, 1 - 2**-52, 1 - 1e-15])
def test_a_uniform_within_rounding_of_1_gives_the_far_tail_not_the_whole_population(u) -> None:
    """random() can return 1 - 2**-53, above what the summed probabilities reach: the count
    must still be a far-tail count (about 8 sd above the mean), never n or a runaway k."""
    for mean in [3.0, 37.5, 300.0, 699.0, 701.0, 5_000.0, 1e6]:
        count = poisson_quantile(mean, u)
        assert stats.poisson.ppf(1e-3, mean) < count < mean + 12 * math.sqrt(mean) + 12, mean
    for n, p in [(200, 0.3), (5_000, 3e-5), (10**7, 3e-5), (10**8, 3e-5)]:
        count = binomial_quantile(n, p, u)
        sd = math.sqrt(n * p * (1 - p))
        assert stats.binom.ppf(1e-3, n, p) < count < n * p + 12 * sd + 12, (n, p)
