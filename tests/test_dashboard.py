"""The dashboard's parts without a browser: the levers, the run service (identical to
`ccsim compare`, cached, cancellable), the day view and the scenario export."""

from __future__ import annotations

import threading
import tomllib

import pytest

import sim
from sim.dashboard.day_view import DayView
from sim.dashboard.export import to_toml
from sim.dashboard.service import Cancelled, RunService
from sim.dashboard.whatif import WhatIf, stretch_adjustment
from sim.errors import InputError
from sim.scenario import validate
from tests.helpers import SCENARIOS, baseline

SMALL = {  # a 1-day warm-up, so on the fixed schedule (weekly sizing needs two weeks)
    "calendar.days": 2,
    "calendar.warmup_days": 1,
    "customers.population": 20_000,
    "staffing.target_service_level": "none",
}


@pytest.fixture(scope="module")
def service():
    runs = RunService(SCENARIOS / "baseline.toml")
    yield runs
    runs.close()


def test_a_policy_that_imports_code_is_refused() -> None:
    with pytest.raises(InputError, match="would import code"):
        WhatIf(policy="os:system").overrides(baseline())


def test_levers_outside_their_range_are_refused() -> None:
    with pytest.raises(ValueError, match="staffing_scale"):
        WhatIf(staffing_scale=3.0)
    with pytest.raises(ValueError, match="replications"):
        WhatIf(replications=0)


def test_a_staff_change_touches_only_its_stretch() -> None:
    base = baseline()
    change = stretch_adjustment(base, WhatIf(shift_from="08:00", shift_to="09:00", shift_people=-5))
    assert change[:4] == [-5] * 4 and change[4:] == [0] * (len(change) - 4)
    with pytest.raises(InputError, match="opening hours"):
        stretch_adjustment(base, WhatIf(shift_from="21:00", shift_to="22:00", shift_people=1))


def test_the_service_gives_what_compare_gives_and_caches_the_baseline(service) -> None:
    whatif = SMALL | {"policy.name": "quality"}
    answer = service.ask(SMALL, whatif, 2)
    assert answer.cached == 0 and len(answer.runs) == 4
    compared = sim.compare(answer.experiment.spec.model_dump(mode="json"), workers=1)
    mine = answer.runs.set_index("run_id").sort_index()
    theirs = compared.runs.set_index("run_id").sort_index()
    assert list(mine.index) == list(theirs.index)
    assert (mine["profit_after_churn"] == theirs["profit_after_churn"]).all()  # run for run
    again = service.ask(SMALL, SMALL | {"policy.name": "volume"}, 2)
    assert again.cached == 2  # the baseline's two runs


def test_a_new_question_cancels_the_one_in_flight(service) -> None:
    outcome: list[str] = []

    def first() -> None:
        try:
            service.ask(
                SMALL | {"calendar.days": 3},
                SMALL | {"calendar.days": 3, "policy.name": "volume"},
                3,
            )
            outcome.append("finished")
        except Cancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=first)
    thread.start()
    service.ask(SMALL, SMALL, 1)
    thread.join(60)
    assert outcome == ["cancelled"]


def test_the_day_view_steps_through_one_day() -> None:
    view = DayView(baseline(**{"customers.population": 20_000}), step_seconds=1800)
    assert view.history[0].clock == "08:00"
    floors = []
    for _ in range(30):
        floor = view.step()
        on_phone = view.model.staffing.on_phone
        if not view.done:  # everyone on the phones is talking, calling out or idle
            assert floor.talking + floor.outbound + floor.idle == on_phone > 0
        floors.append(floor)
    assert view.done and floors[-1].clock == "20:00" and floors[3].clock == "10:00"
    assert floors[3].offered > 0 and 0 <= floors[3].service_level <= 1


def test_the_exported_scenario_reads_back_as_the_same_scenario() -> None:
    data = baseline(**{"policy.name": "quality"}).to_dict()
    assert validate(tomllib.loads(to_toml(data))).to_dict() == data
