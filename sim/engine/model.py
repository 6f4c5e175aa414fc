"""The contact-center model: a Mesa model whose time is in seconds.

Clock-driven events (a day opening, each interval boundary, closing) are Mesa events
(`schedule_recurring`); the per-call events use the faster `EventCalendar`. `run_until`
interleaves both, so `model.time`, `run_until`, `model.agents` and agent sets behave as in
any Mesa model, and user code may still call `model.schedule_event`.
"""

from __future__ import annotations

import gc
import math
import numbers
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from heapq import heappop
from typing import NamedTuple

import mesa
from mesa.experimental.mesa_signals import ObservableSignals
from mesa.time import Priority, Schedule

from sim.engine.arrivals import arrival_times
from sim.engine.call_log import ABANDONED, ANSWERED, WAITING, CallLog
from sim.engine.distributions import duration_sampler
from sim.engine.employee import Employee
from sim.engine.event_calendar import EventCalendar
from sim.engine.hooks import Behavior, NoBehavior
from sim.engine.opening_hours import DAY, OpeningHours
from sim.engine.random_streams import RandomStreams, check_seed
from sim.engine.routing import Router
from sim.engine.sizing import sized_schedule
from sim.engine.staffing import StaffingPlan
from sim.errors import ScenarioError
from sim.scenario import Scenario

INF = math.inf


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a run; restored on exit, even on error.

    A run makes no reference cycles as it goes (a test checks it), so reference counting frees
    all it discards; the collector would only rescan the growing call log and other containers,
    5-10 % of a behavioural run, more in a process that has run models before. A finished
    model is cyclic garbage itself; `dispose` frees it without the collector.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


MAX_ATTEMPTS = 50
"""A caller redials at most this many times in a row: with redial.probability = 1, a tiny delay
and a tiny patience, redials would otherwise never end (docs/MODEL.md, Redials)."""


def _check_time(argument: str, value: object) -> None:
    """A time argument must be a finite number of seconds (ValueError naming it otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{argument} = {value!r:.40}: a finite number of seconds is allowed")


class MeasureStart(NamedTuple):
    """Where measuring starts (the opening of the first day after the warm-up), and the totals
    that time-integral KPIs subtract: seconds on the phones, busy, and the queue's integral."""

    time: float
    available: float
    busy: float
    queue_area: float


