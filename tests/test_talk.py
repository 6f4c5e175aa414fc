"""`ccsim talk` tells one story against one comparator: the claim, what each policy does, the
headline against today's policy with its CI, what drives it, the race, the assumptions and the
close; with speaker notes, a PDF and a PNG of every slide (printed by Debian's Chromium), and
no text that overlaps another or leaves its slide at 16:9 or at 4:3."""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

import sim
from sim.cli import main
from sim.report import figures, write_talk
from sim.report.language import Language
from sim.report.results import load_results
from sim.report.talk import slides
from tests.helpers import ROOT, decomposition
from tests.test_report_browser import ARGS, CHROMIUM

EXPERIMENT = {
    "name": "policy-comparison",
    "scenario": str(ROOT / "experiments" / "scenarios" / "baseline.toml"),
    "replications": 2,
    "seed": 1,
    "base": {
        "calendar.days": 3,
        "calendar.warmup_days": 1,
        "customers.population": 20_000,
        "staffing.target_service_level": "none",
    },
    "variants": {p: {"policy.name": p} for p in ("aht", "volume", "quality")},
}
SIZES = {"16:9": (1280, 720), "4:3": (1024, 768)}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("talk") / "results"
    sim.compare(EXPERIMENT, out=out, workers=1)
    decomposition().to_csv(out / "decomposition.csv", index=False)  # quality − aht
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_every_slide_after_the_claim_compares_with_todays_policy(results: Path) -> None:
    loaded = load_results(results)
    for code in ("en", "nl"):
        lang = Language(code)
        deck = slides(loaded, lang)
        today = lang.policy(loaded.variants[0])  # the experiment's first variant
        kinds = [s.kind for s in deck]
        assert kinds[:4] == ["title", "statement", "list", "headline"]
        assert kinds[-2:] == ["list", "statement"]  # the assumptions, then the close
        charts = {s.chart.name: s.chart for s in deck if s.chart is not None}
        *drives, race = charts  # what drives the headline (the exact splits when the folder
        assert race == "race" and drives  # has them for its pair, else the ledger's lines)
        assert drives == ["money"] or set(drives) <= {
            "decomposition-mechanisms",
            "decomposition-sales",
        }
        assert today in deck[3].text  # the headline names today's policy
        for slide in deck[2:]:
            assert today in slide.comparator
        for chart in charts.values():  # each figure is against today's policy, not another
            title = chart.figure.layout.title.text.replace("<br>", " ")
            assert today in title or today in chart.caption
        assert all(s.notes for s in deck)  # every slide carries speaker notes


def test_the_headline_puts_its_ci_in_small_print(results: Path) -> None:
    headline = next(
        s for s in slides(load_results(results), Language("en")) if s.kind == "headline"
    )
    assert "CI" not in headline.text and "CI" in headline.lines[0]


def test_measured_days_count_from_one_to_the_last(results: Path) -> None:
    loaded = load_results(results)
    lang = Language("en")
    race = figures.race(loaded.daily, lang)
    labels = [f.layout.annotations[0].text for f in race.figure.frames]
    assert labels[0] == "Measured day 1" and labels[-1] == f"Measured day {loaded.days}"
    weeks = figures.weeks(loaded.daily, lang, ["csat"])
    assert min(weeks.figure.data[0].x) == 1 and max(weeks.figure.data[0].x) == loaded.days


def test_no_title_reports_a_share_of_days_as_a_finding(results: Path) -> None:
    loaded = load_results(results)
    for code in ("en", "nl"):
        for measures in (["csat"], ["mean_skill"], ["failure_demand_share"]):
            title = figures.weeks(loaded.daily, Language(code), measures).figure.layout.title.text
            assert "%" not in title, title


