"""Staffing: how many employees are on the phones in each interval, and logging on and off."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from sim.engine.employee import Employee
from sim.scenario.queue import Staffing

if TYPE_CHECKING:
    from sim.engine.model import ContactCenterModel

LEAVING = attrgetter("leaving")  # summed in C: `adjust` runs at every interval and activity


def staffing_targets(config: Staffing, intervals_per_day: int) -> list[int]:
    """Employees wanted on the phones per interval: the schedule (or a constant), times scale,
    plus the adjustment."""
    base = config.schedule or [config.employees] * intervals_per_day
    return adjusted([round(n * config.scale) for n in base], config)


def adjusted(targets: list[int], config: Staffing) -> list[int]:
    """Targets with `staffing.adjustment` added per interval (never below 0)."""
    if config.adjustment is None:
        return targets
    return [max(0, n + a) for n, a in zip(targets, config.adjustment, strict=True)]


class StaffingPlan:
    """Keeps the number of employees on the phones at the interval's target.

    Extra employees log on at once; surplus idle employees log off at once and busy ones when
    their call ends. The on-phone head count is recorded at every change for interval metrics.

    Two ways to staff: the schedule's target per interval, kept from a flexible pool (any team
    member who is not away logs on; the pure queue and Erlang validation use this), or a rota
    (`use_rota`): employees are off duty outside the shifts given to them
    (`ContactCenterModel.schedule_shift`) and everyone on duty and not away is on the phones.
    """

    def __init__(self, config: Staffing, intervals_per_day: int, model: ContactCenterModel):
        self.schedule = staffing_targets(config, intervals_per_day)
        self.model = model
        self.employees = [Employee(model) for _ in range(max(self.schedule, default=0))]
        self.on_phone = 0
        self.target_now = 0  # the current interval's target (0 while closed)
        self.changes: list[tuple[float, int]] = [(0.0, 0)]  # (time, employees on the phones)
        self.departed_available = 0.0  # phone and busy seconds of employees who left
        self.departed_busy = 0.0
        self.rota = False
        self.pool_grows = True  # a resized schedule adds employees (off when a workforce hires)
        self.plans: list[tuple[float, list[int]]] = [(0.0, self.schedule)]
        """(from time, schedule): the staff wanted per interval, as planned and resized."""

    def use_rota(self) -> None:
        """Staff by shifts from now on: everyone is off duty until a shift brings them on."""
        self.rota = True
        for employee in self.employees:
            employee.away += 1

    def resize(self, schedule: list[int]) -> None:
        """Staff to a new schedule from the next interval on (weekly sizing)."""
        self.schedule = schedule
        self.plans.append((self.model.time, schedule))
        if self.pool_grows:
            while len(self.employees) < max(schedule, default=0):
                self.hire(Employee(self.model))

    def wanted(self, times: np.ndarray, intervals: np.ndarray) -> np.ndarray:
        """Employees the plan in force at each of `times` (the last one made at or before it)
        wanted on the phones during the matching one of `intervals` (the schedule or the weekly
        sizing's, before shifts, absences and breaks); for the interval table."""
        made = np.fromiter((start for start, _ in self.plans), dtype=float, count=len(self.plans))
        in_force = np.searchsorted(made, times, side="right") - 1
        schedules = np.array([plan for _, plan in self.plans], dtype=np.int64)
        return schedules[in_force, intervals]

    def target(self, interval: int) -> int:
        """Employees wanted on the phones during `interval` of a day (on a rota: everyone
        available)."""
        return len(self.employees) if self.rota else self.schedule[interval]

    def _record(self, time: float) -> None:
        self.changes.append((time, self.on_phone))

    def log_on(self, employee: Employee, time: float) -> None:
        """Put an employee on the phones; they take a waiting call or wait for one."""
        employee.log_on(time)
        self.on_phone += 1
        self._record(time)
        self.model.employee_free(employee, time)

    def log_off(self, employee: Employee, time: float) -> None:
        """Take a free employee off the phones (and out of the team if they are quitting)."""
        employee.log_off(time)
        self.on_phone -= 1
        self._record(time)
        if employee.quitting:
            self._leave(employee)

    def take_off(self, employee: Employee, time: float) -> None:
        """Send an employee off the phones (activity, onboarding, end of shift); a colleague
        fills in if free (without a rota)."""
        employee.away += 1
        if employee.on_phone:
            if employee.busy:
                employee.leaving = True  # goes when the call in hand ends
            else:
                self.model.router.remove_idle(employee)
                self.log_off(employee, time)
        if not self.rota:  # on a rota nobody fills in
            self.adjust(self.target_now, time)

    def bring_back(self, employee: Employee, time: float) -> None:
        """One reason to be away has ended; they log on if no other holds them and the target
        needs them (on a rota: whenever the center is open)."""
        employee.away -= 1
        if not self.rota:
            self.adjust(self.target_now, time)
        elif self.target_now and not employee.away and not employee.quitting:
            if not employee.on_phone:
                self.log_on(employee, time)
            elif employee.leaving:  # still finishing a call: stays on
                employee.leaving = False

    def hire(self, employee: Employee) -> None:
        """A new employee joins the team (off the phones; off duty on a rota)."""
        if self.rota:
            employee.away += 1
        self.employees.append(employee)

    def quit(self, employee: Employee, time: float) -> None:
        """An employee leaves the company, after the call in hand if any."""
        employee.quitting = True
        if employee.on_phone:
            self.take_off(employee, time)  # logs off now or after the call; then _leave
        else:
            self._leave(employee)

    def _leave(self, employee: Employee) -> None:
        self.departed_available += employee.available_time
        self.departed_busy += employee.busy_time
        self.employees.remove(employee)
        employee.remove()

    def totals(self, time: float | None = None) -> tuple[float, float]:
        """(seconds on the phones, seconds busy) of everyone who worked, leavers included:
        finished sessions and work only, or up to `time` with the ones in progress."""
        available = self.departed_available + sum(e.available_time for e in self.employees)
        busy = self.departed_busy + sum(e.busy_time for e in self.employees)
        if time is None:
            return available, busy
        answer = self.model.log.answer
        for e in self.employees:
            if e.on_phone:
                available += time - e.logged_on_at
            if e.busy:
                busy += time - (answer[e.call] if e.call >= 0 else e.work_started)
        return available, busy

    def adjust(self, target: int, time: float) -> None:
        """Log employees on or off until `target` are on the phones (or will be, once calls end)."""
        self.target_now = target
        staying = self.on_phone - sum(map(LEAVING, self.employees))
        if target > staying:
            for employee in self.employees:
                if target == staying:
                    break
                if employee.leaving and not employee.away:  # still on the phones: just stay
                    employee.leaving = False
                    staying += 1
            for employee in list(self.employees):
                if target == staying:
                    break
                if not employee.on_phone and not employee.away:
                    staying += 1
                    self.log_on(employee, time)
        router = self.model.router
        while staying > target:  # shortest-idle first: keeps longest-idle routing fair
            employee = router.pop_shortest_idle()
            if employee is None:
                break
            self.log_off(employee, time)
            staying -= 1
        for employee in self.employees:  # still too many: busy ones go after their call
            if staying <= target:
                break
            if employee.busy and not employee.leaving:
                employee.leaving = True
                staying -= 1

    def close(self, time: float) -> None:
        """Closing time: idle employees go home; busy ones go once the queue is empty."""
        self.target_now = 0
        router = self.model.router
        while (employee := router.pop_shortest_idle()) is not None:
            self.log_off(employee, time)
