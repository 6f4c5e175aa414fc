"""The workforce over days: off-phone time, learning, stress, engagement, attrition and hiring.

Every formula here is in docs/MODEL.md (Submodels → Employees).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.employee import Employee

if TYPE_CHECKING:
    from sim.behavior.policy import Policy
    from sim.engine.model import ContactCenterModel
    from sim.scenario.behavior import Employees


def _skill(rng: np.random.Generator, mean: float, sd: float) -> float:
    return float(min(1.0, max(0.0, rng.normal(mean, sd))))


class Workforce:
    """Daily development of every employee, and the hiring pipeline."""

    def __init__(self, config: Employees, policy: Policy, model: ContactCenterModel):
        self.config = config
        self.policy = policy
        self.model = model
        self.rng = model.streams["employees"]
        self.block_rng = model.streams["off_phone"]
        staffing = model.staffing
        roster = config.roster or len(staffing.employees)
        while len(staffing.employees) < roster:
            staffing.hire(Employee(model))
        for employee in staffing.employees[roster:]:
            staffing.quit(employee, 0.0)
        for employee in staffing.employees:
            employee.service_skill = _skill(self.rng, config.skill_mean, config.skill_sd)
            employee.sales_skill = _skill(self.rng, config.sales_skill_mean, config.skill_sd)
            employee.stress = config.stress_initial
            employee.engagement = config.engagement_initial
        self.initial_roster = len(staffing.employees)
        self.vacancies: list[int] = []  # days on which a hire arrives
        self.quits = 0
        self.hires = 0
        self.onboarding_hours = 0.0
        self.activity_hours = {"meeting": 0.0, "training": 0.0, "coaching": 0.0}
        self._today: dict[int, dict[str, float]] = {}
        self._start: dict[int, tuple[float, float, int, int, float]] = {}

    # --- the day ------------------------------------------------------------------------------

    def day_started(self, day: int) -> None:
        """Hires arrive; each employee's off-phone time of the day is placed on the calendar."""
        model = self.model
        while self.vacancies and self.vacancies[0] <= day:
            self.vacancies.pop(0)
            self._hire()
        open_at, close_at = model.hours.opens_at(day), model.hours.closes_at(day)
        open_hours = (close_at - open_at) / 3600
        days_per_week = len(model.config.calendar.weekdays)
        for employee in model.staffing.employees:
            self._start[employee.unique_id] = (
                employee.phone_time(model.time),
                employee.handle_time_total,
                employee.calls_handled,
                employee.outbound_attempts,
                employee.busy_time,
            )
            if employee.onboarding_left > 0:
                hours = min(employee.onboarding_left, open_hours)
                employee.onboarding_left -= hours
                self.onboarding_hours += hours
                today = {"training": hours}
            else:
                weekly = self.policy.off_phone_hours_per_week(employee)
                today = {k: min(v / days_per_week, open_hours) for k, v in weekly.items() if v > 0}
                for activity, hours in today.items():
                    self.activity_hours[activity] += hours
            self._today[employee.unique_id] = today
            total = min(sum(today.values()), open_hours) * 3600
            if total > 0:
                start = open_at + self.block_rng.random() * (close_at - open_at - total)
                model.schedule_block(employee, start, start + total)

    def day_ended(self, day: int) -> None:
        """Daily review, learning, stress, engagement; then who quits."""
        c = self.config
        now = self.model.time
        for employee in list(self.model.staffing.employees):
            if employee.quitting:
                continue
            phone0, handle0, calls0, outbound0, busy0 = self._start.get(
                employee.unique_id, (0.0, 0.0, 0, 0, 0.0)
            )
            phone = employee.phone_time(now) - phone0
            calls = employee.calls_handled - calls0
            contacts = calls + employee.outbound_attempts - outbound0
            aht = (employee.handle_time_total - handle0) / calls if calls else 0.0
            per_hour = contacts / (phone / 3600) if phone > 0 else 0.0
            occupancy = (employee.busy_time - busy0) / phone if phone > 0 else 0.0
            today = self._today.get(employee.unique_id, {})
            if phone > 0:
                self.policy.daily_review(employee, aht, per_hour)
            pressure = self.policy.guidance(employee).pressure  # as the employee feels it
            self._learn(employee, phone / 3600, today)
            off_hours = sum(today.values())
            stress = (
                employee.stress
                + c.stress_occupancy_gain * max(0.0, occupancy - c.stress_occupancy_ref)
                + c.stress_pressure_gain * pressure
                - c.stress_off_phone_recovery * off_hours
            )
            employee.stress = min(1.0, max(0.0, stress * (1.0 - c.stress_recovery)))
            engagement = (
                employee.engagement
                - c.engagement_pressure_loss * pressure
                + c.engagement_coaching_gain * today.get("coaching", 0.0)
                + c.engagement_reversion * (c.engagement_initial - employee.engagement)
            )
            employee.engagement = min(1.0, max(0.0, engagement))
            if self.rng.random() < self.quit_hazard(employee):
                self._quit(employee, day)

    def quit_hazard(self, employee: Employee) -> float:
        """Daily chance of quitting: rises with stress, falls with engagement."""
        c = self.config
        log_hazard = c.quit_stress_effect * (employee.stress - 0.3) - c.quit_engagement_effect * (
            employee.engagement - 0.7
        )
        return min(1.0, c.quit_base_daily * math.exp(log_hazard))

    # --- learning, quitting, hiring -------------------------------------------------------------

    def _learn(self, employee: Employee, phone_hours: float, today: dict[str, float]) -> None:
        c = self.config
        hours = (
            phone_hours
            + c.coaching_multiplier * today.get("coaching", 0.0)
            + c.training_multiplier * today.get("training", 0.0)
        )
        employee.experience_hours += hours
        keep = math.exp(-hours / c.learning_hours)
        employee.service_skill = c.skill_max - (c.skill_max - employee.service_skill) * keep
        employee.sales_skill = c.skill_max - (c.skill_max - employee.sales_skill) * keep

    def _quit(self, employee: Employee, day: int) -> None:
        self.quits += 1
        self.vacancies.append(day + 1 + self.config.hiring_delay_days)
        self.model.staffing.quit(employee, self.model.time)

    def _hire(self) -> None:
        c = self.config
        employee = Employee(self.model)
        employee.service_skill = employee.sales_skill = c.new_hire_skill
        employee.stress = c.stress_initial
        employee.engagement = c.engagement_initial
        employee.onboarding_left = c.onboarding_hours
        self.model.staffing.hire(employee)
        self.hires += 1

    # --- reporting ------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, float]:
        """Team averages now (for daily series and KPIs)."""
        team = self.model.staffing.employees
        n = len(team)
        return {
            "roster": float(n),
            "mean_skill": sum(e.service_skill for e in team) / n if n else math.nan,
            "mean_sales_skill": sum(e.sales_skill for e in team) / n if n else math.nan,
            "mean_stress": sum(e.stress for e in team) / n if n else math.nan,
            "mean_engagement": sum(e.engagement for e in team) / n if n else math.nan,
            "mean_pressure": sum(e.pressure for e in team) / n if n else math.nan,
        }
