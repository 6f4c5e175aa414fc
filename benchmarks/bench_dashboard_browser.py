"""How fast the dashboard answers in a browser: `ccsim dashboard` on a free port, driven by
Playwright in headless Chromium on the same machine (browser, server and workers share the
cores). Each round moves the sale-value lever one step (every step changes profit) and
times the click on Run until the profit card shows the new answer. The figures follow the
cards; the first question also reports when they are drawn (plotly's first load), and each
next question waits for them and a second's reading. The first question waits for the
baseline prewarmed at start-up; the rest take the baseline from the cache.

    python benchmarks/bench_dashboard_browser.py [--questions 6]
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

from playwright.sync_api import sync_playwright

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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=6)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [str(CCSIM), "dashboard", "--port", str(port), "--folder", tmp],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            times = ask(f"http://127.0.0.1:{port}/", args.questions)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        f"click to answer: first {times[0]:.1f} s; next {len(times) - 1}: median "
        f"{statistics.median(times[1:]):.1f} s (range {min(times[1:]):.1f}-{max(times[1:]):.1f})"
    )


def ask(url: str, questions: int) -> list[float]:
    """Seconds from each click on Run to the new answer on the profit card."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/")))) == 0:
                break
        time.sleep(0.3)
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.locator("button.run").wait_for(timeout=60_000)
        time.sleep(8)  # the baseline's prewarm finishes, as it would while a manager reads
        previous = ""
        for k in range(questions):
            if k:
                lever = page.locator(".v-input.v-input__slider", has_text="Value of a sale").first
                before = lever.inner_text().split("\n")[0]
                lever.locator(".v-slider__thumb-container").focus()
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    "before => !Array.from(document.querySelectorAll('.v-input__slider'))"
                    ".some(e => e.innerText.split('\\n')[0] === before)",
                    arg=before,
                )
                time.sleep(0.5)
            started = time.perf_counter()
            page.locator("button.run").click()
            page.wait_for_function(
                "previous => Array.from(document.querySelectorAll('.kpi-card')).some(c => "
                "c.innerText.startsWith('Profit after churn') && c.innerText !== previous)",
                arg=previous,
                timeout=120_000,
            )
            times.append(time.perf_counter() - started)
            previous = page.locator(".kpi-card", has_text="Profit after churn").inner_text()
            runs = page.locator(".answered").inner_text()  # '10 paired runs in 2.4 s (...)'
            page.wait_for_function(  # the figures follow the cards; the manager reads them
                "previous => document.querySelectorAll('.js-plotly-plot').length >= 2",
                arg=previous,
                timeout=60_000,
            )
            drawn = f", figures {time.perf_counter() - started:.2f} s" if k == 0 else ""
            print(f"question {k + 1}: cards {times[-1]:.2f} s{drawn} ({runs})", flush=True)
            time.sleep(1)
        browser.close()
    return times


if __name__ == "__main__":
    main()
