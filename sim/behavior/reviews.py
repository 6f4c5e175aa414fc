"""Reviews: the figures management looks at — the team's and each employee's AHT and contacts
per phone hour, smoothed over days — the time pressure the targets put on the team, and each
employee's daily review (the policy's hook).

Every formula here is in docs/MODEL.md (§6.6, Felt pressure from targets and Daily update).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.behavior.policy import Policy
    from sim.engine.employee import Employee
    from sim.scenario.behavior import Employees

Figures = tuple[float | None, float | None]
"""Smoothed AHT (None before the first call) and contacts per phone hour (None before any)."""


def smoothed(previous: float | None, today: float | None, weight: float) -> float | None:
    """An exponentially weighted mean of daily figures: `weight` on today's (None: no figure
    today, the mean stays); the first figure starts it. Weight 1 gives today's exactly."""
    if today is None:
        return previous
    if previous is None:
        return today
    return (1.0 - weight) * previous + weight * today


class Reviews:
    """What management sees of the team's days, and the pressure that follows from it."""

    def __init__(self, config: Employees, policy: Policy):
        self.config = config
        self.policy = policy
        self._team: Figures = (None, None)
        self._employees: dict[int, Figures] = {}

    def _update(
        self, previous: Figures, handle: float, calls: float, contacts: float, phone: float
    ) -> tuple[float | None, float]:
        """The smoothed figures after a day's totals (`policy.review_smoothing`); `phone`
        (seconds on the phones) is more than 0."""
        weight = self.policy.parameters.review_smoothing
        aht = smoothed(previous[0], handle / calls if calls else None, weight)
        per_hour = smoothed(previous[1], contacts / (phone / 3600), weight)
        return aht, per_hour if per_hour is not None else 0.0

    def team_pressure(self, handle: float, calls: float, contacts: float, phone: float) -> float:
        """The pressure the targets put on the team tomorrow, from its smoothed figures after
        today's totals (hook `target_tightness`)."""
        aht, per_hour = self._team = self._update(self._team, handle, calls, contacts, phone)
        return self.felt(self.policy.target_tightness(aht or 0.0, per_hour))

    def review(
        self, employee: Employee, handle: float, calls: float, contacts: float, phone: float
    ) -> None:
        """The team leader's review of one employee on their own smoothed figures (hook
        `daily_review`)."""
        previous = self._employees.get(employee.unique_id, (None, None))
        aht, per_hour = self._update(previous, handle, calls, contacts, phone)
        self._employees[employee.unique_id] = (aht, per_hour)
        self.policy.daily_review(employee, aht or 0.0, per_hour)

    def forget(self, employee: Employee) -> None:
        """An employee left: their figures go."""
        self._employees.pop(employee.unique_id, None)

    def felt(self, tightness: float) -> float:
        """Time pressure a team feels from its targets: none while its figure is further from
        the tightest target than `target_comfort`, `target_pressure` when it just meets it,
        more when it misses (at most 1)."""
        c = self.config
        if c.target_comfort >= 1.0:
            return c.target_pressure if tightness >= 1.0 else 0.0
        ramp = (tightness - c.target_comfort) / (1.0 - c.target_comfort)
        return min(1.0, c.target_pressure * max(0.0, ramp))
