"""The default scenario stays calibrated: under aht, over 120 measured days, the reference
figures of docs/MODEL.md ("Default scenario") hold. A change of defaults that moves the typical
center out of them fails here, and says which figure moved."""

from __future__ import annotations

import pytest

import sim
from tests.helpers import baseline

RANGES = {
    "service_level": (0.75, 0.90),
    "abandonment_rate": (0.02, 0.06),
    "fcr": (0.65, 0.75),
    "failure_demand_share": (0.35, 0.55),
    "attrition_rate_annual": (0.25, 0.50),
    "labour_share": (0.55, 0.80),
}


@pytest.mark.slow
def test_the_aht_center_is_in_the_reference_ranges() -> None:
    kpis = sim.run(baseline(calendar__days=120), seed=1).kpis
    outside = {
        k: round(kpis[k], 3) for k, (low, high) in RANGES.items() if not low <= kpis[k] <= high
    }
    assert not outside, f"outside the reference ranges {RANGES}: {outside}"
    contacts_per_year = kpis["offered"] / 250_000 * 260 / 120
    assert 1.0 <= contacts_per_year <= 6.0
