"""The dashboard page (Solara): the levers, the what-if against the baseline with confidence
intervals, the report's figures for the pair, a day to watch, and exports.

Started by `ccsim dashboard` (`sim.dashboard.server`), which says which scenario is the
baseline and which folder the page may write in.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from functools import cache
from html import escape
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

import solara
import solara.lab

from sim.dashboard.charts import line_chart
from sim.dashboard.day_view import DayView, DayWatch
from sim.dashboard.export import scenario_toml, write_results, zipped
from sim.dashboard.saving import SaveLimit
from sim.dashboard.service import BASELINE, WHATIF, Answer, Cancelled, RunService, card_kpis
from sim.dashboard.verdict import needs_longer_horizon, question, verdict
from sim.dashboard.whatif import LIMITS, WhatIf, away_from, changed, today, with_policy
from sim.errors import InputError
from sim.metrics import kpi_info
from sim.report import Language, figures
from sim.report.figures.chart import NEUTRAL
from sim.scenario import Scenario, load_scenario
from sim.scenario.policy import policy_names

SCENARIO = Path(os.environ.get("CCSIM_DASHBOARD_SCENARIO", "experiments/scenarios/baseline.toml"))
FOLDER = Path(os.environ.get("CCSIM_DASHBOARD_FOLDER", "results"))
PRESETS = [p for p in policy_names() if p != "custom"]
LANGUAGES = ["en", "nl"]


@cache
def service() -> RunService:
    """One warm pool per server process, shared by every page; the default question's
    baseline starts running at once."""
    runs = RunService(SCENARIO)
    default = start()
    runs.prewarm(baseline_overrides(default), default.replications)
    return runs


@cache
def save_limit() -> SaveLimit:
    """How often and how much Save may write, for the whole server run."""
    return SaveLimit()


@cache
def base() -> Scenario:
    return load_scenario(SCENARIO)


def start() -> WhatIf:
    """The levers at the baseline's own values: where the page opens, and "back to today"."""
    return today(base())


language = solara.reactive("en")
whatif = solara.reactive(start())
answer: solara.Reactive[Answer | None] = solara.reactive(None)
asked = solara.reactive(cast(WhatIf | None, None))  # the levers the answer on screen ran
problem = solara.reactive("")
progress = solara.reactive((0, 0))
saved = solara.reactive("")
save_problem = solara.reactive("")
tab_key = solara.reactive("")  # each browser tab (kernel) has its own value of a reactive


def tab() -> str:
    """This browser tab's own key: its questions cancel only each other, its saves are
    spaced."""
    if not tab_key.peek():
        tab_key.set(uuid4().hex)
    return tab_key.peek()


def staffing_need(result: Answer, days: int) -> dict[str, dict[str, Any]]:
    """Per variant: the staff the plan (the weekly sizing) wanted per interval and the staff
    on the phones (means over the runs' measured days), their peaks, paid hours per measured
    day and the service level reached."""
    runs = result.runs[result.runs["status"] == "ok"]
    out: dict[str, dict[str, Any]] = {}
    for variant in (BASELINE, WHATIF):
        profile = result.profile[result.profile["variant"] == variant]
        day = profile.groupby("start", sort=True)["staffed"].mean()
        wanted = profile.groupby("start", sort=True)["wanted"].mean()
        mine = runs[runs["variant"] == variant]
        out[variant] = {
            "start": list(day.index),
            "staff": list(day.to_numpy()),
            "wanted": list(wanted.to_numpy()),
            "peak": float(day.max()) if len(day) else 0.0,
            "wanted_peak": float(wanted.max()) if len(wanted) else 0.0,
            "paid": float(mine["paid_hours"].mean()) / days,
            "service_level": float(mine["service_level"].mean()),
        }
    return out


def baseline_overrides(w: WhatIf) -> dict[str, Any]:
    """The scenario as it is, over the same days and replications as the what-if."""
    return {"calendar.days": w.days}


