"""The `[word_of_mouth]` section: what customers tell others moves the center's reputation, and
reputation moves how many new customers join (docs/MODEL.md §6.11). Units are in the names."""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.section import NonNegative, Section
from sim.scenario.section import Probability as Share


class WordOfMouth(Section):
    """Reputation from the base's promoters and detractors and from public stories; new
    customers at a baseline rate, scaled by reputation. Both rates 0: a closed base."""

    strength: float = Field(
        0.075,
        ge=0,
        le=1,
        description="growth of the base per year per unit of net promoter share above neutral "
        "(0.01 = one NPS point); 0: reputation moves no customers",
    )
    baseline_monthly_share: float = Field(
        5.9e-4,
        ge=0,
        le=0.1,
        description="new customers per month at neutral reputation, as a share of the initial "
        "population (the same for every policy); 0 with strength 0: a closed base, as before",
    )
    detractor_weight: float = Field(
        1.75,
        gt=0,
        le=10,
        description="weight of a detractor above the neutral share relative to a promoter "
        "(above 1: bad stories travel further)",
    )
    spread_days: float = Field(
        30.0, gt=0, le=3650, description="calendar days for stories to reach prospects (lag)"
    )
    memory_days: float = Field(
        60.0, gt=0, le=3650, description="calendar days the market remembers a reputation"
    )
    neutral_promoter_share: Share | None = Field(
        None,
        description="promoter share of the base that is neutral (default: the initial base's)",
    )
    neutral_detractor_share: Share | None = Field(
        None,
        description="detractor share of the base that is neutral (default: the initial base's)",
    )
    public_story_experience: Share = Field(
        0.1,
        description="experiences at or below this score (E) may become a public story "
        "(0.1: giving up on an unresolved issue)",
    )
    public_story_probability: Share = Field(
        3e-5, description="chance a very bad experience becomes a public story"
    )
    public_story_hit: NonNegative = Field(
        0.1, le=10, description="reputation a public story takes at once (net promoter share)"
    )
    public_story_days: float = Field(
        30.0, gt=0, le=3650, description="calendar days for a public story's hit to fade to 37%"
    )

    @property
    def open(self) -> bool:
        """Whether new customers join at all (a closed base otherwise, as before #23)."""
        return self.strength > 0 or self.baseline_monthly_share > 0

    @model_validator(mode="after")
    def _ignored_when_closed(self) -> WordOfMouth:
        """With both rates 0 nobody joins and reputation is not kept: any other setting would
        be silently ignored, so it is refused."""
        if self.open:
            return self
        default = WordOfMouth()
        changed = [
            f"word_of_mouth.{name} = {getattr(self, name)!r}"
            for name in type(self).model_fields
            if name not in ("strength", "baseline_monthly_share")
            and getattr(self, name) != getattr(default, name)
        ]
        if changed:
            raise ValueError(
                f"{', '.join(changed)}: ignored while word_of_mouth.strength = 0 and "
                "word_of_mouth.baseline_monthly_share = 0 (a closed base: nobody joins); remove "
                "it, or set either above 0"
            )
        return self
