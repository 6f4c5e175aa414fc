"""The dashboard's parts without a browser: the levers, the run service (identical to
`ccsim compare`, cached, cancellable), the day view and the scenario export."""

from __future__ import annotations

import threading
import time
import tomllib
from functools import cache

import pytest

import sim
from sim.dashboard.day_view import DayView, DayWatch
from sim.dashboard.export import to_toml
from sim.dashboard.saving import SaveLimit
from sim.dashboard.service import Cancelled, RunService, cache_key
from sim.dashboard.whatif import WhatIf, changed, stretch_adjustment
from sim.errors import InputError
from sim.report import Language
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
    service.ask(SMALL, SMALL, 1)  # the same tab (session) asks again
    thread.join(60)
    assert outcome == ["cancelled"]


def test_another_tabs_question_does_not_cancel_this_tabs(service) -> None:
    outcome: dict[str, str] = {}
    started = threading.Event()

    def ask(tab: str, days: int) -> None:
        def progress(done: int, total: int) -> None:
            started.set()

        try:
            mine = SMALL | {"calendar.days": days, "customers.population": 21_000}  # not cached
            service.ask(
                mine,
                mine | {"policy.name": "volume"},
                2,
                progress=progress,
                session=tab,
            )
            outcome[tab] = "finished"
        except Cancelled:
            outcome[tab] = "cancelled"

    first = threading.Thread(target=ask, args=("tab-a", 3))
    first.start()
    started.wait(60)
    ask("tab-b", 2)  # another tab's question, while tab a's runs
    first.join(120)
    assert outcome == {"tab-a": "finished", "tab-b": "finished"}


def test_runs_prepared_while_levers_move_answer_the_question(service) -> None:
    mine = SMALL | {"customers.population": 22_000}  # not cached by another test
    whatif = mine | {"policy.name": "quality"}
    service.prepare(mine, whatif, 2, session="tab-p")
    deadline = time.monotonic() + 120
    while service._inflight and time.monotonic() < deadline:  # the runs finish unasked
        time.sleep(0.05)
    answer = service.ask(mine, whatif, 2, session="tab-p")
    assert answer.cached == 4  # every run came from the preparation
    compared = sim.compare(answer.experiment.spec.model_dump(mode="json"), workers=1)
    assert sorted(answer.runs["profit_after_churn"]) == sorted(compared.runs["profit_after_churn"])


def test_a_new_preparation_lets_the_old_ones_runs_go(service) -> None:
    first = SMALL | {"customers.population": 23_000, "calendar.days": 3}
    service.prepare(first, first | {"policy.name": "volume"}, 8, session="tab-q")
    tasks = service.experiment(first, first | {"policy.name": "volume"}, 8).tasks
    keys = {cache_key(t) for t in tasks}
    service.prepare(SMALL, SMALL, 1, session="tab-q")  # the levers moved on at once
    deadline = time.monotonic() + 120
    while service._inflight and time.monotonic() < deadline:
        time.sleep(0.05)
    done = sum(key in service.cache for key in keys)
    # the runs the pool had started or queued for its workers finish; the rest never run
    assert done <= 2 * service.workers + 1 < len(keys) == 16
    held = {key for keys in service._prepared.values() for key in keys}
    assert set(service._holders) <= held  # only the tabs' latest preparations hold runs


def test_a_question_shares_a_run_in_flight_with_another(service) -> None:
    mine = SMALL | {"customers.population": 24_000}
    asked: dict[str, object] = {}

    def ask(tab: str) -> None:
        asked[tab] = service.ask(mine, mine | {"policy.name": "volume"}, 1, session=tab)

    threads = [threading.Thread(target=ask, args=(t,)) for t in ("tab-r", "tab-s")]
    submitted = []
    original = service.pool.submit
    service.pool.submit = lambda *a, **k: submitted.append(1) or original(*a, **k)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        service.pool.submit = original
    assert len(submitted) == 2  # two runs for two tabs asking the same question at once
    one, two = asked["tab-r"], asked["tab-s"]
    assert one.runs["profit_after_churn"].tolist() == two.runs["profit_after_churn"].tolist()


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


def test_each_tabs_watched_day_is_its_own() -> None:
    small = baseline(**{"customers.population": 20_000})
    mine, theirs = DayWatch(), DayWatch()
    for _ in range(3):
        mine.step("k", lambda: DayView(small))
    theirs.step("k", lambda: DayView(small))
    assert mine.view("k", lambda: DayView(small)).history[-1].clock == "08:15"
    assert theirs.view("k", lambda: DayView(small)).history[-1].clock == "08:05"