@solara.lab.task(prefer_threaded=True)
def run_question() -> None:
    """Run the what-if and the baseline; a newer question cancels this one."""
    w = whatif.value
    try:
        result = service().ask(
            baseline_overrides(w),
            w.overrides(base()),
            w.replications,
            progress=lambda done, total: progress.set((done, total)),
            session=tab(),
        )
    except Cancelled:
        return
    except InputError as exc:  # the same message `ccsim run --set` gives
        problem.set(str(exc))
        return
    problem.set("")
    saved.set("")
    asked.set(w)
    answer.set(result)


SETTLE_SECONDS = 0.2
"""Levers still for this long start the runs of the question on screen (a slider dragged or
a key held sends many values: their runs, once started, could not be stopped)."""
_timers: dict[str, threading.Timer] = {}
_timers_lock = threading.Lock()


def prepare(w: WhatIf) -> None:
    """Start the runs of the question now on screen once the levers settle, before Run is
    pressed (the tab's earlier preparation is let go); the answer itself comes from Run."""
    session = tab()

    def start() -> None:
        try:
            service().prepare(baseline_overrides(w), w.overrides(base()), w.replications, session)
        except InputError:  # the page says why when Run is pressed
            return

    timer = threading.Timer(SETTLE_SECONDS, start)
    timer.daemon = True
    with _timers_lock:
        previous = _timers.get(session)
        if previous is not None:
            previous.cancel()
        _timers[session] = timer
    timer.start()


def update(**changes: Any) -> None:
    """Change levers with values from the page; one the levers or the model refuse is shown
    (one line: the lever, the value, what is allowed), not applied."""
    ask_for(lambda: changed(whatif.value, **changes))


def choose_policy(name: Any) -> None:
    """Choose a policy: its own values go into its levers (the scenario's for its own policy,
    the preset's for another), so nothing of the policy before carries over."""
    ask_for(lambda: with_policy(whatif.value, name, base()))


def back_to_today() -> None:
    """Every lever back at the baseline's value (the days and replications stay)."""
    w = whatif.value
    ask_for(lambda: start().model_copy(update={"days": w.days, "replications": w.replications}))


def ask_for(make: Callable[[], WhatIf]) -> None:
    """The levers become the what-if `make` builds, checked as the model checks it (a refusal
    is shown, not applied), and its runs are prepared."""
    try:
        candidate = make()
        candidate.overrides(base())  # refuses what the model cannot take, with its message
    except InputError as exc:
        problem.set(str(exc))
        return
    problem.set("")
    whatif.set(candidate)
    prepare(candidate)


def set_language(code: Any) -> None:
    """The page's language, when it is one the page speaks."""
    if code in LANGUAGES:
        language.set(code)
    else:
        problem.set(f"language {code!r}: allowed: {', '.join(LANGUAGES)}")


@solara.component
def Lever(
    key: str,
    label: str,
    value: float,
    integer: bool = False,
    moved: bool = False,
    lang: Language | None = None,
) -> None:
    """A slider within the lever's allowed range; whatever value arrives from the browser
    goes to `update`, which refuses what the lever cannot take (Solara's own sliders would
    convert it first, and show a traceback for one that is not a number). A lever away from
    the baseline's value is marked (●, in colour)."""
    low, high, step, _ = LIMITS[key]
    number = int if integer else float
    shown = f"{100 * value:g} %" if key == "service_target" else f"{value:g}"
    if lang is not None:  # the page's decimal comma
        shown = shown.replace(".", lang.number(0.5, 1)[1])
    solara.v.Slider(
        label=f"{'● ' if moved else ''}{label}: {shown}",
        color="deep-orange" if moved else None,
        class_="lever moved" if moved else "lever",
        v_model=number(value),
        min=number(low),
        max=number(high),
        step=number(step),
        on_v_model=lambda v: update(**{key: v}),
        thumb_label=False,
    )


def html(text: str, **style: str) -> None:
    """Plain HTML (solara.Markdown would load KaTeX, which is not bundled for offline use)."""
    css = ";".join(f"{k.replace('_', '-')}:{v}" for k, v in style.items())
    solara.HTML(tag="div", unsafe_innerHTML=text, style=css)