class ContactCenterModel(mesa.Model):
    """Callers arrive, wait in one FIFO queue, and are answered by the longest-idle employee
    or abandon. What callers and employees do beyond queueing is the `behavior` plugged in
    (a class taking the model; `sim.build_model` plugs in the one the scenario asks for)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        behavior: Callable[[ContactCenterModel], Behavior] = NoBehavior,
    ):
        if behavior is NoBehavior and scenario.behavior.enabled:
            raise ScenarioError(
                "behavior.enabled = true, but this model was built without the behavioural "
                "layer; build it with sim.build_model(scenario), or set behavior.enabled = "
                "false for the pure queue"
            )
        seed = scenario.seed if seed is None else check_seed(seed)
        super().__init__(rng=seed)
        self._advancing = threading.Lock()  # held while the clock moves (see `_advance`)
        self._default_schedule.stop()  # event-driven: no unit-time steps
        self.config = scenario
        self.seed = seed
        self.streams = RandomStreams(seed)
        self.hours = OpeningHours(scenario.calendar)
        self.events = EventCalendar()
        self.log = CallLog()
        self.router = Router(self.log.outcome)
        self.staffing = StaffingPlan(scenario.staffing, self.hours.intervals_per_day, self)
        self.behavior = behavior(self)
        self.open_day = -1  # day whose doors are open, -1 when closed
        self.measure_start = MeasureStart(self.hours.measured_from, 0.0, 0.0, 0.0)
        self._arrivals: list[float] = [INF]  # today's arrival times, then an INF sentinel
        self._next_arrival = 0
        self._sample_talk = duration_sampler(scenario.service, self.streams["service"])
        self._sample_acw = duration_sampler(
            scenario.after_call_work, self.streams["after_call_work"]
        )
        self._sample_patience = duration_sampler(scenario.patience, self.streams["patience"])
        self._redial = self.streams["redial"]
        self._redial_patience = duration_sampler(scenario.patience, self.streams["redial_patience"])
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "time": "time",
                "day": lambda m: int(m.time // DAY),
                "queue_length": lambda m: m.router.waiting,
                "on_phone": lambda m: m.staffing.on_phone,
                "busy": lambda m: m.staffing.on_phone - m.router.idle_count,
                "offered": lambda m: len(m.log),
            }
        )
        # At a time when one day closes and the next opens (24-hour days), closing goes first.
        self.schedule_recurring(
            self._open,
            Schedule(interval=DAY, start=self.hours.opens_at(0), count=self.hours.days),
            priority=Priority.LOW,
        )

    # --- clock-driven events (Mesa's event list) -------------------------------------------

    def _open(self) -> None:
        """Open the doors: draw the day's arrivals and start the interval clock."""
        day = int(self.time // DAY)
        self.open_day = day
        if day == self.hours.warmup:
            self._start_measuring()
        if self.config.staffing.target_service_level is not None:
            self._size_week(day)
        self._arrivals = arrival_times(
            self.config.arrivals, self.hours, day, self.streams["arrivals"]
        ).tolist()
        self._arrivals.append(INF)
        self._next_arrival = 0
        self.behavior.day_started(day)
        self.schedule_recurring(
            self._interval_boundary,
            Schedule(interval=self.hours.interval, start=self.time, end=self.hours.closes_at(day)),
            priority=Priority.HIGH,
        )

    def _size_week(self, day: int) -> None:
        """On the first day of each week after the first: size the schedule to the target
        service level from last week's contacts (`sim.engine.sizing`)."""
        week = len(self.config.calendar.weekdays)
        if day >= week and day % week == 0:
            schedule = sized_schedule(self, day - week, week)
            if schedule is not None:
                self.staffing.resize(schedule)

    def _start_measuring(self) -> None:
        """The warm-up is over: the totals that KPIs measure start from what they are now."""
        available, busy = self.staffing.totals(self.time)
        self.measure_start = MeasureStart(
            self.time, available, busy, self.router.area_until(self.time)
        )
        self.router.reset_peak()

    def _interval_boundary(self) -> None:
        """Snapshot the interval that ended, staff the next one, or close at the last boundary."""
        day = self.open_day
        k = round((self.time - self.hours.opens_at(day)) / self.hours.interval)
        if k > 0:
            self.datacollector.collect(self)
        if k < self.hours.intervals_per_day:
            self.staffing.adjust(self.staffing.target(k), self.time)
        else:
            self.open_day = -1
            self.staffing.close(self.time)
            self.behavior.day_ended(day)

    # --- per-call events (EventCalendar) ----------------------------------------------------

    def add_contact(
        self,
        time: float,
        patience_factor: float = 1.0,
        customer: int = -1,
        attempt: int = 0,
        talk: float | None = None,
    ) -> int:
        """Log a new inbound contact with its own patience and after-call-work draws, and a
        talk-time draw unless the behavioural layer decides the talk time itself."""
        return self.log.add(
            time,
            self._sample_patience() * patience_factor,
            self._sample_talk() if talk is None else talk,
            self._sample_acw(),
            attempt,
            customer,
        )

    def offer(self, call: int, time: float) -> None:
        """Route a call: to the longest-idle employee, else to the back of the queue."""
        idle = self.router.idle  # the hot path works its own router's deque; others use methods
        if idle:
            self._answer(idle.popleft(), call, time)
            return
        self.router.enqueue(call, time)
        patience = self.log.patience[call]
        if patience < INF:
            self.events.schedule(time + patience, self._abandon, call)

    def _answer(self, employee: Employee, call: int, time: float) -> None:
        """An employee takes a call and is busy for its handle time."""
        log = self.log
        log.answer[call] = time
        log.outcome[call] = ANSWERED
        log.employee[call] = employee.unique_id
        employee.busy = True
        employee.call = call
        log.talk[call] = talk = self.behavior.talk_time(employee, call)
        handle = talk + log.acw[call]
        employee.handle_time_total += handle
        self.events.schedule(time + handle, self._finish, employee)

    def _finish(self, employee: Employee, time: float) -> None:
        """The employee finishes a call (talk and after-call work) and is free again."""
        call = employee.call
        log = self.log
        log.end[call] = time
        employee.busy_time += time - log.answer[call]
        employee.calls_handled += 1
        employee.busy = False
        employee.call = -1
        self.behavior.contact_ended(employee, call, time)
        self.employee_free(employee, time)

    def _finish_work(self, employee: Employee, time: float) -> None:
        """The employee finishes work that was not an inbound call (e.g. an outbound call)."""
        employee.busy_time += time - employee.work_started
        employee.busy = False
        self.behavior.idle_work_done(employee)
        self.employee_free(employee, time)

    def employee_free(self, employee: Employee, time: float) -> None:
        """A free employee on the phones: log off if due, else take the next call or wait idle."""
        if employee.leaving:
            self.staffing.log_off(employee, time)
            return
        call = self.router.next_call(time)
        if call >= 0:
            self._answer(employee, call, time)
        elif self.open_day < 0:
            self.staffing.log_off(employee, time)  # closed and nobody waiting: go home
        else:
            work = self.behavior.idle_work(employee, time)
            if work > 0:  # e.g. an outbound call: busy, but reachable again only when done
                employee.busy = True
                employee.work_started = time
                self.events.schedule(time + work, self._finish_work, employee)
                return
            employee.idle_since = time
            self.router.idle.append(employee)  # at the back: idle shortest

    def schedule_block(self, employee: Employee, start: float, end: float) -> None:
        """Take `employee` off the phones from `start` to `end` (meeting, training, coaching)."""
        self.events.schedule(start, self._go_away, employee)
        self.events.schedule(end, self._come_back, employee)

    def schedule_shift(self, employee: Employee, start: float, end: float) -> None:
        """Put `employee` on duty from `start` to `end` (staffing by rota)."""
        self.events.schedule(start, self._come_back, employee)
        self.events.schedule(end, self._go_away, employee)

    def _go_away(self, employee: Employee, time: float) -> None:
        if not employee.quitting:
            self.staffing.take_off(employee, time)

    def _come_back(self, employee: Employee, time: float) -> None:
        if not employee.quitting:
            self.staffing.bring_back(employee, time)

    def _abandon(self, call: int, time: float) -> None:
        """The caller's patience ran out; if still waiting they hang up and may redial."""
        log = self.log
        if log.outcome[call] != WAITING:
            return
        log.outcome[call] = ABANDONED
        log.end[call] = time
        self.router.abandoned(time)
        redial = self.config.redial
        at = INF
        if (
            redial.probability > 0
            and self._redial.random() < redial.probability
            and log.attempt[call] < MAX_ATTEMPTS  # a runaway guard: never binds in practice
        ):
            delay = self._redial.exponential(redial.mean_delay_seconds)
            at = self.hours.add_open_time(time, delay)
            if at < INF:
                self.events.schedule(at, self._redial_call, call)
        self.behavior.call_abandoned(call, at < INF, time)

    def _redial_call(self, previous: int, time: float) -> None:
        """An abandoned caller tries again: same question (handle time), fresh patience."""
        log = self.log
        if not self.behavior.redial_allowed(previous):
            return
        call = log.add(
            time,
            self._redial_patience() * self.behavior.patience_factor(log.customer[previous]),
            log.talk[previous],
            log.acw[previous],
            log.attempt[previous] + 1,
            log.customer[previous],
        )
        self.behavior.redialed(previous, call)
        self.offer(call, time)

    # --- time --------------------------------------------------------------------------------

    def _process(self, stop: float) -> None:
        """Run arrivals and calendar events strictly before `stop`, in time order (an arrival
        goes first when it ties with a calendar event).

        `model.time` is a Mesa observable; while nobody subscribes to its changes, setting it
        does nothing but store the value, so the loop stores it directly (2 µs per event saved).
        """
        observed = self._has_subscribers("time", ObservableSignals.CHANGED)
        time_attribute = "time" if observed else "_time"
        heap = self.events.heap
        arrivals = self._arrivals  # ends with an INF sentinel
        arrive = self.behavior.arrival
        i = self._next_arrival
        while True:
            t_arrival = arrivals[i]
            until = t_arrival if t_arrival < stop else stop
            while heap and heap[0][0] < until:
                t_event, _, callback, argument = heappop(heap)
                setattr(self, time_attribute, t_event)
                callback(argument, t_event)
            if t_arrival >= stop:
                break
            i += 1
            setattr(self, time_attribute, t_arrival)
            arrive(t_arrival)
        self._next_arrival = i

    def _next_mesa_time(self) -> float:
        events = self._event_list
        if events.is_empty():
            return INF
        return events.peek_ahead(1)[0].time

    def run_until(self, end_time: float) -> None:
        """Advance to `end_time` (seconds, not before now), running every call event and Mesa
        event due by then."""
        _check_time("end_time", end_time)
        if end_time < self.time:
            raise ValueError(
                f"end_time = {end_time!r}: the model is at time {self.time!r} already; its clock "
                "never goes backwards (build a new model to start again)"
            )
        with self._advanced():
            self._advance(end_time)

    def run_for(self, duration: float) -> None:
        """Advance by `duration` seconds (0 or more)."""
        _check_time("duration", duration)
        if duration < 0:
            raise ValueError(
                f"duration = {duration!r} at time {self.time!r}: a number of seconds of 0 or "
                "more is allowed; the clock never goes backwards"
            )
        self.run_until(self.time + duration)

    def run_model(self) -> None:
        """Run every day, then let the calls still in the system at the last closing finish."""
        with self._advanced(), cyclic_gc_paused():
            self._advance(self.hours.days * DAY)
            self._advance(INF)
            self.behavior.run_ended()
        self.running = False

    @contextmanager
    def _advanced(self) -> Iterator[None]:
        """Hold the model while its clock moves: a model is not thread-safe, and two threads
        advancing it at once would interleave events silently (extra or lost calls)."""
        if not self._advancing.acquire(blocking=False):
            raise RuntimeError(
                "this model is already being advanced by another thread; a model is not "
                "thread-safe: give each thread its own model"
            )
        try:
            yield
        finally:
            self._advancing.release()

    def _advance(self, end_time: float) -> None:
        """Run every call event and Mesa event due by `end_time` (INF: until none is left)."""
        while True:
            t_mesa = self._next_mesa_time()
            self._process(min(end_time, t_mesa))
            if t_mesa > end_time or t_mesa == INF:
                break
            self.time = t_mesa
            while self._next_mesa_time() == t_mesa:  # includes events scheduled at t_mesa
                self._event_list.pop_event().execute()
        if end_time < INF:
            self.time = end_time

    def dispose(self) -> None:
        """Free everything this finished model holds, now; the model is unusable afterwards.

        Its parts refer back to it (Mesa agents, the behavioural layer, staffing), so a dropped
        model is cyclic garbage that only a full pass of the collector frees, and that pass
        must first rescan the whole model: twice the time of freeing it by reference counting
        (200 ms against 115 ms for the baseline). `sim.run` disposes of its model once the
        result is gathered, so a process running many runs holds one model at a time.
        """
        vars(self).clear()

    @property
    def employees(self) -> mesa.AgentSet:
        """All employees (on or off the phones) as a Mesa agent set."""
        return self.agents_by_type[Employee]
