"""Scenario sections of the behavioural layer: customers, demand, conversations, sales,
satisfaction, churn, employees, outbound calling and money (the policy: `policy.py`).
Units are in the field names."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from sim.scenario.section import NonNegative, Positive, Section
from sim.scenario.section import Probability as Share


class Customers(Section):
    """The customer base: who can call, what they are worth, how they feel."""

    population: int = Field(250_000, ge=1, le=10_000_000, description="customers in the base")
    monthly_value_mean: NonNegative = Field(
        25.0, le=1e6, description="mean recurring value, per month (at most 1,000,000)"
    )
    monthly_value_cv: NonNegative = Field(0.6, description="CV of recurring value (lognormal)")
    potential_mean: Share = Field(0.3, description="mean purchase potential (beta, 0..1)")
    potential_concentration: Positive = Field(4.0, description="beta concentration of potential")
    satisfaction_mean: Share = Field(0.7, description="mean initial satisfaction (beta, 0..1)")
    satisfaction_concentration: Positive = Field(12.0, description="beta concentration")
    patience_cv: NonNegative = Field(
        0.5, description="spread of customers' mean patience around patience.mean_seconds"
    )


class Reason(Section):
    """One reason customers call (value demand)."""

    share: Share = Field(description="share of value demand with this reason")
    need_mean_seconds: Positive = Field(description="talk time a complete answer takes")
    need_cv: NonNegative = Field(0.7, description="CV of the need (lognormal)")
    sales_opportunity: Share = Field(description="chance the contact offers a sales opportunity")
    buying_intent: bool = Field(False, description="the customer calls to buy")


def _default_reasons() -> dict[str, Reason]:
    return {
        "question": Reason(share=0.45, need_mean_seconds=240.0, sales_opportunity=0.25),
        "change": Reason(share=0.25, need_mean_seconds=300.0, sales_opportunity=0.35),
        "complaint": Reason(share=0.15, need_mean_seconds=420.0, sales_opportunity=0.05),
        "buying": Reason(
            share=0.15, need_mean_seconds=330.0, sales_opportunity=1.0, buying_intent=True
        ),
    }


class Demand(Section):
    """Why customers call, and what happens when an issue is left unresolved."""

    reasons: dict[str, Reason] = Field(default_factory=_default_reasons)
    callback_probability: Share = Field(
        0.85, description="chance an unresolved customer calls again (failure demand)"
    )
    callback_mean_delay_seconds: Positive = Field(
        6 * 3600.0, description="mean delay before calling again, in opening time"
    )
    callback_need_factor: Positive = Field(
        1.15, description="a repeat contact needs this much more time (explaining again)"
    )
    resolvable_share: Share = Field(
        0.95,
        description="chance an issue can be resolved in the call at all (the rest need work "
        "outside it, whatever the conversation)",
    )
    broken_promise_rate: Share = Field(
        0.5,
        description="chance, times (1 - quality), that an issue closed in the call comes back "
        "because what was promised is not done (failure demand FCR does not see)",
    )

    @model_validator(mode="before")
    @classmethod
    def _edits_of_the_default_reasons(cls, data: Any) -> Any:
        """Reasons that are partial (no `share`, or missing a required field) edit the default
        reasons, so one field can change alone (`demand.reasons.question.share = 0.4`);
        complete reasons with shares are the whole mix, as docs/SCENARIOS.md shows."""
        reasons = data.get("reasons") if isinstance(data, dict) else None
        if not (isinstance(reasons, dict) and reasons):
            return data
        required = {n for n, f in Reason.model_fields.items() if f.is_required()}
        complete = [
            isinstance(r, dict) and "share" in r and required <= set(r) for r in reasons.values()
        ]
        if all(complete) or not all(isinstance(r, dict) for r in reasons.values()):
            return data
        defaults = {name: reason.model_dump() for name, reason in _default_reasons().items()}
        unknown = sorted(set(reasons) - set(defaults))
        if unknown:
            raise ValueError(
                f"demand.reasons.{unknown[0]} is not a default reason ({', '.join(defaults)}); "
                "to edit a default reason, name it; to set the whole mix, give every reason "
                "its share, need_mean_seconds and sales_opportunity"
            )
        edited = {name: {**fields, **reasons.get(name, {})} for name, fields in defaults.items()}
        return {**data, "reasons": edited}

    @model_validator(mode="after")
    def _shares(self) -> Demand:
        if not self.reasons:
            raise ValueError("demand.reasons is empty; name at least one reason")
        total = sum(r.share for r in self.reasons.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"demand.reasons shares add up to {total:.4g}; they must add up to 1")
        return self


class Conversation(Section):
    """How time spent, skill and stress turn into quality, resolution and sales."""

    skill_time_effect: Share = Field(
        0.6, description="need multiplier 1 + effect*(0.5 - skill): skilled employees are faster"
    )
    pressure_shortening: Share = Field(
        0.4, description="fraction of the need cut at full time pressure"
    )
    idle_stretch: NonNegative = Field(
        0.2,
        description="talk stretches by this fraction when every colleague on the phones is "
        "idle (nobody waits: conversations run on beyond the need)",
    )
    load_compression: float = Field(
        0.2,
        ge=-0.5,
        le=1.0,
        description="talk compresses by this fraction when as many callers wait as there are "
        "employees on the phones (negative: it slows down under load; the direction is "
        "contested for call centers)",
    )
    time_noise_cv: NonNegative = Field(0.25, description="CV of time spent around the plan")
    completeness_exponent: Positive = Field(
        1.0, description="quality ~ completeness^exponent (completeness = time spent / need)"
    )
    skill_quality_floor: Share = Field(
        0.7, description="quality factor of a zero-skill employee (1 at full skill)"
    )
    stress_quality_penalty: Share = Field(0.25, description="quality lost at full stress")
    offer_seconds: NonNegative = Field(40.0, description="talk time the closing question adds")


class Sales(Section):
    """Buying: driven by conversation quality, sales skill and the customer's potential."""

    base_conversion: Share = Field(
        0.55, description="conversion at quality 1, skill 0.5, potential 1"
    )
    quality_exponent: Positive = Field(2.0, description="conversion ~ quality^exponent")
    intent_potential: Share = Field(
        0.85, description="purchase potential of a customer who calls to buy"
    )
    value_mean: NonNegative = Field(
        180.0, le=1e6, description="one-off revenue of a sale (at most 1,000,000)"
    )
    value_cv: NonNegative = Field(0.5, description="CV of sale value (lognormal)")
    monthly_value_uplift: NonNegative = Field(
        3.0, description="recurring value a sale adds, per month"
    )
    purchase_satiation: Share = Field(
        0.75, description="share of a customer's purchase potential a purchase uses up"
    )
    pushy_threshold: Share = Field(
        0.5, description="an offer after a conversation of lower quality is pushy"
    )
    ask_habit: Share = Field(
        0.7,
        description="chance an employee of sales skill 0.5 asks the closing question when there "
        "is an opportunity, unhurried and with nobody waiting",
    )
    ask_skill_effect: NonNegative = Field(
        0.8, description="the habit rises by this times (sales skill - 0.5)"
    )
    ask_pressure_skip: Share = Field(
        0.6, description="share of closing questions skipped at full felt time pressure"
    )
    ask_queue_effect: NonNegative = Field(
        1.0,
        description="the chance to ask is divided by 1 + this times the callers waiting per "
        "employee on the phones",
    )