@solara.component
def Levers(lang: Language) -> None:
    w = whatif.value
    moved = set(away_from(start(), w))
    names = {lang.policy(p): p for p in PRESETS}
    solara.Button(
        lang("ui_today"), on_click=back_to_today, disabled=not moved, classes=["today"], text=True
    )
    solara.Select(
        ("● " if "policy" in moved else "") + lang("ui_policy"),
        values=list(names),
        value=lang.policy(w.policy),
        on_value=lambda v: choose_policy(names.get(v, v)),
        classes=["policy", "moved"] if "policy" in moved else ["policy"],
    )
    for key, label in (
        ("aht_target_seconds", "ui_aht_target"),
        ("coaching_hours_per_week", "ui_coaching"),
        ("training_hours_per_week", "ui_training"),
        ("meeting_hours_per_week", "ui_meeting"),
    ):
        Lever(key, lang(label), getattr(w, key), moved=key in moved, lang=lang)
    Lever(
        "staffing_scale",
        lang("ui_staffing_scale"),
        w.staffing_scale,
        moved="staffing_scale" in moved,
        lang=lang,
    )
    solara.Text(lang("ui_shift"))
    with solara.Row():
        solara.InputText(
            lang("ui_shift_from"), value=w.shift_from, on_value=lambda v: update(shift_from=v)
        )
        solara.InputText(
            lang("ui_shift_to"), value=w.shift_to, on_value=lambda v: update(shift_to=v)
        )
    Lever(
        "shift_people", "±", w.shift_people, integer=True, moved="shift_people" in moved, lang=lang
    )
    Lever(
        "arrival_scale",
        lang("ui_arrival_scale"),
        w.arrival_scale,
        moved="arrival_scale" in moved,
        lang=lang,
    )
    if w.service_target is not None:
        Lever(
            "service_target",
            lang("ui_service_target", seconds=lang.number(base().kpi.service_level_seconds)),
            w.service_target,
            moved="service_target" in moved,
            lang=lang,
        )
    Lever("sale_value", lang("ui_sale_value"), w.sale_value, moved="sale_value" in moved, lang=lang)
    Lever(
        "hourly_cost",
        lang("ui_hourly_cost"),
        w.hourly_cost,
        moved="hourly_cost" in moved,
        lang=lang,
    )
    Lever(
        "word_of_mouth_strength",
        lang("ui_word_of_mouth"),
        w.word_of_mouth_strength,
        moved="word_of_mouth_strength" in moved,
        lang=lang,
    )
    Lever("days", lang("ui_days"), w.days, integer=True, lang=lang)
    Lever("replications", lang("ui_replications"), w.replications, integer=True, lang=lang)


@solara.component
def KpiCard(lang: Language, kpi: str, result: Answer, days: int) -> None:
    summary = result.summary.set_index(["variant", "kpi"])
    diff = result.differences.set_index("kpi").loc[kpi]
    mean = -diff["mean_diff"]  # differences are baseline - what-if
    low, high = -diff["ci_high"], -diff["ci_low"]
    clear = low == low and (low > 0 or high < 0)
    better = -mean if kpi_info(kpi).lower_is_better else mean
    word = (
        "unclear"
        if not clear
        else ("higher" if mean > 0 else "lower")
        if kpi in NEUTRAL
        else ("better" if better > 0 else "worse")
    )
    mark = {"better": "▲ ", "worse": "▼ "}.get(word, "")
    with solara.Card(lang.kpi(kpi), classes=["kpi-card"], style={"min-width": "230px"}):
        if needs_longer_horizon(result, kpi):  # the noise is larger than the figure
            html(
                f"<b class='longer'>{escape(lang('ui_longer'))}</b><br>"
                f"<small>{escape(lang('ui_longer_why', days=days))}</small>"
            )
            return
        html(
            f"<b>{escape(lang('ui_whatif'))}: "
            f"{escape(lang.value(kpi, summary.loc[(WHATIF, kpi), 'mean']))}</b><br>"
            f"{escape(lang('ui_baseline'))}: "
            f"{escape(lang.value(kpi, summary.loc[(BASELINE, kpi), 'mean']))}<br>"
            f"{mark}{escape(lang.difference(kpi, mean))} [{escape(lang.difference(kpi, low))}; "
            f"{escape(lang.difference(kpi, high))}] · {escape(lang(word))}"
        )


