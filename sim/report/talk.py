"""`ccsim talk`: a deck in one offline HTML file, one message per slide, built from the
report's figures; arrow keys and a presenter's clicker (PageUp/PageDown) move between slides,
N shows the speaker's notes. `--png DIR` and `--pdf FILE` print it in Chromium (`stills`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import InputError
from sim.experiments.statistics import paired_by_seed
from sim.report import figures, stills
from sim.report.figures import Chart
from sim.report.figures.chart import wrap
from sim.report.headline import headline_parts
from sim.report.language import Language
from sim.report.page import chart_html, render
from sim.report.report import context, study_charts
from sim.report.results import Results, load_results
from sim.report.uncertainty import kept_line, sections

STAGE_FONT = 22
TALK_SPLITS = ("mechanisms", "sales")
"""The exact splits the talk shows, one slide each (the report shows every split)."""
WORD_OF_MOUTH_DAYS = 60
"""Reputation and the new customers it brings get a slide only in a run of more measured days
than this: word of mouth works over months, and a few weeks show next to nothing of it."""


@dataclass
class Slide:
    """A slide: a statement (large text), a headline with its small print, a list, or a chart
    with its caption."""

    kind: str  # "title", "statement", "headline", "list", "chart"
    heading: str = ""
    text: str = ""
    chart: Chart | None = None
    lines: list[str] = field(default_factory=list)  # a list slide's items, a headline's small print
    notes: str = ""  # the speaker's notes (the key N shows them)
    comparator: str = ""  # what every difference on the slide is against


def for_stage(chart: Chart) -> Chart:
    """The chart with large type, sized by its slide rather than fixed, and the legend at the
    right (a wrapped title or legend cannot collide on a 4:3 projector)."""
    figure = chart.figure
    lines = wrap(chart.title, 58).count("<br>") + 1
    figure.update_layout(
        font={"size": STAGE_FONT},
        title={
            "text": wrap(chart.title, 58),
            "font": {"size": STAGE_FONT + 8},
            "yref": "container",
            "y": 0.985,
            "yanchor": "top",
            "pad": {"t": 30},
        },
        legend={
            "orientation": "v",
            "yref": "paper",
            "y": 1.0,
            "yanchor": "top",
            "x": 1.02,
            "xanchor": "left",
        },
        margin={"t": 70 + 42 * lines, "r": 40},
        uniformtext={"minsize": STAGE_FONT - 4, "mode": "show"},
        height=None,
        autosize=True,
    )
    figure.update_annotations(font_size=STAGE_FONT)  # subplot titles
    for note in figure.layout.annotations:
        note.text = wrap(note.text, 60)
    if figure.frames:  # the deck plays an animation when its slide shows: no buttons needed
        figure.layout.updatemenus, figure.layout.sliders = (), ()
        figure.update_layout(margin={"b": 90})
    for axis in ("xaxis", "yaxis"):  # long axis titles wrap rather than run off the slide
        for name in figure.layout:
            if name.startswith(axis) and figure.layout[name].title.text:
                figure.layout[name].title.text = wrap(figure.layout[name].title.text, 48)
    for name in figure.layout:  # large tick labels need room (a chart's own choice stays)
        if name.startswith("xaxis") and figure.layout[name].nticks is None:
            figure.layout[name].nticks = 5
    figure.update_traces(textfont_size=STAGE_FONT, selector={"type": "bar"})
    figure.update_traces(textfont_size=STAGE_FONT, selector={"type": "waterfall"})
    for frame in figure.frames or ():  # the race's frames carry their own text size
        for trace in frame.data:
            trace.textfont = {"size": STAGE_FONT}
    return chart


def slides(results: Results, lang: Language) -> list[Slide]:
    """The deck's slides for `results`, one story: the claim, what each policy does, the
    headline against today's policy, what drives it, the race, the plausible worlds, the
    assumptions that matter and the close. Every comparison is against the experiment's first
    variant (today's policy), named on each slide."""
    page = context(results, lang)
    out = [Slide("statement", "", " ".join(page["notes"]))] if page["notes"] else []
    subtitle = lang("talk_subtitle") + " · " + display_name(results, lang)
    out.append(Slide("title", lang("talk_title"), subtitle, notes=lang("talk_notes_title")))
    claim = Slide("statement", "", lang("talk_question"), notes=lang("talk_notes_claim"))
    out.append(claim)
    reference = results.variants[0] if results.variants else None
    if results.kind in ("compare", "run") and reference is not None:
        out += _comparison_slides(results, lang, reference)
    worlds = results if results.kind == "uncertainty" else sibling_worlds(results.folder)
    if worlds is not None:
        out += _world_slides(worlds, lang, reference)
    for chart in study_charts(results, lang):
        out.append(Slide("chart", chart=for_stage(chart)))
    if results.kind in ("compare", "run"):
        out.append(_assumptions(results, lang))
    out.append(Slide("statement", "", lang("talk_end"), notes=lang("talk_notes_end")))
    if reference is not None and len(results.variants) > 1:
        said = lang("talk_comparator", reference=lang.policy(reference))
        for slide in out[out.index(claim) + 1 :]:  # after the claim, each names its comparator
            slide.comparator = said
    return out


def display_name(results: Results, lang: Language) -> str:
    """The experiment's name as people say it: its translation when the language has one,
    else the name with its dashes as spaces."""
    known = lang.table.get("experiment", {})
    return known.get(results.name) or results.name.replace("-", " ").replace("_", " ")


def policy_of(results: Results, variant: str) -> str:
    """The policy a variant runs (its scenario's policy.name; the variant's name if unknown)."""
    spec = (results.manifest.get("variants") or {}).get(variant) or {}
    return str((spec.get("scenario") or {}).get("policy", {}).get("name") or variant)


def _comparison_slides(results: Results, lang: Language, reference: str) -> list[Slide]:
    runs, daily, variants = results.ok_runs, results.daily, results.variants
    does = lang.table.get("does", {})
    today = " " + lang("talk_today") if len(variants) > 1 else ""
    lines = []
    for k, v in enumerate(variants):
        name = lang.policy(v) + (today if k == 0 else "")
        policy = policy_of(results, v)
        lines.append(f"{name}: {does[policy]}" if policy in does else name)
    method = lang("talk_method", replications=results.replications, days=results.days)
    notes = lang("talk_notes_policies")
    out = [Slide("list", lang("talk_policies"), method, lines=lines, notes=notes)]
    others = [v for v in variants if v != reference]
    if not others or "profit_after_churn" not in runs:  # no money: the split explains a pair
        out += [Slide("statement", "", s) for s in headline_parts(runs, lang, reference)]
        best = next((v for v in others if _splits(results, v, reference)), None)
    else:
        pairs = {v: paired_by_seed(runs, "profit_after_churn", v, reference) for v in others}
        best = max(others, key=lambda v: pairs[v]["mean"])
        out.append(_headline(results, lang, reference, best, pairs))
    for chart in _drives(results, lang, reference, best) if best else []:
        out.append(Slide("chart", chart=for_stage(chart), notes=lang("talk_notes_drives")))
    if not daily.empty and "profit_after_churn" in daily and daily["variant"].nunique() > 1:
        chart = figures.race(daily, lang)
        chart.caption = lang("talk_race_caption", reference=lang.policy(reference))
        out.append(Slide("chart", chart=for_stage(chart), notes=lang("talk_notes_race")))
    if figures.shows_word_of_mouth(daily) and daily["day"].nunique() > WORD_OF_MOUTH_DAYS:
        chart = figures.customers(daily, lang)
        chart.caption = lang("talk_customers_caption", days=daily["day"].nunique())
        out.append(Slide("chart", chart=for_stage(chart), notes=lang("talk_notes_customers")))
    return out


def _headline(
    results: Results, lang: Language, reference: str, best: str, pairs: dict[str, dict]
) -> Slide:
    """The finding in one sentence against `reference`, its CI and service levels small."""
    runs = results.ok_runs
    d = pairs[best]
    clear = d["ci_low"] > 0 or d["ci_high"] < 0
    key = (
        "talk_headline_unclear"
        if not clear
        else "talk_headline"
        if d["mean"] > 0
        else ("talk_headline_less")
    )
    sentence = lang(
        key,
        policy=lang.policy(best),
        reference=lang.policy(reference),
        delta=lang.money(
            d["mean"] if key == "talk_headline_unclear" else abs(d["mean"]),
            signed=key == "talk_headline_unclear",
        ),
        days=results.days,
    )
    sl = runs.groupby("variant")["service_level"].mean() if "service_level" in runs else None
    small = [
        lang(
            "talk_headline_ci",
            low=lang.money(d["ci_low"], signed=True),
            high=lang.money(d["ci_high"], signed=True),
            replications=results.replications,
        )
    ]
    if sl is not None:
        small.append(
            lang(
                "talk_headline_sl",
                policy=lang.policy(best),
                reference=lang.policy(reference),
                sl=lang.percent(float(sl[best])),
                sl_reference=lang.percent(float(sl[reference])),
            )
        )
    for other in (v for v in pairs if v != best):
        o = pairs[other]
        small.append(
            lang(
                "talk_headline_other",
                policy=lang.policy(other),
                delta=lang.money(o["mean"], signed=True),
                low=lang.money(o["ci_low"], signed=True),
                high=lang.money(o["ci_high"], signed=True),
            )
        )
    return Slide("headline", "", sentence, lines=small, notes=lang("talk_notes_headline"))


def _splits(results: Results, a: str, b: str) -> list[str]:
    """The exact splits the talk shows that the folder has for `a` − `b`."""
    table, found = results.decomposition, []
    for split in TALK_SPLITS if not table.empty else ():
        rows = table[table["split"] == split]
        if not rows.empty and (rows["a"].iloc[0], rows["b"].iloc[0]) == (a, b):
            found.append(split)
    return found


def _drives(results: Results, lang: Language, reference: str, best: str) -> list[Chart]:
    """What drives `best` − `reference`: the exact splits (by mechanism, by step of the sales
    funnel) when the folder has them for this pair, else the ledger's lines."""
    splits = _splits(results, best, reference)
    if splits:
        table = results.decomposition
        return [figures.decomposition_waterfall(table, s, lang, horizontal=True) for s in splits]
    if {"sales_revenue", "labour_cost"} <= set(results.ok_runs):
        return [figures.money_waterfall(results.ok_runs, best, reference, lang, horizontal=True)]
    return []


def sibling_worlds(folder: Path) -> Results | None:
    """The uncertainty results beside `folder` (a sibling folder `ccsim uncertainty` wrote and
    the loader accepts), or None."""
    parent = folder.resolve().parent
    for sibling in sorted(parent.iterdir()) if parent.is_dir() else []:
        if sibling == folder.resolve() or not (sibling / "uncertainty.json").is_file():
            continue
        try:
            found = load_results(sibling)
        except InputError:
            continue
        if found.kind == "uncertainty" and found.uncertainty.get("pairs"):
            return found
    return None


def _world_slides(worlds: Results, lang: Language, reference: str | None) -> list[Slide]:
    """The headline outcome across plausible worlds: which worlds were kept, then a slide per
    pair with `reference` in it (one comparator: a pair without it is left to the report)."""
    summary = worlds.uncertainty.get("worlds") or {}
    said = (
        lang(
            "talk_worlds",
            kept=summary["kept"],
            drawn=summary["drawn"],
            reference=lang.policy(reference or worlds.uncertainty.get("reference", "")),
        )
        if {"kept", "drawn"} <= set(summary)
        else kept_line(worlds, lang)
    )
    notes = lang("talk_notes_worlds") + " " + kept_line(worlds, lang)
    out = [Slide("statement", "", said, notes=notes)]
    for section in sections(worlds, lang, ("profit_after_churn",)):
        pair = f"-{section.name}-"
        if reference is not None and f"-{reference}-" not in pair:
            continue
        for chart in section.charts[:1]:
            out.append(Slide("chart", chart=for_stage(chart), notes=" ".join(section.lines)))
    return out


def _assumptions(results: Results, lang: Language) -> Slide:
    """The assumptions the finding rests on, one slide."""
    calendar = results.scenario.get("calendar", {})
    lines = [lang(f"talk_assumption_{k}") for k in range(1, 4)]
    target = results.scenario.get("staffing", {}).get("target_service_level")
    if isinstance(target, int | float):  # staffed by weekly sizing: equal service, not staff
        seconds = lang.number(results.scenario.get("kpi", {}).get("service_level_seconds", 20))
        lines.append(lang("talk_assumption_sized", target=lang.percent(target, 0), seconds=seconds))
    else:
        lines.append(lang("talk_assumption_4"))
    lines.append(
        lang("talk_assumption_horizon", days=results.days, warmup=calendar.get("warmup_days", 0))
    )
    notes = lang("talk_notes_assumptions")
    return Slide("list", lang("talk_assumptions"), "", lines=lines, notes=notes)


def write_talk(
    folder: str | Path,
    lang: str = "nl",
    out: str | Path | None = None,
    png: str | Path | None = None,
    pdf: str | Path | None = None,
) -> tuple[Path, list[Path], Path | None]:
    """Write the deck of results `folder` (default `folder`/talk-xx.html); with `png`, every
    slide as a PNG in that folder; with `pdf`, the whole deck as one PDF. Returns the deck's
    path, the PNGs and the PDF. A missing Playwright or Chromium is refused before anything is
    written (`UsageError`)."""
    browser = stills.check_browser("--pdf" if pdf else "--png") if png or pdf else ""
    results = load_results(folder)
    language = Language(lang, results.currency)
    deck = slides(results, language)
    page = context(results, language) | {
        "slides": [
            {
                "kind": s.kind,
                "heading": s.heading,
                "text": s.text,
                "lines": s.lines,
                "notes": s.notes,
                "comparator": s.comparator,
                "html": chart_html(s.chart) if s.chart else "",
                "caption": s.chart.caption if s.chart else "",
                "name": s.chart.name if s.chart else "",
            }
            for s in deck
        ],
    }
    path = Path(out) if out else Path(folder) / f"talk-{lang}.html"
    render("talk.html.j2", path, **page)
    names = [s.chart.name if s.chart else s.kind for s in deck]
    pngs = stills.write_pngs(path, Path(png), names, browser) if png else []
    written = stills.write_pdf(path, Path(pdf), browser) if pdf else None
    return path, pngs, written