class Satisfaction(Section):
    """A contact's experience score E (0..1) and its effect on satisfaction and surveys."""

    memory: Share = Field(0.35, description="weight of the latest experience in satisfaction")
    quality_weight: NonNegative = Field(0.45, description="weight of quality in E")
    resolution_weight: NonNegative = Field(0.35, description="weight of resolution in E")
    wait_weight: NonNegative = Field(0.20, description="weight of a short wait in E")
    wait_tolerance_seconds: Positive = Field(300.0, description="wait at which the wait term is 0")
    overtalk_penalty: NonNegative = Field(
        0.1,
        description="E lost when the talk ran on as long again as the question needed (pro rata)",
    )
    pushy_penalty: NonNegative = Field(0.25, description="E lost by a pushy offer")
    repeat_penalty: NonNegative = Field(0.15, description="E lost when calling about a failure")
    abandoned_experience: Share = Field(0.15, description="E of hanging up in the queue")
    unresolved_giveup_experience: Share = Field(
        0.1, description="E when an unresolved customer gives up calling"
    )
    unwanted_call_experience: Share = Field(
        0.3, description="E of an outbound sales call the customer did not want"
    )
    survey_rate: Share = Field(0.15, description="share of handled contacts answering a survey")
    abandoned_survey_rate: Share = Field(
        0.15, description="share of callers who hung up in the queue answering a survey"
    )
    csat_noise: NonNegative = Field(0.6, description="sd of CSAT answers around 1 + 4E")
    nps_noise: NonNegative = Field(1.5, description="sd of NPS answers around 10 * satisfaction")