def test_play_and_step_at_once_step_in_turn() -> None:
    watch = DayWatch()
    small = baseline(**{"customers.population": 20_000})
    make = lambda: DayView(small, step_seconds=600)  # noqa: E731
    threads = [
        threading.Thread(target=lambda: [watch.step("k", make) for _ in range(15)])
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clocks = [floor.clock for floor in watch.view("k", make).history]
    assert clocks == sorted(set(clocks)) and len(clocks) == 1 + 4 * 15  # every step once
    assert clocks[-1] == "18:00"


def test_a_value_from_the_page_is_refused_with_its_lever_and_range() -> None:
    with pytest.raises(InputError) as bad:
        changed(WhatIf(), staffing_scale="abc")
    assert str(bad.value) == "staffing_scale = 'abc': allowed: a number from 0.5 to 1.5 × schedule"
    with pytest.raises(InputError, match=r"shift_from = '8:00': allowed: a time of day as HH:MM"):
        changed(WhatIf(), shift_from="8:00")
    with pytest.raises(InputError, match=r"^days = 99: allowed: a whole number from 1 to 20"):
        changed(WhatIf(), days=99)
    assert changed(WhatIf(), days=3).days == 3


def test_saves_are_spaced_per_tab_and_capped_per_run(tmp_path) -> None:
    now = [0.0]
    limit = SaveLimit(every_seconds=10, max_saves=3, max_bytes=10**9, clock=lambda: now[0])

    def write(name: str):
        def make():
            (tmp_path / name).mkdir()
            (tmp_path / name / "runs.csv").write_text("x" * 1000)
            return tmp_path / name

        return make

    limit.save("tab-a", write("one"))
    with pytest.raises(InputError, match="one save every 10 s per tab; try again in 10 s"):
        limit.save("tab-a", write("two"))
    limit.save("tab-b", write("three"))  # another tab is not held back
    now[0] = 10.0
    limit.save("tab-a", write("four"))
    now[0] = 100.0
    with pytest.raises(InputError, match="saved 3 results folders"):
        limit.save("tab-c", write("five"))
    assert limit.written == 3000 and not (tmp_path / "five").exists()
    small = SaveLimit(max_bytes=1500, clock=lambda: now[0])
    small.save("tab-a", write("six"))
    small.save("tab-b", write("seven"))
    with pytest.raises(InputError, match="written 0 MB of results"):
        small.save("tab-c", write("eight"))


@pytest.fixture
def page(tmp_path, monkeypatch):
    """The dashboard page's module, as the server runs it (Solara's kernels, one per browser
    tab), on a small baseline."""
    from sim.dashboard.offline import ENVIRONMENT, settle

    for key in (*ENVIRONMENT, "SOLARA_HOME", "IPYTHONDIR"):  # restored after the test
        monkeypatch.setenv(key, "")
    settle(tmp_path)
    import solara.server.starlette  # noqa: F401  (reactive values are then per kernel)

    import sim.dashboard.app as app

    scenario = tmp_path / "small.toml"
    scenario.write_text(to_toml(baseline(**{"customers.population": 20_000}).to_dict()))
    monkeypatch.setattr(app, "SCENARIO", scenario)
    app.base.cache_clear()
    yield app
    app.base.cache_clear()


def tab(name: str):
    """A browser tab's kernel context."""
    from solara.server import kernel, kernel_context

    return kernel_context.VirtualKernelContext(id=name, session_id=name, kernel=kernel.Kernel())


def test_a_slider_value_that_is_no_number_is_one_line_on_the_page(page) -> None:
    import ipyvuetify
    import solara

    with tab("slider"):
        _, rendered = solara.render(page.Lever("staffing_scale", "Staff", 1.0), handle_error=False)
        slider = rendered.find(ipyvuetify.Slider).widget
        slider.v_model = "abc"  # as a websocket message sets it
        assert page.problem.value == (
            "staffing_scale = 'abc': allowed: a number from 0.5 to 1.5 × schedule"
        )
        assert page.whatif.value.staffing_scale == 1.0
        slider.v_model = 1.2
        assert page.problem.value == "" and page.whatif.value.staffing_scale == 1.2
        page.update(shift_from="8:00")
        assert page.problem.value.startswith("shift_from = '8:00': allowed: a time of day")
        page.set_language("xx")
        assert page.problem.value == "language 'xx': allowed: en, nl"
        assert page.language.value == "en"


def test_two_tabs_watch_their_own_day(page) -> None:
    first, second = tab("first"), tab("second")
    with first:
        page.step_day()
        page.step_day()
    with second:
        page.step_day()
        assert page.day_view(page.whatif.value).history[-1].clock == "08:05"
    with first:
        assert page.day_view(page.whatif.value).history[-1].clock == "08:10"
        mine = page.tab()
    with second:
        assert page.tab() != mine  # its questions and saves are its own too


def test_a_save_that_fails_or_comes_too_soon_is_one_line_on_the_page(
    page, monkeypatch, tmp_path
) -> None:
    import errno
    from types import SimpleNamespace

    import ipyvuetify
    import solara

    task = SimpleNamespace(variant="what-if", scenario={"policy": {"name": "quality"}})
    answer = SimpleNamespace(experiment=SimpleNamespace(tasks=[task]))

    def full(result, folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "runs.parquet"))

    monkeypatch.setattr(page, "write_results", full)
    monkeypatch.setattr(page, "save_limit", lambda: SaveLimit(every_seconds=0))
    with tab("saver"):
        page.answer.set(answer)
        _, rendered = solara.render(page.Export(Language("en", "EUR")), handle_error=False)
        rendered.find(ipyvuetify.Btn, children=["Save results and report"]).widget.click()
        shown = rendered.find(ipyvuetify.Alert).widget.children[0]
        assert shown.startswith("Save failed: No space left on device (") and "\n" not in shown
        assert page.saved.value == ""

    def written(result, folder):
        (tmp_path / "saved").mkdir(exist_ok=True)
        return tmp_path / "saved"

    monkeypatch.setattr(page, "write_results", written)
    monkeypatch.setattr(page, "save_limit", cache(lambda: SaveLimit(every_seconds=60)))
    monkeypatch.setattr(page, "zipped", lambda folder: folder)
    with tab("saver-twice"):
        page.answer.set(answer)
        _, rendered = solara.render(page.Export(Language("en", "EUR")), handle_error=False)
        save = rendered.find(ipyvuetify.Btn, children=["Save results and report"]).widget
        save.click()
        assert page.saved.value == str(tmp_path / "saved")
        save.click()
        shown = rendered.find(ipyvuetify.Alert).widget.children[0]
        assert shown.startswith("Save refused: one save every 60 s per tab; try again in")
