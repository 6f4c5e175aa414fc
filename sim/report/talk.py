"""`ccsim talk`: a deck in one offline HTML file, one message per slide, built from the
report's figures; arrow keys and a presenter's clicker (PageUp/PageDown) move between slides.
`--png DIR` also writes each figure as a PNG through kaleido and the system's Chromium."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.report import figures
from sim.report.figures import Chart
from sim.report.figures.chart import wrap
from sim.report.headline import finding, headline_parts
from sim.report.language import Language
from sim.report.page import chart_html, render
from sim.report.report import context, study_charts
from sim.report.results import Results, load_results
from sim.report.uncertainty import kept_line, sections

STAGE_FONT = 22
TALK_SPLITS = ("mechanisms", "sales")
"""The exact splits the talk shows, one slide each (the report shows every split)."""
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


@dataclass
class Slide:
    """A slide: a statement (large text), or a chart with its caption."""

    kind: str  # "title", "statement", "chart"
    heading: str = ""
    text: str = ""
    chart: Chart | None = None


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
    figure.update_traces(textfont_size=STAGE_FONT, selector={"type": "bar"})
    figure.update_traces(textfont_size=STAGE_FONT, selector={"type": "waterfall"})
    for frame in figure.frames or ():  # the race's frames carry their own text size
        for trace in frame.data:
            trace.textfont = {"size": STAGE_FONT}
    return chart


def slides(results: Results, lang: Language) -> list[Slide]:
    """The deck's slides for `results`: the claim, the method, the finding, then one figure
    per message, then the close."""
    page = context(results, lang)
    out = [Slide("statement", "", " ".join(page["notes"]))] if page["notes"] else []
    out.append(Slide("title", lang("talk_title"), lang("talk_subtitle") + " · " + results.name))
    out.append(Slide("statement", "", lang("talk_question")))
    if results.kind in ("compare", "run"):
        out += _comparison_slides(results, lang, page)
    if results.kind == "uncertainty":  # the headline outcome: a slide per pair
        out.append(Slide("statement", "", kept_line(results, lang)))
        for section in sections(results, lang, ("profit_after_churn",)):
            out += [Slide("chart", chart=for_stage(c)) for c in section.charts[:1]]
    for chart in study_charts(results, lang):
        out.append(Slide("chart", chart=for_stage(chart)))
    out.append(Slide("statement", "", lang("talk_end")))
    return out


def _comparison_slides(results: Results, lang: Language, page: dict[str, Any]) -> list[Slide]:
    runs, daily, variants = results.ok_runs, results.daily, results.variants
    names = lang.join([lang.policy(v) for v in variants])
    method = lang(
        "talk_method", policies=names, replications=results.replications, days=results.days
    )
    out = [Slide("statement", "", method)]
    found = finding(runs) if len(variants) > 1 and "profit_after_churn" in runs else None
    for sentence in headline_parts(runs, lang, variants[0] if variants else None):
        out.append(Slide("statement", "", sentence))
    charts: list[Chart] = []
    if not daily.empty and "profit_after_churn" in daily and daily["variant"].nunique() > 1:
        charts.append(figures.race(daily, lang))
    if found is not None:
        charts.append(figures.money_waterfall(runs, found.winner, found.other, lang))
    splits = set(results.decomposition.get("split", []))
    for split in TALK_SPLITS:
        if split in splits:
            charts.append(figures.decomposition_waterfall(results.decomposition, split, lang))
    if not daily.empty and "profit_after_churn" in daily:
        for name, measures in (
            ("weeks-profit", ["profit_after_churn"]),
            ("weeks-customers", ["csat", "failure_demand_share"]),
            ("weeks-staff", ["mean_skill", "mean_stress"]),
        ):
            chart = figures.weeks(daily, lang, measures)
            chart.name = name
            charts.append(chart)
    if len(variants) > 1 and {"csat", "revenue"} <= set(runs):
        charts.append(figures.revenue_vs_satisfaction(runs, lang))
    if not results.profile.empty:
        charts.append(figures.average_day(results.profile, lang))
    return out + [Slide("chart", chart=for_stage(c)) for c in charts]


def find_browser() -> str | None:
    """The system's Chrome or Chromium for kaleido: $BROWSER_PATH, else one on the PATH."""
    given = os.environ.get("BROWSER_PATH")
    if given and Path(given).is_file():
        return given
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def write_pngs(deck: list[Slide], folder: Path) -> tuple[list[Path], str | None]:
    """Each chart slide as `folder`/NN-name.png; (paths, None), or ([], one line saying how to
    get PNGs) when kaleido or a browser is missing."""
    try:
        import kaleido  # noqa: F401  (present: the `png` extra)
        import plotly.graph_objects as go
        import plotly.io as pio
    except ImportError:
        return (
            [],
            "no PNGs: kaleido is not installed; pip install 'ccsim[png]' (the HTML is written)",
        )
    browser = find_browser()
    if browser is None:
        return [], (
            "no PNGs: no Chrome or Chromium found; install one (Debian/Ubuntu: sudo apt-get "
            "install chromium) or set BROWSER_PATH (the HTML is written)"
        )
    os.environ["BROWSER_PATH"] = browser
    folder.mkdir(parents=True, exist_ok=True)
    charts = [(k, s.chart) for k, s in enumerate(deck, start=1) if s.chart is not None]
    paths = [folder / f"{k:02d}-{chart.name}.png" for k, chart in charts]
    stills = [go.Figure(chart.figure) for _, chart in charts]
    for still in stills:  # a still image has no play button or day slider
        still.layout.updatemenus, still.layout.sliders = (), ()
    pio.write_images(stills, paths, width=1600, height=900, scale=1)
    return paths, None


def write_talk(
    folder: str | Path,
    lang: str = "nl",
    out: str | Path | None = None,
    png: str | Path | None = None,
) -> tuple[Path, list[Path], str | None]:
    """Write the deck of results `folder` (default `folder`/talk-xx.html); with `png`, the
    figures as PNGs too. Returns the deck's path, the PNGs and a note when PNGs were not made."""
    results = load_results(folder)
    language = Language(lang, results.currency)
    deck = slides(results, language)
    page = context(results, language) | {
        "slides": [
            {
                "kind": s.kind,
                "heading": s.heading,
                "text": s.text,
                "html": chart_html(s.chart) if s.chart else "",
                "caption": s.chart.caption if s.chart else "",
                "name": s.chart.name if s.chart else "",
            }
            for s in deck
        ],
    }
    path = Path(out) if out else Path(folder) / f"talk-{lang}.html"
    render("talk.html.j2", path, **page)
    pngs, note = write_pngs(deck, Path(png)) if png else ([], None)
    return path, pngs, note