@solara.component
def Results(lang: Language) -> None:
    result = answer.value
    if result is None:
        solara.Info(lang("ui_none"))
        return
    n = len(result.runs)
    ran = asked.value or whatif.value
    stale = ran != whatif.value
    # always there (hidden when fresh, by a plain box: the alert's own style and a Column's
    # d-flex class would override display: none), so the answer below is not redrawn
    with solara.v.Html(tag="div", class_="stale-box", style_="" if stale else "display: none"):
        solara.Warning(lang("ui_stale"), classes=["stale"] if stale else ["fresh"])
    with solara.Column(
        classes=["answer", "stale-answer"] if stale else ["answer"],
        style={"opacity": "0.4", "filter": "grayscale(1)"} if stale else {},
    ):
        html(
            f"<div class='question'><b>{escape(lang('ui_question'))}:</b> "
            f"{escape(question(start(), ran, base(), lang))}</div>"
            f"<div class='verdict' style='font-size:1.15rem;font-weight:600;margin:4px 0'>"
            f"{escape(verdict(result, ran.days, lang))}</div>"
        )
        solara.Text(
            lang(
                "ui_answered", runs=n, seconds=lang.number(result.seconds, 1), cached=result.cached
            ),
            classes=["answered"],
        )
        with solara.Row(style={"flex-wrap": "wrap", "gap": "10px"}):
            for kpi in card_kpis(result.runs):
                KpiCard(lang, kpi, result, ran.days)
        Deferred(lang, result, ran)


@solara.component
def Deferred(lang: Language, result: Answer, ran: WhatIf) -> None:
    """What follows the cards (the staffing card and the report's figures), drawn just after
    them: the answer shows first, and a chart's first drawing in a browser (loading plotly)
    does not hold it back."""
    drawn, draw = solara.use_state(None)
    solara.use_effect(lambda: draw((result, ran)), [result, ran])
    if drawn is None:
        return
    Staffing(lang, *drawn)
    Figures(lang, drawn[0])


@solara.component
def Staffing(lang: Language, result: Answer, ran: WhatIf) -> None:
    """How many people do I need? The staff the weekly sizing put on the phones per interval
    in the what-if's own runs (its handle times and failure demand), beside the baseline's,
    and the paid hours per day: read from the runs, not a separate formula."""

    with solara.Card(lang("ui_need"), classes=["need"]):
        if ran.service_target is None:
            solara.Text(lang("ui_need_none"))
            return
        need = staffing_need(result, ran.days)
        html(
            escape(
                lang(
                    "ui_need_intro",
                    target=lang.percent(ran.service_target, 0),
                    seconds=lang.number(base().kpi.service_level_seconds),
                    policy=lang.policy(ran.policy),
                )
            )
            + "<br><b>"
            + escape(
                lang(
                    "ui_need_paid",
                    whatif=lang.number(need[WHATIF]["paid"], 0),
                    baseline=lang.number(need[BASELINE]["paid"], 0),
                    peak=lang.number(need[WHATIF]["peak"], 0),
                    base_peak=lang.number(need[BASELINE]["peak"], 0),
                    wanted=lang.number(need[WHATIF]["wanted_peak"], 0),
                    base_wanted=lang.number(need[BASELINE]["wanted_peak"], 0),
                    sl=lang.percent(need[WHATIF]["service_level"]),
                )
            )
            + "</b>"
        )
        chart = line_chart(
            [
                (lang(name), need[variant]["start"], need[variant][series], colour, dash)
                for variant, series, name, colour, dash in (
                    (BASELINE, "staff", "ui_need_chart_baseline", "#999999", "dot"),
                    (WHATIF, "wanted", "ui_need_chart_wanted", "#E69F00", "dash"),
                    (WHATIF, "staff", "ui_need_chart_whatif", "#0072B2", "solid"),
                )
            ],
            lang,
            height=260,
            steps=True,
        )
        solara.FigurePlotly(chart)


