"""The rota: the shifts a day needs, and who works them.

Every formula here is in docs/MODEL.md (Submodels → Shifts). The shifts cover the staffing
target per interval after the shrinkage planned inside shifts (breaks and the policy's
off-phone activities); the team is sized so that, after absence, enough employees are present
for every shift and their weekly hours (less leave) work them. Employees are paid for the
shifts they are rostered on, plus holiday leave and sick pay in proportion.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.engine.shifts import Shift, heads_needed, plan_shifts

if TYPE_CHECKING:
    import numpy as np

    from sim.engine.employee import Employee
    from sim.engine.model import ContactCenterModel
    from sim.scenario.behavior import Employees, Shifts


class Rota:
    """The day's shifts and who works them; the team size they need."""

    def __init__(
        self,
        config: Shifts,
        employees: Employees,
        off_phone_hours_per_week: float,
        model: ContactCenterModel,
    ):
        self.config = config
        self.model = model
        hours = model.hours
        self.interval = hours.interval
        self.days_per_week = len(model.config.calendar.weekdays)
        self.contract_hours = employees.contract_hours_per_week
        self.lengths = [round(h * 3600 / hours.interval) for h in config.lengths_hours]
        longest = max(config.lengths_hours)
        break_hours = config.break_minutes / 60 if longest > config.break_after_hours else 0.0
        self.available_share = max(
            1e-6, 1.0 - break_hours / longest - off_phone_hours_per_week / self.contract_hours
        )
        self.shifts: list[Shift] = []
        self.hours_this_week: dict[int, float] = {}

    def plan(self, targets: list[int]) -> None:
        """Plan the shifts of a day from the employees wanted on the phones per interval."""
        heads = heads_needed(targets, self.available_share)
        self.shifts = sorted(plan_shifts(heads, self.lengths), key=lambda s: (-s.length, s.start))

    @property
    def shift_hours_per_day(self) -> float:
        return sum(s.length for s in self.shifts) * self.interval / 3600

    @property
    def hours_per_employee_per_week(self) -> float:
        """Hours an employee can work in a week: the contract, less leave and absence."""
        c = self.config
        return self.contract_hours * (1.0 - c.paid_leave_share) * (1.0 - c.absence_rate)

    @property
    def pay_factor(self) -> float:
        """Paid hours per rostered hour: holiday leave and sick pay come on top."""
        c = self.config
        return 1.0 / ((1.0 - c.paid_leave_share) * (1.0 - c.absence_rate))

    def team_size(self) -> int:
        """Employees enough for the planned shifts: one shift a day each, after absence, and
        within their weekly hours less leave."""
        weekly = self.shift_hours_per_day * self.days_per_week
        by_hours = weekly / self.hours_per_employee_per_week
        by_count = len(self.shifts) / (1.0 - self.config.absence_rate)
        return max(1, math.ceil(max(by_hours, by_count) - 1e-9))

    def assign(
        self, day: int, team: list[Employee], rng: np.random.Generator
    ) -> tuple[list[tuple[Employee, Shift]], float]:
        """Give the day's shifts to present employees, longest shifts first, to whoever has
        worked least this week and still has hours left (leave taken evenly); some shifts may
        stay empty when the team is short. Returns the assignments and the empty shifts'
        hours."""
        if day % self.days_per_week == 0:
            self.hours_this_week = {}
        cap = self.contract_hours * (1.0 - self.config.paid_leave_share) + 1e-9
        absent = rng.random(len(team)) < self.config.absence_rate  # one draw each: CRN
        worked = self.hours_this_week
        present = sorted(
            (e for e, out in zip(team, absent, strict=True) if not out),
            key=lambda e: (worked.get(e.unique_id, 0.0), e.unique_id),
        )
        assigned: list[tuple[Employee, Shift]] = []
        unfilled = 0.0
        for shift in self.shifts:
            hours = shift.length * self.interval / 3600
            for i, employee in enumerate(present):
                if worked.get(employee.unique_id, 0.0) + hours <= cap:
                    worked[employee.unique_id] = worked.get(employee.unique_id, 0.0) + hours
                    assigned.append((employee, shift))
                    del present[i]
                    break
            else:
                unfilled += hours
        return assigned, unfilled

    def break_of(self, start: float, end: float, u: float) -> tuple[float, float] | None:
        """(start, end) of the break of a shift from `start` to `end`, or None if the shift is
        too short to have one; placed by the uniform draw `u` within the shift's middle half,
        so that breaks are staggered as a planner staggers them."""
        c = self.config
        if (end - start) / 3600 <= c.break_after_hours or c.break_minutes <= 0:
            return None
        length = c.break_minutes * 60
        quarter = (end - start) / 4
        at = start + quarter + u * max(0.0, 2 * quarter - length)
        return at, at + length
