"""The report and the talk in a real browser: headless Chromium (Debian's package, driven by
Playwright with `executable_path`). Every plot renders, nothing is requested from the network,
nothing is logged as an error, and the deck moves with arrow keys and PageUp/PageDown.
Screenshots go to tests/screenshots/ for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

import sim
from sim.report import write_report, write_talk
from tests.helpers import ROOT, decomposition

CHROMIUM = os.environ.get("CCSIM_CHROMIUM", "/usr/bin/chromium")
ARGS = [  # as a root container needs, and no background traffic to Google's hosts
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "tests" / "screenshots"
EXPERIMENT = {
    "name": "browser-check",
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


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "results"
    sim.compare(EXPERIMENT, out=out, workers=1)
    decomposition().to_csv(out / "decomposition.csv", index=False)  # as --into puts it there
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).is_file(), (
        f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium package "
        "(or set CCSIM_CHROMIUM to another Chromium)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors and network requests are recorded."""

    def __init__(self, browser: Browser, width: int = 1400, height: int = 900):
        self.page: Page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:  # offline: nothing may leave the page
            self.requests.append(url)
            route.abort()

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page


def lang_kpi(code: str, kpi: str) -> str:
    """A KPI's label in language `code`, as the report shows it."""
    from sim.report.language import Language

    return Language(code).kpi(kpi)


def rendered(page: Page, selector: str = ".plotly-graph-div") -> list[bool]:
    """For each plot: whether plotly drew it (an SVG of a real size)."""
    return page.eval_on_selector_all(
        selector,
        """divs => divs.map(d => {
            const svg = d.querySelector('svg.main-svg');
            return !!svg && svg.getBoundingClientRect().width > 100
                && svg.getBoundingClientRect().height > 100;
        })""",
    )


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_report_renders_every_plot_offline(results: Path, browser: Browser, lang: str) -> None:
    path = write_report(results, lang)
    watched = Watched(browser)
    page = watched.open(path)
    figures = page.locator("figure").count()
    assert figures >= 8  # key figures, money, 2 splits, weeks, race, day, scatter
    page.wait_for_timeout(300)
    assert rendered(page) == [True] * figures
    # header and 19 key figures: word of mouth's with them (the base is open by default)
    assert page.locator("#kpi-table tr").count() == 20
    labels = page.locator("#kpi-table tr td:first-child").all_inner_texts()
    assert lang_kpi(lang, "newcomers") in labels and lang_kpi(lang, "reputation") in labels
    assert page.locator("#figure-customers").count() == 1  # customers and reputation per day
    assert page.locator("#headline").inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{lang}.png"), full_page=True)
    assert watched.errors == [] and watched.requests == []
    if lang == "nl":
        assert "winst na klantverloop en nieuwe klanten" in page.locator("#headline").inner_text()
        assert "Gestuurd op kwaliteit" in page.content()
    watched.page.close()


def test_talk_moves_with_arrows_and_the_clicker(results: Path, browser: Browser) -> None:
    path, _, _ = write_talk(results, "nl")
    watched = Watched(browser, 1600, 900)
    page = watched.open(path)
    count = page.evaluate("deck.count")
    assert count >= 8  # the claim, the policies, the headline, what drives it, the race, ...
    current = lambda: page.evaluate("deck.current()")  # noqa: E731
    assert current() == 0
    page.keyboard.press("ArrowRight")
    assert current() == 1
    page.keyboard.press("PageDown")  # a presenter's clicker sends PageDown / PageUp
    assert current() == 2
    page.keyboard.press("PageUp")
    assert current() == 1
    page.keyboard.press("ArrowLeft")
    assert current() == 0
    page.keyboard.press("ArrowLeft")  # stays on the first slide
    assert current() == 0
    SHOTS.mkdir(exist_ok=True)
    charts = 0
    for k in range(count):
        page.evaluate(f"deck.show({k})")
        page.wait_for_timeout(150)
        active = page.locator(".slide.active")
        assert active.count() == 1 and active.get_attribute("id") == f"slide-{k + 1}"
        if active.locator(".plotly-graph-div").count():
            charts += 1
            assert rendered(page, ".slide.active .plotly-graph-div") == [True]
        page.screenshot(path=str(SHOTS / f"talk-nl-{k + 1:02d}.png"))
    assert charts == page.locator(".slide.chart").count() >= 2
    page.keyboard.press("End")
    assert current() == count - 1
    page.keyboard.press("PageDown")  # stays on the last slide
    assert current() == count - 1
    assert "Dia" in page.locator("#counter").inner_text()
    assert watched.errors == [] and watched.requests == []
    watched.page.close()


def test_the_race_plays_on_its_slide(results: Path, browser: Browser) -> None:
    path, _, _ = write_talk(results, "en")
    watched = Watched(browser, 1600, 900)
    page = watched.open(path)
    race = page.evaluate(
        "Array.from(document.querySelectorAll('.slide')).findIndex(s => s.dataset.chart === 'race')"
    )
    assert race > 0
    seen = page.evaluate(  # the day on the race's slider, every 40 ms for 3 s after showing it
        f"""() => new Promise(done => {{
            const seen = [];
            deck.show({race});
            const timer = setInterval(() => {{
                const t = Array.from(document.querySelectorAll('.slide.active g.annotation text'))
                    .find(e => e.textContent.startsWith('Measured day'));
                if (t) seen.push(t.textContent);
            }}, 40);
            setTimeout(() => {{ clearInterval(timer); done(seen); }}, 3000);
        }})"""
    )
    days = [int(text.rsplit(" ", 1)[1]) for text in seen]
    assert days[0] < days[-1] == 3 and sorted(set(days)) == [1, 2, 3], seen  # it ran day by day
    assert watched.errors == [] and watched.requests == []
    watched.page.close()