@solara.component
def Figures(lang: Language, result: Answer) -> None:
    """The report's figures for the pair (built once per answer and language)."""
    shown = solara.use_memo(lambda: _figures(result, lang), [result, lang])
    for k, figure in enumerate(shown):  # a new widget when a figure's traces change in number
        solara.FigurePlotly(figure).key(f"figure-{k}-{len(figure.data)}")


def _figures(result: Answer | None, lang: Language) -> list[Any]:
    """The report's figures for the pair: built once per answer and language."""
    if result is None:
        return []
    runs = result.runs[result.runs["status"] == "ok"]
    shown = [figures.money_waterfall(runs, WHATIF, BASELINE, lang).figure]
    if not result.daily.empty:
        shown.append(figures.weeks(result.daily, lang, ["profit_after_churn", "csat"]).figure)
        if figures.shows_word_of_mouth(result.daily):
            shown.append(figures.customers(result.daily, lang).figure)
    return shown


day = solara.reactive(0)  # bumped at each step, to redraw the floor
playing = solara.reactive(False)
watching = solara.reactive(cast(DayWatch | None, None))  # this tab's day


def watch() -> DayWatch:
    """This tab's watched day (made on first use: a reactive's default would be shared)."""
    if watching.peek() is None:
        watching.set(DayWatch())
    return cast(DayWatch, watching.peek())


def _day_of(w: WhatIf) -> tuple[str, Any]:
    """The key of a what-if's day and how to make it."""
    overrides = w.overrides(base())
    return repr(sorted(overrides.items())), lambda: DayView(load_scenario(SCENARIO, overrides))


def day_view(w: WhatIf, restart: bool = False) -> DayView:
    """The day of the current what-if in this tab (one per lever setting, kept while it is
    watched)."""
    return watch().view(*_day_of(w), restart=restart)


def step_day() -> None:
    """One step of this tab's day (the play loop and the Step button both step, in turn)."""
    watch().step(*_day_of(whatif.value))
    day.set(day.value + 1)


@solara.lab.task(prefer_threaded=True)
def play() -> None:
    while playing.value and not day_view(whatif.value).done:
        step_day()
        time.sleep(0.25)
    playing.set(False)


@solara.component
def Day(lang: Language) -> None:

    _ = day.value
    view = day_view(whatif.value)
    floor = view.history[-1]

    def toggle() -> None:
        playing.set(not playing.value)
        if playing.value:
            play()

    def restart() -> None:
        day_view(whatif.value, restart=True)
        day.set(day.value + 1)

    html(
        "<i class='day-note'>"
        + escape(lang("ui_day_after_warmup", day=view.warmup + 1, warmup=view.warmup))
        + "</i>"
    )
    with solara.Row():
        solara.Button(
            lang("ui_pause") if playing.value else lang("ui_play"),
            on_click=toggle,
            classes=["play"],
        )
        solara.Button(lang("ui_step"), on_click=step_day, disabled=playing.value, classes=["step"])
        solara.Button(lang("ui_restart"), on_click=restart, disabled=playing.value)
    html(
        f"<b class='clock'>{floor.clock}</b> · {escape(lang('ui_queue'))}: <b>{floor.queue}</b>"
        f" · {escape(lang('ui_talking'))}: {floor.talking} · {escape(lang('ui_outbound'))}: "
        f"{floor.outbound} · {escape(lang('ui_idle'))}: {floor.idle} · "
        f"{escape(lang('ui_away'))}: {floor.away} · {escape(lang('ui_sl_so_far'))}: "
        f"<b>{escape(lang.percent(floor.service_level))}</b>",
        font_size="1.1rem",
    )
    clock = [f.clock for f in view.history]
    chart = line_chart(  # no policy colours: this is one policy's floor
        [
            (lang("ui_queue"), clock, [f.queue for f in view.history], "#000000", "solid"),
            (lang("ui_talking"), clock, [f.talking for f in view.history], "#56B4E9", "solid"),
            (lang("ui_idle"), clock, [f.idle for f in view.history], "#E69F00", "dash"),
            (lang("ui_away"), clock, [f.away for f in view.history], "#999999", "dot"),
        ],
        lang,
        height=340,
    )
    solara.FigurePlotly(chart)


