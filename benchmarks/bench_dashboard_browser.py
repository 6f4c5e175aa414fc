"""How fast the dashboard answers in a browser: `ccsim dashboard` on a free port, driven by
Playwright in headless Chromium on the same machine (browser, server and workers share the
cores), from the click on Run until the profit card shows the new answer.

The questions, in order: the default question (the levers as they open, at today's values),
the quality policy (its preset values load into the levers), one hour more coaching, then
steps of the value of a sale (each changes every run). The runs start as soon as a lever moves
(the dashboard prepares the question on screen), so the time to the answer depends on how
long the manager looks at the levers before pressing Run: each round is timed with Run
pressed 0.5 s after the lever moved, and again, with a new server, after a 5-second pause.

    python benchmarks/bench_dashboard_browser.py [--steps 3] [--pauses 0.5 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CCSIM = Path(sys.executable).parent / "ccsim"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Time the dashboard's answers in a browser, from the click on Run to the "
        "new answer on the profit card."
    )
    parser.add_argument("--steps", type=int, default=3, help="steps of the value of a sale")
    parser.add_argument(
        "--pauses", type=float, nargs="+", default=[0.5, 5.0], help="seconds before Run"
    )
    args = parser.parse_args()
    for pause in args.pauses:
        port = free_port()
        with tempfile.TemporaryDirectory() as tmp:
            server = subprocess.Popen(
                [str(CCSIM), "dashboard", "--port", str(port), "--folder", tmp],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                times = ask(f"http://127.0.0.1:{port}/", port, args.steps, pause)
            finally:
                server.terminate()
                server.wait(timeout=20)
        steps = list(times.values())[3:]
        print(
            f"Run pressed {pause:g} s after the lever moved: default question "
            f"{times['default']:.1f} s, quality policy {times['quality']:.1f} s, +1 h coaching "
            f"{times['coaching']:.1f} s, value of a sale: median {statistics.median(steps):.1f} s "
            f"({min(steps):.1f}-{max(steps):.1f})",
            flush=True,
        )


def slider(page: Page, label: str):
    return page.locator(".v-input.v-input__slider", has_text=label).first


def nudge(page: Page, label: str, presses: int) -> None:
    """Move a lever `presses` steps right with the keyboard and wait until the page shows it."""
    lever = slider(page, label)
    before = lever.inner_text().split("\n")[0]
    lever.locator(".v-slider__thumb-container").focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("before => !document.body.innerText.includes(before)", arg=before)


def answer(page: Page, previous: str) -> tuple[float, str]:
    """Press Run; seconds until the profit card differs from `previous`, and the card."""
    started = time.perf_counter()
    page.locator("button.run").click()
    page.wait_for_function(
        "previous => Array.from(document.querySelectorAll('.kpi-card')).some(c => "
        "c.innerText.startsWith('Profit after churn') && c.innerText !== previous "
        "&& !c.closest('.stale-answer'))",
        arg=previous,
        timeout=180_000,
    )
    seconds = time.perf_counter() - started
    card = page.locator(".kpi-card", has_text="Profit after churn").inner_text()
    runs = page.locator(".answered").inner_text()  # '10 paired runs in 2.4 s (5 from the cache)'
    print(f"  {seconds:.2f} s to the cards ({runs})", flush=True)
    return seconds, card


def ask(url: str, port: int, steps: int, pause: float) -> dict[str, float]:
    """Seconds from each click on Run to its answer on the profit card, by question."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    times: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.locator("button.run").wait_for(timeout=60_000)
        time.sleep(8)  # the baseline's prewarm finishes, as it would while a manager reads
        times["default"], card = answer(page, "")
        page.locator(".policy").click()
        page.get_by_role("option", name="Quality-driven").click()
        page.wait_for_function("() => document.body.innerText.includes('● Coaching')")
        time.sleep(pause)
        times["quality"], card = answer(page, card)
        nudge(page, "Coaching", 4)  # 0.25 h a step
        time.sleep(pause)
        times["coaching"], card = answer(page, card)
        for k in range(steps):
            nudge(page, "Value of a sale", 1)
            time.sleep(pause)
            times[f"sale {k + 1}"], card = answer(page, card)
        browser.close()
    return times


if __name__ == "__main__":
    main()