def test_the_dutch_deck_has_no_english_and_one_percent_style(results: Path, tmp_path: Path) -> None:
    path, _, _ = write_talk(results, "nl", tmp_path / "talk.html")
    text = re.sub(r"<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
    words = re.sub(r"<[^>]+>", " ", text)
    for english in ("policy-comparison", " runs", "snorhaar", "Snorhaar", " tegen ", "Play"):
        assert english not in words, english
    assert "95%-BI" in words and "95\u00a0%" not in words and "95 %" not in words


def test_pdf_and_png_are_refused_in_one_line_without_a_browser(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sim.report.stills.find_browser", lambda: None)
    for option, value in (("--pdf", tmp_path / "deck.pdf"), ("--png", tmp_path / "pngs")):
        stderr = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            code = main(
                ["talk", str(results), "--out", str(tmp_path / "t.html"), option, str(value)]
            )
        message = stderr.getvalue().strip()
        assert code == 2 and "\n" not in message and option in message and "Chromium" in message
        assert not value.exists()


def test_a_pdf_path_that_cannot_be_written_is_refused(results: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    targets = [tmp_path / "deck.txt", tmp_path / "a-file" / "deck.pdf", tmp_path]
    (tmp_path / "a-file").write_text("")
    if os.geteuid() != 0:  # root writes anywhere: a locked folder refuses only others
        targets.append(locked / "deck.pdf")
    try:
        for target in targets:
            stderr = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
                code = main(["talk", str(results), "--pdf", str(target)])
            message = stderr.getvalue().strip()
            assert code == 2 and "\n" not in message and "--pdf" in message
    finally:
        locked.chmod(0o700)


def test_the_pdf_has_a_page_and_the_pngs_an_image_for_every_slide(
    results: Path, tmp_path: Path
) -> None:
    _, pngs, pdf = write_talk(
        results, "en", tmp_path / "talk.html", png=tmp_path / "pngs", pdf=tmp_path / "deck.pdf"
    )
    count = len(slides(load_results(results), Language("en")))
    assert len(pngs) == count and all(p.stat().st_size > 10_000 for p in pngs)
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == count


TEXT_BOXES = """(slide) => {
  const boxes = [];
  const visible = (e) => { const s = getComputedStyle(e);
    return s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'; };
  for (const e of slide.querySelectorAll('h1, h2, .sub, .statement, .headline, .small, li,'
      + ' .method, .caption, .comparator, .chip')) {
    if (visible(e) && e.textContent.trim()) boxes.push([e.className || e.tagName, e]);
  }
  for (const e of slide.querySelectorAll('svg text')) {
    if (visible(e) && e.textContent.trim()) boxes.push(['svg:' + e.textContent.trim(), e]);
  }
  const frame = slide.getBoundingClientRect();
  return {frame: [frame.left, frame.top, frame.right, frame.bottom],
    boxes: boxes.map(([n, e]) => { const r = e.getBoundingClientRect();
      return [n, r.left, r.top, r.right, r.bottom, e.closest('svg') ? 1 : 0]; })
      .filter(b => b[3] - b[1] > 0 && b[4] - b[2] > 0)};
}"""


def overlaps(a: list, b: list, slack: float = 1.0) -> bool:
    return min(a[3], b[3]) - max(a[1], b[1]) > slack and min(a[4], b[4]) - max(a[2], b[2]) > slack


def inside(box: list, frame: list, slack: float = 1.0) -> bool:
    return (
        box[1] >= frame[0] - slack
        and box[2] >= frame[1] - slack
        and box[3] <= frame[2] + slack
        and box[4] <= frame[3] + slack
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("shape", list(SIZES))
def test_no_text_overlaps_or_leaves_its_slide(
    results: Path, browser: Browser, tmp_path: Path, lang: str, shape: str
) -> None:
    path, _, _ = write_talk(results, lang, tmp_path / "talk.html")
    width, height = SIZES[shape]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(path.as_uri() + "?still")
    problems = []
    for k in range(page.evaluate("deck.count")):
        page.evaluate(f"deck.show({k})")
        page.wait_for_timeout(150)
        found = page.evaluate(TEXT_BOXES, page.query_selector(f"#slide-{k + 1}"))
        boxes = found["boxes"]
        for box in boxes:
            if not inside(box, found["frame"]):
                problems.append(f"slide {k + 1}: {box[0]!r} leaves the slide")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                nested = not a[5] and not b[5] and (a[0] == "small" == b[0])
                if not nested and overlaps(a, b):
                    problems.append(f"slide {k + 1}: {a[0]!r} overlaps {b[0]!r}")
    page.close()
    assert not problems, problems


def test_the_key_n_shows_the_speakers_notes(
    results: Path, browser: Browser, tmp_path: Path
) -> None:
    path, _, _ = write_talk(results, "en", tmp_path / "talk.html")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(path.as_uri())
    notes = page.locator(".slide.active .notes")
    assert not notes.is_visible()
    page.keyboard.press("n")
    assert notes.is_visible() and notes.inner_text().strip()
    page.keyboard.press("ArrowRight")  # the notes follow the slide
    assert page.locator(".slide.active .notes").is_visible()
    page.keyboard.press("n")
    assert not page.locator(".slide.active .notes").is_visible()
    page.close()


def test_the_assumptions_say_how_the_policies_were_staffed(results: Path) -> None:
    """Equal service (weekly sizing) or the same schedule: whichever the experiment used."""
    loaded = load_results(results)  # a fixed schedule (target_service_level = none)
    lang = Language("en")
    said = next(s for s in slides(loaded, lang) if s.heading == lang("talk_assumptions")).lines
    assert any("the same staff schedule" in line for line in said)
    loaded.manifest["base_scenario"]["staffing"]["target_service_level"] = 0.6
    said = next(s for s in slides(loaded, lang) if s.heading == lang("talk_assumptions")).lines
    assert any("to the same service: 60% answered within 20 s" in line for line in said)
    assert not any("schedule" in line for line in said)