@solara.component
def Export(lang: Language) -> None:
    result = answer.value
    if result is None:
        solara.Info(lang("ui_none"))
        return
    solara.FileDownload(
        scenario_toml(result), filename="what-if.toml", label=lang("ui_download_scenario")
    )

    def save() -> None:
        try:
            out = save_limit().save(tab(), lambda: write_results(result, FOLDER))
        except InputError as exc:  # refused by the limits
            save_problem.set(str(exc))
            return
        except OSError as exc:  # the disk, not the page: one line
            save_problem.set(f"Save failed: {exc.strerror or exc} ({exc.filename or FOLDER})")
            return
        save_problem.set("")
        saved.set(str(out))

    solara.Button(lang("ui_save"), on_click=save, classes=["save"])
    if save_problem.value:
        solara.Error(save_problem.value, classes=["save-problem"])
    if saved.value:
        folder = Path(saved.value)
        solara.Text(lang("ui_saved", folder=str(folder)), classes=["saved"])
        solara.FileDownload(
            lambda: (folder / "report.html").read_bytes(),
            filename="report.html",
            label=lang("ui_download_report"),
        )
        solara.FileDownload(
            lambda: zipped(folder).read_bytes(),
            filename=f"{folder.name}.zip",
            label=lang("ui_download_zip"),
        )


@solara.component
def RunStatus(lang: Language) -> None:
    """Progress of the question in flight: the only part of the page redrawn as runs finish
    (the cards and figures wait for the answer, leaving the cores to the runs); before it
    runs, a question that takes a while says how long, estimated."""
    w = whatif.value
    runs, seconds = solara.use_memo(lambda: _estimate(w), [w])
    if run_question.pending:
        done, total = progress.value
        solara.ProgressLinear(True)
        solara.Text(lang("ui_running", done=done, total=total))
        return
    if seconds >= LONG_SECONDS:
        solara.Text(
            lang("ui_estimate", runs=runs, time=duration(seconds, lang)), classes=["estimate"]
        )


LONG_SECONDS = 5.0
"""A question estimated to take this long or longer says so before it runs."""


def _estimate(w: WhatIf) -> tuple[int, float]:
    try:
        return service().estimate(baseline_overrides(w), w.overrides(base()), w.replications)
    except InputError:
        return 0, 0.0


def duration(seconds: float, lang: Language) -> str:
    """'40 s', '3 min': a rough figure in the page's language."""
    if seconds < 90:
        return f"{lang.number(max(1, round(seconds)))} s"
    return f"{lang.number(round(seconds / 60))} min"


@cache
def _language(code: str, currency: str) -> Language:
    """One Language per code, so components given it see the same object between redraws."""
    return Language(code, currency)


@solara.component
def Page() -> None:
    lang = _language(language.value, base().money.currency)
    solara.Title(lang("ui_title"))
    with solara.Sidebar():
        solara.ToggleButtonsSingle(value=language.value, values=LANGUAGES, on_value=set_language)
        Levers(lang)
        solara.Button(lang("ui_run"), on_click=run_question, color="primary", classes=["run"])
        RunStatus(lang)
        if problem.value:
            solara.Error(problem.value, classes=["problem"])
    html(f"<h2>{escape(lang('ui_title'))}</h2>")
    policy = base().policy.name
    html(escape(lang("ui_baseline_is", policy=lang.policy(policy), file=SCENARIO.name)))
    with solara.lab.Tabs():
        with solara.lab.Tab(lang("ui_results")):
            Results(lang)
        with solara.lab.Tab(lang("ui_watch")):
            Day(lang)
        with solara.lab.Tab(lang("ui_export")):
            Export(lang)