class Churn(Section):
    """Dissatisfied customers leave."""

    threshold: Share = Field(0.5, description="satisfaction below which churn risk starts")
    max_probability: Share = Field(
        0.15, description="churn chance after a contact at satisfaction 0"
    )
    exponent: Positive = Field(1.5, description="risk ~ ((threshold - s) / threshold)^exponent")
    horizon_months: Positive = Field(12.0, description="horizon of churned_value")


class Employees(Section):
    """Skill, learning, stress, engagement, attrition and hiring."""

    roster: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="employees in the team (default: what the shifts need, or the peak of "
        "the schedule without shifts)",
    )
    skill_sd: NonNegative = Field(
        0.12, description="sd of skills around what an employee's tenure gives"
    )
    skill_max: Share = Field(0.95, description="skill ceiling of the learning curve")
    learning_hours: Positive = Field(
        600.0, description="phone hours that close 63% of the gap to skill_max"
    )
    coaching_multiplier: NonNegative = Field(
        12.0, description="one coaching hour teaches as much as this many phone hours"
    )
    training_multiplier: NonNegative = Field(
        5.0, description="one training hour teaches as much as this many phone hours"
    )
    target_comfort: Share = Field(
        0.85,
        description="a target is felt once the team's figure is this close to it (achieved / "
        "target for AHT, target / achieved for contacts per hour)",
    )
    target_pressure: Share = Field(
        0.5, description="time pressure a team feels when it just meets its tightest target"
    )
    stress_initial: Share = Field(0.2, description="initial stress")
    stress_contact_gain: NonNegative = Field(
        0.05,
        description="daily stress gain per unit of occupancy: serving customers all day is "
        "tiring in itself (emotional labour), under any policy",
    )
    stress_occupancy_gain: NonNegative = Field(
        0.8, description="daily stress gain per unit of occupancy above stress_occupancy_ref"
    )
    stress_occupancy_ref: Share = Field(0.8, description="occupancy that adds no stress")
    stress_pressure_gain: NonNegative = Field(0.08, description="daily stress gain at pressure 1")
    stress_recovery: Share = Field(0.2, description="share of stress recovered overnight")
    stress_off_phone_recovery: NonNegative = Field(
        0.02, description="stress recovered per off-phone hour"
    )
    engagement_initial: Share = Field(0.7, description="initial engagement")
    engagement_pressure_loss: NonNegative = Field(
        0.01, description="daily engagement loss at pressure 1"
    )
    engagement_coaching_gain: NonNegative = Field(0.005, description="engagement per coaching hour")
    engagement_reversion: Share = Field(
        0.02, description="daily pull of engagement back towards engagement_initial"
    )
    quit_base_daily: Share = Field(
        0.00075, description="daily quit hazard at stress 0.3 and engagement 0.7"
    )
    quit_stress_effect: NonNegative = Field(2.0, description="log-hazard per unit of stress")
    quit_engagement_effect: NonNegative = Field(
        2.0, description="log-hazard per unit of engagement"
    )
    contract_hours_per_week: Positive = Field(
        36.0,
        description="most hours an employee works in a week, leave included (team leaders: "
        "their paid week)",
    )
    coaching_capacity_hours_per_week: NonNegative = Field(
        12.0, description="hours a team leader can coach in a week (coaching beyond is not done)"
    )
    hiring_delay_days: int = Field(15, ge=0, le=3650, description="opening days to fill a vacancy")
    new_hire_skill: Share = Field(0.25, description="service and sales skill of a new hire")
    onboarding_hours: NonNegative = Field(
        40.0, description="classroom hours a new hire spends before taking calls"
    )


