"""The workforce over days: shifts, off-phone time, coaching capacity, learning, stress,
engagement, attrition and hiring.

Every formula here is in docs/MODEL.md (Submodels → Employees, Shifts).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.behavior.reviews import Reviews
from sim.behavior.rota import Rota
from sim.engine.employee import Employee

if TYPE_CHECKING:
    from sim.behavior.policy import Policy
    from sim.engine.model import ContactCenterModel
    from sim.scenario.behavior import Employees


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


class Workforce:
    """Daily development of every employee, the rota, and the hiring pipeline."""

    def __init__(self, config: Employees, policy: Policy, model: ContactCenterModel):
        self.config = config
        self.policy = policy
        self.model = model
        self.reviews = Reviews(config, policy)
        self.rng = model.streams["employees"]
        self.block_rng = model.streams["off_phone"]
        self.absence_rng = model.streams["absence"]
        self.days_per_week = len(model.config.calendar.weekdays)
        staffing = model.staffing
        weekly = (
            self.policy.off_phone_hours_per_week(staffing.employees[0])
            if (staffing.employees)
            else {}
        )
        self.rota: Rota | None = None
        if model.config.shifts.enabled:
            self.rota = Rota(model.config.shifts, config, self._planned_hours(weekly), model)
            self.rota.plan(staffing.schedule)
        default = self.rota.team_size() if self.rota else len(staffing.employees)
        roster = config.roster or default
        while len(staffing.employees) < roster:
            staffing.hire(Employee(model))
        for employee in staffing.employees[roster:]:
            staffing.quit(employee, 0.0)
        self.initial_roster = len(staffing.employees)
        # a team that has worked under the policy meets its targets about exactly (if it has
        # any: a team missing everything would feel them)
        has_targets = policy.target_tightness(math.inf, 0.0) > 0
        self.team_pressure = self.reviews.felt(1.0) if has_targets else 0.0
        for employee in staffing.employees:
            employee.felt_pressure = self.team_pressure
        self._lead(staffing.employees)
        coaching_capacity = self.coaching_capacity_per_day * self.days_per_week
        for employee in staffing.employees:
            self._seasoned(employee, weekly, coaching_capacity / max(1, self.initial_roster))
        if self.rota:
            staffing.use_rota()
        staffing.pool_grows = False  # this workforce hires
        self._planned_for = staffing.schedule
        self.team_target = len(staffing.employees)  # the team the vacancies fill up to
        self.vacancies: list[int] = []  # days on which a hire arrives
        self.quits = 0
        self.hires = 0
        self.onboarding_hours = 0.0
        self.paid_hours = 0.0  # on a rota: rostered hours with leave and sick pay, onboarding
        self.team_leader_hours = 0.0
        self.unfilled_shift_hours = 0.0
        self.activity_hours = {"meeting": 0.0, "training": 0.0, "coaching": 0.0}
        self.coaching_requested = 0.0
        self._today: dict[int, dict[str, float]] = {}
        self._start: dict[int, tuple[float, float, int, int, float]] = {}

    def _planned_hours(self, weekly: dict[str, float]) -> float:
        """Off-phone hours a week the rota plans for: the policy's, with coaching only as far
        as the team leaders can give it (coaching they cannot give is not taken off the
        phones, so it must not be rostered for either)."""
        per_head = self.config.coaching_capacity_hours_per_week / self.policy.parameters.team_size
        coaching = weekly.get("coaching", 0.0)
        return sum(weekly.values()) - coaching + min(coaching, per_head)

    def _seasoned(self, employee: Employee, weekly: dict[str, float], coaching_cap: float) -> None:
        """An employee of the team at the start: a tenure from the steady state of quitting
        (exponential, mean 1 / `quit_base_daily` opening days) and the skills that tenure's
        practice gives under this policy, with individual spread."""
        c = self.config
        coaching = min(weekly.get("coaching", 0.0), coaching_cap)
        off_phone = sum(weekly.values()) - weekly.get("coaching", 0.0) + coaching
        practice_per_week = (
            max(0.0, c.contract_hours_per_week - off_phone)
            + c.coaching_multiplier * coaching
            + c.training_multiplier * weekly.get("training", 0.0)
        )
        # nobody quits (hazard 0): tenure without end, every skill learned to the ceiling
        tenure_days = (
            self.rng.exponential(1.0 / c.quit_base_daily) if c.quit_base_daily else math.inf
        )
        hours = tenure_days * practice_per_week / self.days_per_week if practice_per_week else 0.0
        employee.experience_hours = hours if hours < math.inf else 0.0
        learned = c.skill_max - (c.skill_max - c.new_hire_skill) * math.exp(
            -hours / c.learning_hours
        )
        employee.service_skill = _clip(learned + c.skill_sd * self.rng.standard_normal())
        employee.sales_skill = _clip(learned + c.skill_sd * self.rng.standard_normal())
        employee.stress = c.stress_initial
        employee.engagement = self._settled_engagement(employee, coaching)

    def _lead(self, team: list[Employee]) -> None:
        """Team leaders for the team as it is: one per `policy.team_size` employees, each with
        `coaching_capacity_hours_per_week` to coach."""
        staying = sum(not e.quitting for e in team)
        self.team_leaders = math.ceil(staying / self.policy.parameters.team_size)
        capacity = self.team_leaders * self.config.coaching_capacity_hours_per_week
        self.coaching_capacity_per_day = capacity / self.days_per_week

    def _settled_engagement(self, employee: Employee, coaching_per_week: float) -> float:
        """Where the daily engagement update settles under this policy's base pressure and
        coaching (its fixed point, §6.6 step 4), so a team starts as it would be after a while
        under the policy rather than drifting towards it during the run."""
        c = self.config
        if c.engagement_reversion <= 0:
            return c.engagement_initial
        pressure = self.policy.guidance(employee).pressure  # before any review
        drift = (
            c.engagement_coaching_gain * coaching_per_week / self.days_per_week
            - c.engagement_pressure_loss * pressure
        )
        return _clip(c.engagement_initial + drift / c.engagement_reversion)

    # --- the day ------------------------------------------------------------------------------

    def day_started(self, day: int) -> None:
        """Hires arrive; the day's shifts are handed out (on a rota); each working employee's
        off-phone activities (coaching within the team leaders' capacity) are placed in their
        working hours."""
        model = self.model
        while self.vacancies and self.vacancies[0] <= day:
            self.vacancies.pop(0)
            self._hire()
        if model.staffing.schedule is not self._planned_for:
            self._replan(day)
        team = model.staffing.employees
        self._lead(team)
        self.team_leader_hours += (
            self.team_leaders * self.config.contract_hours_per_week / (self.days_per_week)
        )
        for employee in team:
            self._start[employee.unique_id] = (
                employee.phone_time(model.time),
                employee.handle_time_total,
                employee.calls_handled,
                employee.outbound_attempts,
                employee.busy_time,
            )
        open_at, close_at = model.hours.opens_at(day), model.hours.closes_at(day)
        if self.rota:
            day_hours = self.config.contract_hours_per_week / self.days_per_week
        else:
            day_hours = (close_at - open_at) / 3600
        working: list[tuple[Employee, float, float]] = []  # who works, from when to when
        self._today = {}
        for employee in team:
            if employee.onboarding_left > 0:
                hours = min(employee.onboarding_left, day_hours)
                employee.onboarding_left -= hours
                self.onboarding_hours += hours
                self._today[employee.unique_id] = {"training": hours}
                if self.rota:  # off duty anyway; paid for the classroom hours
                    self.paid_hours += hours
                else:
                    self._place(employee, open_at, close_at, hours * 3600, None)
            elif not self.rota:
                working.append((employee, open_at, close_at))
        if self.rota:
            ready = [e for e in team if e.onboarding_left <= 0 and not e.quitting]
            assigned, unfilled = self.rota.assign(day, ready, self.absence_rng)
            self.unfilled_shift_hours += unfilled
            for employee, shift in assigned:
                self.paid_hours += shift.length * self.rota.interval / 3600 * self.rota.pay_factor
                start = open_at + shift.start * self.rota.interval
                end = open_at + shift.end * self.rota.interval
                model.schedule_shift(employee, start, end)
                employee.shift = (start, end)  # today's, for whoever watches the floor
                working.append((employee, start, end))
        self._activities(working)

    def _activities(self, working: list[tuple[Employee, float, float]]) -> None:
        """Each working employee's share of the policy's weekly off-phone hours (by shift hours
        on a rota, a day's share without), coaching scaled down to what the team leaders can
        give today, as one block in working hours."""
        plans = []
        for employee, start, end in working:
            weekly = self.policy.off_phone_hours_per_week(employee)
            hours = (end - start) / 3600
            if self.rota:
                share = hours / self.config.contract_hours_per_week
            else:
                share = 1.0 / self.days_per_week
            plans.append({k: min(v * share, hours) for k, v in weekly.items() if v > 0})
        requested = sum(plan.get("coaching", 0.0) for plan in plans)
        self.coaching_requested += requested
        scale = 1.0
        if requested > self.coaching_capacity_per_day:
            scale = self.coaching_capacity_per_day / requested
        for (employee, start, end), today in zip(working, plans, strict=True):
            if scale < 1.0 and "coaching" in today:
                today["coaching"] *= scale
            for activity, hours in today.items():
                self.activity_hours[activity] += hours
            self._today[employee.unique_id] = today
            pause = self.rota.break_of(start, end, self.block_rng.random()) if self.rota else None
            if pause is not None:
                self.model.schedule_block(employee, *pause)
            self._place(employee, start, end, sum(today.values()) * 3600, pause)

    def _place(
        self,
        employee: Employee,
        start: float,
        end: float,
        seconds: float,
        pause: tuple[float, float] | None,
    ) -> None:
        """One off-phone block of `seconds` placed uniformly in [start, end), clear of the
        break if it can be."""
        seconds = min(seconds, end - start)
        if seconds <= 0:
            return
        at = start + self.block_rng.random() * (end - start - seconds)
        if pause is not None and at < pause[1] and at + seconds > pause[0]:
            if pause[1] + seconds <= end:
                at = pause[1]
            elif pause[0] - seconds >= start:
                at = pause[0] - seconds
        self.model.schedule_block(employee, at, at + seconds)

    def day_ended(self, day: int) -> None:
        """The day's figures: the team's against the targets (tomorrow's felt pressure), each
        employee's at the review; learning, stress and engagement from the pressure felt today;
        then who quits."""
        c = self.config
        now = self.model.time
        figures = []
        team_phone = team_handle = team_calls = team_contacts = 0.0
        for employee in list(self.model.staffing.employees):
            if employee.quitting:
                continue
            phone0, handle0, calls0, outbound0, busy0 = self._start.get(
                employee.unique_id, (0.0, 0.0, 0, 0, 0.0)
            )
            phone = employee.phone_time(now) - phone0
            calls = employee.calls_handled - calls0
            handle = employee.handle_time_total - handle0
            contacts = calls + employee.outbound_attempts - outbound0
            occupancy = (employee.busy_time - busy0) / phone if phone > 0 else 0.0
            figures.append((employee, phone, calls, handle, contacts, occupancy))
            team_phone += phone
            team_handle += handle
            team_calls += calls
            team_contacts += contacts
        if team_phone > 0:
            self.team_pressure = self.reviews.team_pressure(
                team_handle, team_calls, team_contacts, team_phone
            )
        for employee, phone, calls, handle, contacts, occupancy in figures:
            pressure = employee.felt_pressure  # today's
            if phone > 0:
                self.reviews.review(employee, handle, calls, contacts, phone)
            employee.felt_pressure = min(1.0, self.team_pressure + employee.pressure)
            today = self._today.get(employee.unique_id, {})
            self._learn(employee, phone / 3600, today)
            off_hours = sum(today.values())
            stress = (
                employee.stress
                + c.stress_contact_gain * occupancy
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

    def _replan(self, day: int) -> None:
        """The schedule was resized: plan its shifts, and hire towards the team they need (a
        team above it shrinks as people leave: leavers are then not replaced)."""
        schedule = self._planned_for = self.model.staffing.schedule
        if self.rota:
            self.rota.plan(schedule)
        needed = self.rota.team_size() if self.rota else max(schedule, default=0)
        self.team_target = self.config.roster or needed
        staying = [e for e in self.model.staffing.employees if not e.quitting]
        missing = self.team_target - len(staying) - len(self.vacancies)
        if day <= self.model.hours.warmup:  # the first measured week's schedule included
            self._settle(missing, staying)
            return
        for _ in range(missing):
            self.vacancies.append(day + 1 + self.config.hiring_delay_days)

    def _settle(self, missing: int, staying: list[Employee]) -> None:
        """In the warm-up, which stands for the center's past under this policy, the team
        already has the size its shifts need, up to the schedule of the first measured week
        (sized at its opening from the last warm-up week): the missing join at once as seasoned
        employees (a tenure and skills as at the start); a surplus leaves (vacancies first)."""
        while missing < 0 and self.vacancies:
            self.vacancies.pop()
            missing += 1
        for employee in staying[len(staying) + missing :] if missing < 0 else ():
            self.model.staffing.quit(employee, self.model.time)
        for _ in range(missing):
            employee = Employee(self.model)
            weekly = self.policy.off_phone_hours_per_week(employee)
            capacity = self.coaching_capacity_per_day * self.days_per_week
            self._seasoned(employee, weekly, capacity / max(1, self.team_target))
            employee.felt_pressure = self.team_pressure
            self.model.staffing.hire(employee)

    def _quit(self, employee: Employee, day: int) -> None:
        self.quits += 1
        self.reviews.forget(employee)
        staying = sum(not e.quitting for e in self.model.staffing.employees) - 1
        if staying + len(self.vacancies) < self.team_target:
            self.vacancies.append(day + 1 + self.config.hiring_delay_days)
        self.model.staffing.quit(employee, self.model.time)

    def _hire(self) -> None:
        c = self.config
        employee = Employee(self.model)
        employee.service_skill = employee.sales_skill = c.new_hire_skill
        employee.stress = c.stress_initial
        employee.engagement = c.engagement_initial
        employee.onboarding_left = c.onboarding_hours
        employee.felt_pressure = self.team_pressure
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
            "mean_pressure": sum(e.felt_pressure for e in team) / n if n else math.nan,
            "quit_hazard": sum(map(self.quit_hazard, team)) / n if n else math.nan,
        }
