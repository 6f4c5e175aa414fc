"""Reputation: what the customer base tells others, lagged while it spreads, remembered for a
while, and hit by public stories (docs/MODEL.md §6.11).

Pure numbers, no model: the behavioural layer feeds it the base's satisfaction column and the
day's very bad experiences at each closing and reads `effective`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr

if TYPE_CHECKING:
    from array import array

    from sim.scenario.word_of_mouth import WordOfMouth

BINS = 4096
"""Satisfaction bins of the base-wide shares (error in a share below 1e-4)."""


def answer_chances(satisfaction: np.ndarray, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Chance a customer of each satisfaction would answer the NPS question as a promoter (9-10)
    and as a detractor (0-6): the survey's answer is round(10 s + noise z)."""
    score = 10 * np.asarray(satisfaction, dtype=float)
    if noise <= 0:
        return (score >= 8.5).astype(float), (score < 6.5).astype(float)
    return ndtr((score - 8.5) / noise), ndtr((6.5 - score) / noise)


class Reputation:
    """Net promoter share of the base against its neutral level, spread with a lag, remembered,
    less the fading hit of public stories."""

    def __init__(self, config: WordOfMouth, nps_noise: float, satisfaction: array):
        self.config = config
        middles = (np.arange(BINS) + 0.5) / BINS
        self._promoter, self._detractor = answer_chances(middles, nps_noise)
        p, q = self.shares(satisfaction)
        self.promoters, self.detractors = p, q  # the base's shares at the last closing
        self.neutral = (
            p if config.neutral_promoter_share is None else config.neutral_promoter_share,
            q if config.neutral_detractor_share is None else config.neutral_detractor_share,
        )
        self.spreading = 0.0  # the word on its way to prospects (first lag)
        self.remembered = 0.0  # what the market remembers (second lag)
        self.stories = 0.0  # public stories, each fading from 1
        self.story_total = 0

    def shares(self, satisfaction: array) -> tuple[float, float]:
        """Expected promoter and detractor shares of every customer row (churned ones at their
        last satisfaction), from a histogram of satisfaction: no random draw."""
        # a copy (2 MB at 250,000 customers, 0.2 ms), never a view: a view still referenced
        # anywhere (Dask's profiler keeps worker threads' frames) would stop the column from
        # growing when newcomers join
        values = np.array(satisfaction, dtype=np.float64)
        bins = np.minimum((values * BINS).astype(np.int64), BINS - 1)
        counts = np.bincount(np.maximum(bins, 0), minlength=BINS)
        n = len(values)
        return float(counts @ self._promoter) / n, float(counts @ self._detractor) / n

    def signal(self, promoters: float, detractors: float) -> float:
        """Today's word of mouth: promoters above neutral less detractors above neutral, these
        weighted `detractor_weight` (α) times as much; the two weights, 2/(1 + α) and
        2α/(1 + α), average 1, so a shift that moves promoters and detractors alike moves the
        signal by the change in net promoter share: `strength` keeps the literature's units
        (growth per NPS point) whatever α is."""
        p0, q0 = self.neutral
        alpha = self.config.detractor_weight
        return 2 * ((promoters - p0) - alpha * (detractors - q0)) / (1 + alpha)

    def update(self, satisfaction: array, stories: int, days: float) -> None:
        """A closing: the base's shares, `days` calendar days of spreading and memory, and the
        day's public `stories`."""
        c = self.config
        self.promoters, self.detractors = self.shares(satisfaction)
        x = self.signal(self.promoters, self.detractors)
        self.spreading += -math.expm1(-days / c.spread_days) * (x - self.spreading)
        self.remembered += -math.expm1(-days / c.memory_days) * (self.spreading - self.remembered)
        self.stories = self.stories * math.exp(-days / c.public_story_days) + stories
        self.story_total += stories

    @property
    def effective(self) -> float:
        """Reputation as prospects see it: remembered word of mouth less the stories' hit."""
        return self.remembered - self.config.public_story_hit * self.stories
