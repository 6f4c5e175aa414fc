"""The dashboard in a real browser: `ccsim dashboard` on a free port, driven by Playwright in
Debian's headless Chromium. A manager runs a what-if, changes a lever and runs again (the
baseline comes from the cache), watches a day, exports the scenario (which `ccsim run`
accepts) and the results, and switches to Dutch; no console error, no request off the machine.
Screenshots go to tests/screenshots/."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.helpers import ROOT, free_port, wait_until_listening
from tests.test_report_browser import ARGS, CHROMIUM, SHOTS

CCSIM = Path(sys.executable).parent / "ccsim"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("dashboard")
    port = free_port()
    process = subprocess.Popen(
        [str(CCSIM), "dashboard", "--port", str(port), "--folder", str(folder / "results")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_until_listening(process, port)
    yield url, folder
    workers = descendants(process.pid)
    assert workers, "the warm worker processes run beside the server"
    process.terminate()
    code = process.wait(timeout=20)
    said = process.stdout.read()
    assert code in (0, 130, -15), said
    # the operator's terminal: the address, nothing else (no warning, no traceback)
    assert "Warning" not in said and "samesite" not in said and "Traceback" not in said, said
    deadline = time.monotonic() + 15
    while (left := [pid for pid in workers if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, f"worker processes {left} outlived the dashboard"


def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    """Every process started under `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def slider(page: Page, label: str):
    """The slider whose label starts with `label`."""
    return page.locator(".v-input.v-input__slider", has_text=label).first


def test_a_manager_asks_what_if(server: tuple[str, Path]) -> None:
    url, folder = server
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        errors: list[str] = []
        outside: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                outside.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:", "data:"))
                else None
            ),
        )
        page.goto(url)
        page.locator("button.run").wait_for(timeout=60_000)

        # the levers open at today's values (the baseline's aht policy); nothing is marked
        assert "AHT target (s; 0: none): 250" in slider(page, "AHT target").inner_text()
        assert page.locator(".lever.moved").count() == 0
        assert page.get_by_role("button", name="Back to today").is_disabled()

        # the quality policy: its own values load into its levers, marked as changed
        page.locator(".policy").click()
        page.get_by_role("option", name="Quality-driven").click()
        page.wait_for_function(
            "() => document.body.innerText.includes('● AHT target (s; 0: none): 0')"
        )
        assert "Coaching (h per employee per week): 1.5" in slider(page, "● Coaching").inner_text()

        # a first question: the what-if (quality) and the baseline, paired
        page.locator("button.run").click()
        answered = page.locator(".answered")
        answered.wait_for(timeout=180_000)
        assert "paired runs in" in answered.inner_text()
        assert page.locator(".question").inner_text() == "Question: AHT-driven → Quality-driven"
        assert page.locator(".verdict").inner_text().startswith("Over 5 days: ")
        assert "service level" in page.locator(".verdict").inner_text()
        assert page.locator(".stale").count() == 0
        assert not page.get_by_text("Out of date").is_visible()  # a fresh answer says nothing
        assert page.locator(".kpi-card").count() == 21  # word of mouth's too: an open base
        new = page.locator(".kpi-card", has_text=re.compile(r"^New customers"))
        assert new.count() == 2  # new customers, and new customers less churned
        wom = slider(page, "Word of mouth").inner_text()
        assert "Word of mouth (works over months): 0.075" in wom
        first = page.locator(".kpi-card", has_text="Profit after churn").inner_text()
        assert "What-if:" in first and "Baseline:" in first
        page.wait_for_function(  # the figures follow the cards
            "() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000
        )
        page.screenshot(path=str(SHOTS / "dashboard-results.png"), full_page=True)

        # one more hour of coaching: a lever moved with the keyboard, then run again
        coaching = slider(page, "Coaching")
        coaching.locator(".v-slider__thumb-container").focus()
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.wait_for_function(  # all four steps arrived (the server takes them in turn)
            "() => document.body.innerText.includes('Coaching (h per employee per week): 2.5')"
        )
        page.locator(".stale").wait_for()  # the answer on screen is out of date, and greyed
        assert page.locator(".stale-answer").count() == 1
        page.screenshot(path=str(SHOTS / "dashboard-stale.png"), full_page=True)
        page.locator("button.run").click()
        page.wait_for_function(  # a new answer: the what-if's profit changed
            "first => Array.from(document.querySelectorAll('.kpi-card'))"
            ".some(c => c.innerText.startsWith('Profit after churn') && c.innerText !== first)",
            arg=first,
            timeout=120_000,
        )
        # the baseline ran once (and the what-if's runs may have started as the lever moved)
        cached = re.search(r"\((\d+) from the cache\)", answered.inner_text())
        assert cached and int(cached.group(1)) >= 5
        assert "coaching 1.5 h/week → 2.5 h/week" in page.locator(".question").inner_text()
        assert page.locator(".stale").count() == 0
        assert page.locator(".need").count() == 1  # how many people: beside the what-if

        # back to today: every lever at the baseline's value again, nothing marked
        page.get_by_role("button", name="Back to today").click()
        page.wait_for_function(
            "() => document.body.innerText.includes('AHT target (s; 0: none): 250')"
        )
        page.wait_for_function("() => !document.querySelector('.lever.moved')")  # none marked

        # watch a day: step, play, pause
        page.get_by_role("tab", name="Watch a day").click()
        clock = page.locator(".clock")
        clock.wait_for(timeout=60_000)
        assert clock.inner_text() == "08:00"
        assert (
            "the first measured day, after the scenario's 10-day warm-up"
            in page.locator(".day-note").inner_text()
        )
        page.locator("button.step").click()
        page.wait_for_function("() => document.querySelector('.clock').innerText === '08:05'")
        page.locator("button.play").click()
        page.wait_for_function(
            "() => document.querySelector('.clock').innerText >= '08:30'", timeout=30_000
        )
        page.locator("button.play").click()  # pause
        page.screenshot(path=str(SHOTS / "dashboard-day.png"), full_page=True)

        # export: the scenario runs with `ccsim run`; results and report are saved in the folder
        page.get_by_role("tab", name="Export").click()
        with page.expect_download() as download:
            page.get_by_text("What-if as scenario TOML").click()
        toml = folder / "what-if.toml"
        download.value.save_as(toml)
        done = subprocess.run(
            [str(CCSIM), "run", str(toml), "--set", "calendar.days=1", "--json"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        page.locator("button.save").click()
        saved = page.locator(".saved")
        saved.wait_for(timeout=60_000)
        out = Path(saved.inner_text().split(" ", 2)[-1])
        assert out.parent == folder / "results" and (out / "report.html").is_file()
        assert (out / "runs.parquet").is_file() and (out / "summary.json").is_file()
        page.locator("button.save").click()  # again at once: refused, and the page says why
        refused = page.locator(".save-problem")
        refused.wait_for(timeout=30_000)
        assert "one save every 10 s per tab" in refused.inner_text()
        assert len(list((folder / "results").iterdir())) == 1

        # Dutch
        page.get_by_role("button", name="NL").click()
        page.get_by_text("Wat als? Het contactcentrum").first.wait_for()
        page.get_by_role("tab", name="Resultaten").click()
        page.locator(".kpi-card", has_text="Winst na klantverloop").wait_for()
        page.wait_for_timeout(800)  # the tabs slide
        page.screenshot(path=str(SHOTS / "dashboard-nl.png"), full_page=True)
        assert "Solara" not in page.locator("body").inner_text()  # no English banner
        assert errors == [] and outside == []
        browser.close()