class Shifts(Section):
    """Paid shifts: who works when, and what of their paid time is not on the phones."""

    enabled: bool = Field(
        False,
        description="true: employees work planned shifts and are paid for them, idle time "
        "included; false: the schedule is kept by an unpaid flexible pool (paid: phone and "
        "off-phone activity time only)",
    )
    lengths_hours: list[Annotated[float, Field(gt=0, le=24)]] = Field(
        default_factory=lambda: [8.0, 6.0, 4.0],
        min_length=1,
        description="allowed shift lengths, paid and including breaks (whole intervals)",
    )
    break_minutes: NonNegative = Field(30.0, description="break in a shift longer than below")
    break_after_hours: NonNegative = Field(5.5, description="shifts longer than this have a break")
    absence_rate: Share = Field(
        0.05, description="share of working days an employee is absent (sick pay: paid)"
    )
    paid_leave_share: Share = Field(
        0.10, description="share of paid time that is holiday leave (paid, not worked)"
    )


class Outbound(Section):
    """Outbound sales calls to the customer base."""

    dial_seconds: Positive = Field(35.0, description="time to dial and wait for an answer")
    connect_rate: Share = Field(0.3, description="share of attempts that reach the customer")
    talk_mean_seconds: Positive = Field(150.0, description="mean talk time when connected")
    interest_share: Share = Field(
        0.2, description="share of reached customers who welcome the offer"
    )
    max_share: Share = Field(
        0.25,
        description="at most this share of the employees on the phones is on outbound calls "
        "at once (the blending rule keeps the rest for inbound)",
    )
    idle_reserve: Share = Field(
        0.2,
        description="an outbound call starts only while at least this share of the employees "
        "on the phones stays idle for inbound callers (a threshold blending rule)",
    )


class Money(Section):
    """Currency and cost rates."""

    currency: str = Field(
        "EUR", description="currency code or sign used in reports: 1 to 5 letters or signs"
    )
    employee_hourly_cost: NonNegative = Field(32.0, description="per paid employee hour")
    team_leader_hourly_cost: NonNegative = Field(45.0, description="per paid team-leader hour")
    hiring_cost: NonNegative = Field(4000.0, description="recruiting cost per hire")
    overhead_per_paid_hour: NonNegative = Field(
        14.0, description="seat, IT and facilities, per paid employee hour"
    )
    telephony_per_minute: NonNegative = Field(
        0.01, description="line cost per minute a customer is connected (waiting or talking)"
    )
    acquisition_cost: NonNegative = Field(
        100.0, description="cost of taking on one new customer (activation and onboarding)"
    )

    @field_validator("currency")
    @classmethod
    def _plain_currency(cls, value: str) -> str:
        """A short code or symbol: it is printed in every amount of the report and the talk."""
        if not 1 <= len(value) <= 5 or not all(
            c.isalpha() or unicodedata.category(c) == "Sc" for c in value
        ):
            raise ValueError(
                "1 to 5 letters or currency signs are allowed, like EUR, USD, € or US$"
            )
        return value
