"""The behaviour of the contact center, plugged into the engine: customers with memory,
conversations, failure demand, churn, word of mouth and new customers, outbound calls, the
workforce and money.

It implements the engine's hooks (`sim.engine.hooks.Behavior`). The management policy acts
only through its own hooks (`sim.behavior.policy.Policy`); nothing here looks at its name.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from sim.behavior.acquisition import Acquisition
from sim.behavior.conversation import CONVERSATION_DRAWS, Conversation, clamp, experience
from sim.behavior.conversation_log import CALLBACK, REDIAL, VALUE, ConversationLog
from sim.behavior.customer import DAYS_PER_MONTH, NO_ISSUE, CustomerBase
from sim.behavior.draws import DrawLayout, binomial_quantile
from sim.behavior.outbound import OUTBOUND_DRAWS, OutboundCounts, outbound_call
from sim.behavior.policy import make_policy
from sim.behavior.reputation import Reputation
from sim.behavior.workforce import Workforce
from sim.engine.distributions import lognormal_parameters, sampler

if TYPE_CHECKING:
    from sim.engine.employee import Employee
    from sim.engine.model import ContactCenterModel


DEMAND_DRAWS = DrawLayout(uniform=("customer", "reason"))
"""Who calls and why, as `ContactCenterBehavior.arrival` unpacks them."""
AFTER_CONTACT_DRAWS = DrawLayout(
    uniform=("broken", "survey", "churn", "callback"),
    normal=("csat", "nps"),
    exponential=("callback_delay",),
)
"""What follows a contact, as `contact_ended` and `call_abandoned` unpack them."""


class ContactCenterBehavior:
    """Customers, conversations, policies, employees' development and money."""

    def __init__(self, model: ContactCenterModel):
        self.model = model
        cfg = model.config
        streams = model.streams
        self.cfg = cfg
        self.policy = make_policy(cfg.policy)
        self.reason_names = list(cfg.demand.reasons)
        self.customers = CustomerBase(cfg.customers, streams["customers"], self.reason_names)
        self.workforce = Workforce(cfg.employees, self.policy, model)
        self.contacts = ConversationLog()
        self.reasons = list(cfg.demand.reasons.values())
        self._last_reason = len(self.reasons) - 1
        self._reason_cumulative = np.cumsum([r.share for r in self.reasons]).tolist()
        self._need_params = [
            lognormal_parameters(r.need_mean_seconds, r.need_cv) for r in self.reasons
        ]
        self.conversation = Conversation(cfg.conversation, cfg.sales, cfg.demand.resolvable_share)
        self._demand = DEMAND_DRAWS.sampler(streams["demand"])
        self._newcomer_demand = DEMAND_DRAWS.sampler(streams["newcomer_demand"])
        self._need = sampler(streams["need"].standard_normal)
        self._conversation = CONVERSATION_DRAWS.sampler(streams["conversation"])
        self._after = AFTER_CONTACT_DRAWS.sampler(streams["after_contact"])
        self._outbound_choice = sampler(streams["outbound_choice"].random)
        self._outbound = OUTBOUND_DRAWS.sampler(streams["outbound"])
        self._log = model.log  # its `customer` column: the customer of each contact, by call id
        # the customer columns each contact reads or writes, a lookup closer (never replaced)
        customers = self.customers
        self._churned, self._satisfaction = customers.churned, customers.satisfaction
        self._open_issue, self._contacts = customers.open_issue, customers.contacts
        # word of mouth: the base's reputation, measured always; newcomers in an open base only
        wom = cfg.word_of_mouth
        self.reputation = Reputation(wom, cfg.satisfaction.nps_noise, customers.satisfaction)
        self.acquisition = Acquisition(model, customers) if wom.open else None
        self._story_experience = wom.public_story_experience if wom.open else -1.0
        self._stories = streams["public_stories"] if wom.open else None
        self.very_bad = 0  # experiences that may become a public story, since the last closing
        self.outbound = OutboundCounts()
        self.outbound_busy = 0  # employees on an outbound call right now
        self.sales = 0
        self.sales_revenue = 0.0
        self.recurring_revenue = 0.0
        self.accruals: list[tuple[float, int]] = []  # (closing time, calendar days it charged)
        self.lost_demand = 0  # value demand of customers who had churned
        self.daily: list[dict[str, float]] = []
        self.daily_totals: list[dict[str, float]] = []  # each row's `totals` of its day
        self._pending_row: dict[str, float] | None = None
        self._last_totals: dict[str, float] = {}
        self._measure_from: dict[str, float] = {}

    # --- contacts -------------------------------------------------------------------------------

    def arrival(self, time: float) -> None:
        """Value demand: a random customer of the initial base calls for a random reason."""
        u_customer, u_reason = self._demand()
        self._value_demand(time, self.customers.index_for(u_customer), u_reason)

    def _newcomer_arrival(self, _: None, time: float) -> None:
        """Value demand of the customers who joined during the run (`Acquisition`)."""
        u_customer, u_reason = self._newcomer_demand()
        self._value_demand(time, self.customers.newcomer_for(u_customer), u_reason)

    def _value_demand(self, time: float, customer: int, u_reason: float) -> None:
        # conditional expressions rather than min(): Python 3.12's min/max cost ~0.3 µs a call
        reason = bisect_right(self._reason_cumulative, u_reason)
        reason = reason if reason < self._last_reason else self._last_reason
        if self._churned[customer]:
            self.lost_demand += 1
            return
        self._contact(time, customer, reason, VALUE, 1.0)

    def _contact(
        self, time: float, customer: int, reason: int, kind: int, need_factor: float
    ) -> None:
        """Customer `customer` (an index) calls: log the contact and offer it to the queue."""
        mu, sigma = self._need_params[reason]
        need = math.exp(mu + sigma * self._need()) * need_factor
        patience_factor = self.customers.patience_factor[customer]
        call = self.model.add_contact(time, patience_factor, customer, talk=need)
        self.contacts.add(reason, kind, need)
        self._contacts[customer] += 1
        self.model.offer(call, time)

    def patience_factor(self, customer: int) -> float:
        return self.customers.patience_factor[customer]

    def talk_time(self, employee: Employee, call: int) -> float:
        """Hold the conversation; the employee talks as long as it takes, given the pressure
        they feel and the load on the center right now."""
        contacts, model = self.contacts, self.model
        on_phone = model.staffing.on_phone
        router = model.router
        outcome = self.conversation.hold(
            contacts.need[call],
            self.reasons[contacts.reason[call]],
            self.customers.potential[self._log.customer[call]],
            employee,
            self.policy.guidance(employee),
            len(router.idle) / on_phone if on_phone else 0.0,
            router.waiting / on_phone if on_phone else 0.0,
            self._conversation(),
        )
        contacts.handled(call, outcome)
        return outcome.talk

    def contact_ended(self, employee: Employee, call: int, time: float) -> None:
        """Sale, the customer's experience and survey answer, resolution or failure demand."""
        s = self.cfg.satisfaction
        outcome = self.contacts.outcomes.pop(call)  # no longer in progress
        quality, resolved = outcome.quality, outcome.resolved
        customer = self._log.customer[call]
        u_broken, u_survey, u_churn, u_callback, z_csat, z_nps, e_delay = self._after()
        if outcome.sold:
            self.sale(customer, outcome.sale_value)
        repeat = self.contacts.kind[call] != VALUE
        wait = self.model.log.waited(call)
        score = experience(quality, resolved, outcome.pushy, wait, outcome.overtalk, repeat, s)
        surveyed = u_survey < s.survey_rate
        self._experienced(customer, call, score, surveyed, z_csat, z_nps)
        broken = u_broken < self.cfg.demand.broken_promise_rate * (1.0 - quality)
        bought = outcome.sold and self.reasons[self.contacts.reason[call]].buying_intent
        if (resolved and not broken) or bought:  # a purchase they called for closes the issue
            self._open_issue[customer] = NO_ISSUE
        else:
            self._unresolved(customer, self.contacts.reason[call], u_callback, e_delay, time)
        self.churn_check(customer, u_churn, time)

    def call_abandoned(self, call: int, redialing: bool, time: float) -> None:
        """The caller's experience of hanging up (and their survey answer, if they give one);
        an issue left open unless they will redial."""
        customer = self._log.customer[call]
        _, u_survey, u_churn, u_callback, z_csat, z_nps, e_delay = self._after()
        s = self.cfg.satisfaction
        surveyed = u_survey < s.abandoned_survey_rate
        self._experienced(customer, call, s.abandoned_experience, surveyed, z_csat, z_nps)
        if not redialing:
            self._unresolved(customer, self.contacts.reason[call], u_callback, e_delay, time)
        self.churn_check(customer, u_churn, time)

    def _experienced(
        self,
        customer: int,
        call: int,
        score: float,
        surveyed: bool,
        z_csat: float,
        z_nps: float,
    ) -> None:
        """A contact's experience moves the customer's satisfaction; surveyed, they answer."""
        s = self.cfg.satisfaction
        satisfaction = self._satisfaction
        satisfaction[customer] += s.memory * (score - satisfaction[customer])  # `experience`
        if score <= self._story_experience:
            self.very_bad += 1
        self.contacts.experience[call] = score
        if surveyed:
            csat = clamp(round(1 + 4 * score + s.csat_noise * z_csat), 1, 5)
            nps = clamp(round(10 * satisfaction[customer] + s.nps_noise * z_nps), 0, 10)
            self.contacts.survey(call, csat, nps)

    def redial_allowed(self, previous: int) -> bool:
        return not self._churned[self._log.customer[previous]]

    def redialed(self, previous: int, call: int) -> None:
        contacts = self.contacts
        contacts.add(contacts.reason[previous], REDIAL, contacts.need[previous])
        self._contacts[self._log.customer[previous]] += 1

    def _unresolved(
        self, customer: int, reason: int, u: float, e_delay: float, time: float
    ) -> None:
        """An open issue: the customer calls again later (failure demand) or gives up."""
        demand, s = self.cfg.demand, self.cfg.satisfaction
        self._open_issue[customer] = reason
        if u < demand.callback_probability:
            delay = e_delay * demand.callback_mean_delay_seconds
            at = self.model.hours.add_open_time(time, delay)
            if at < math.inf:
                self.model.events.schedule(at, self._callback, (customer, reason))
        else:
            self.experience(customer, s.unresolved_giveup_experience)

    def experience(self, customer: int, score: float) -> None:
        """An experience outside a contact's survey (giving up, an outbound call) moves the
        customer's satisfaction; a very bad one may become a public story."""
        if score <= self._story_experience:
            self.very_bad += 1
        self.customers.experience(customer, score, self.cfg.satisfaction.memory)

    def _callback(self, pending: tuple[int, int], time: float) -> None:
        customer, reason = pending
        if not self._churned[customer] and self._open_issue[customer] != NO_ISSUE:
            self.customers.repeats[customer] += 1
            need_factor = self.cfg.demand.callback_need_factor
            self._contact(time, customer, reason, CALLBACK, need_factor)

    def sale(self, customer: int, value: float) -> None:
        """A purchase by customer `customer` (an index): one-off revenue, a higher recurring
        value from now on, and less appetite for the next offer."""
        self.sales += 1
        self.sales_revenue += value
        customers = self.customers
        customers.purchases[customer] += 1
        customers.potential[customer] *= 1.0 - self.cfg.sales.purchase_satiation  # less to want
        customers.add_monthly_value(customer, self.cfg.sales.monthly_value_uplift)

    def churn_check(self, customer: int, u: float, time: float) -> None:
        """Dissatisfied customers may leave: the chance rises as satisfaction falls."""
        c = self.cfg.churn
        satisfaction = self._satisfaction[customer]
        if satisfaction >= c.threshold or self._churned[customer]:
            return
        shortfall = (c.threshold - satisfaction) / c.threshold
        if u < c.max_probability * shortfall**c.exponent:
            self.customers.churn(customer, time)

    def idle_work(self, employee: Employee, time: float) -> float:
        """An idle employee may make an outbound sales call, if the policy asks for it."""
        propensity = self.policy.outbound_propensity(employee)
        if propensity <= 0 or self._outbound_choice() >= propensity:
            return 0.0
        outbound, on_phone = self.cfg.outbound, self.model.staffing.on_phone
        if self.outbound_busy >= outbound.max_share * on_phone:
            return 0.0
        if len(self.model.router.idle) < outbound.idle_reserve * on_phone:
            return 0.0  # keep a reserve idle for inbound (the one deciding is not idle yet)
        self.outbound_busy += 1
        return outbound_call(self, employee, time, self._outbound, self.outbound)

    def idle_work_done(self, employee: Employee) -> None:
        """An outbound call ended."""
        self.outbound_busy -= 1

    # --- days -----------------------------------------------------------------------------------

    def day_started(self, day: int) -> None:
        self._close_row()
        if day == self.model.hours.warmup:
            self._measure_from = self.totals()
        self.workforce.day_started(day)
        if self.acquisition is not None:
            self.acquisition.day_started(day, self._newcomer_arrival)

    def day_ended(self, day: int) -> None:
        """Employees' daily update; recurring revenue accrues; the day's row is opened."""
        self.workforce.day_ended(day)
        calendar_days = self.model.hours.calendar_days_after(day)
        accrual = self.customers.active_monthly_value * calendar_days / DAYS_PER_MONTH
        self.recurring_revenue += accrual
        self.accruals.append((self.model.time, calendar_days))
        reputation = self._word_of_mouth(calendar_days)
        self._pending_row = {
            "day": day,
            "recurring_revenue": accrual,
            "active_customers": float(self.customers.active),
            "reputation": reputation.effective,
            "base_promoters": reputation.promoters,
            "base_detractors": reputation.detractors,
        }
        self._pending_row.update(self.workforce.snapshot())

    def _word_of_mouth(self, calendar_days: float) -> Reputation:
        """At a closing: the base's word of mouth and the day's public stories move reputation,
        and the newcomers of the days until the next opening join (an open base only)."""
        reputation = self.reputation
        if self.acquisition is None:  # a closed base: the base's shares, measured only
            reputation.promoters, reputation.detractors = reputation.shares(self._satisfaction)
            return reputation
        wom = self.cfg.word_of_mouth
        stories = binomial_quantile(
            self.very_bad, wom.public_story_probability, float(self._stories.random())
        )
        self.very_bad = 0
        reputation.update(self._satisfaction, stories, calendar_days)
        self.acquisition.join(reputation.effective, calendar_days, self.model.time)
        return reputation

    def run_ended(self) -> None:
        self._close_row()

    def measured(self) -> dict[str, float]:
        """The `totals` accumulated since the warm-up ended: what KPIs and money count."""
        start = self._measure_from
        return {k: v - start.get(k, 0.0) for k, v in self.totals().items()}

    def totals(self) -> dict[str, float]:
        """Running totals of the run so far, for money and KPIs (`measured` windows them)."""
        w, customers = self.workforce, self.customers
        phone_seconds, _ = self.model.staffing.totals(self.model.time)
        return {
            "sales": float(self.sales),
            "sales_revenue": self.sales_revenue,
            "recurring_revenue": self.recurring_revenue,
            "churned_customers": float(customers.churned_count),
            "churned_value": customers.churned_monthly_value * self.cfg.churn.horizon_months,
            "newcomers": float(customers.newcomers),
            "acquired_value": customers.acquired_monthly_value * self.cfg.churn.horizon_months,
            "public_stories": float(self.reputation.story_total),
            "lost_demand": float(self.lost_demand),
            "quits": float(w.quits),
            "hires": float(w.hires),
            "phone_hours": phone_seconds / 3600,
            "meeting_hours": w.activity_hours["meeting"],
            "training_hours": w.activity_hours["training"],
            "coaching_hours": w.activity_hours["coaching"],
            "onboarding_hours": w.onboarding_hours,
            "outbound_attempts": float(self.outbound.attempts),
            "outbound_connects": float(self.outbound.connects),
            "outbound_sales": float(self.outbound.sales),
            "outbound_line_seconds": self.outbound.seconds,
            "paid_hours": w.paid_hours,
            "team_leader_hours": w.team_leader_hours,
            "unfilled_shift_hours": w.unfilled_shift_hours,
            "coaching_requested": w.coaching_requested,
        }

    def _close_row(self) -> None:
        """A day's counters run until the next opening, so calls served after closing count."""
        if self._pending_row is None:
            return
        totals = self.totals()
        day = {k: v - self._last_totals.get(k, 0.0) for k, v in totals.items()}
        self._last_totals = totals
        self.daily.append(self._pending_row | self._counters(day))
        self.daily_totals.append(day)
        self._pending_row = None

    @staticmethod
    def _counters(t: dict[str, float]) -> dict[str, float]:
        """The daily table's counters from a day's `totals`, named as the daily rows name them
        (onboarding counts as training there)."""
        return {
            "sales": t["sales"],
            "sales_revenue": t["sales_revenue"],
            "churned_customers": t["churned_customers"],
            "newcomers": t["newcomers"],
            "public_stories": t["public_stories"],
            "attrition": t["quits"],
            "hires": t["hires"],
            "coaching_hours": t["coaching_hours"],
            "training_hours": t["training_hours"] + t["onboarding_hours"],
            "meeting_hours": t["meeting_hours"],
            "outbound_attempts": t["outbound_attempts"],
            "outbound_connects": t["outbound_connects"],
        }
