"""The deck as still images: every slide as a PNG and the whole deck as a PDF, one slide a
page, printed by the system's Chromium through Playwright (offline: the deck is one file)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.errors import UsageError

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium; $BROWSER_PATH or one on the PATH when it is elsewhere."""
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SIZE = {"width": 1280, "height": 720}
"""A 16:9 slide in CSS pixels; the PNGs are drawn at twice that (2560 × 1440)."""
SETTLE_MS = 250


def find_browser() -> str | None:
    """The system's Chrome or Chromium: $BROWSER_PATH, Debian's, else one on the PATH."""
    given = os.environ.get("BROWSER_PATH")
    if given and Path(given).is_file():
        return given
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def check_browser(option: str) -> str:
    """The browser `option` needs, or a UsageError saying in one line how to get it."""
    try:
        import playwright.sync_api  # noqa: F401  (present: the `png` extra)
    except ImportError:
        raise UsageError(
            f"{option}: needs Playwright; pip install 'ccsim[png]' (and a system Chromium)"
        ) from None
    browser = find_browser()
    if browser is None:
        raise UsageError(
            f"{option}: no Chrome or Chromium found; install one (Debian/Ubuntu: sudo apt-get "
            "install chromium) or set BROWSER_PATH"
        )
    return browser


@contextmanager
def deck_page(deck: Path, browser: str) -> Iterator[Any]:
    """The deck open in headless Chromium at 16:9, still (no animation), every request but the
    file itself refused (the deck is offline)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser)
        try:
            page = chromium.new_page(viewport=SIZE, device_scale_factor=2)
            page.route("http*://**", lambda route: route.abort())
            page.goto(deck.resolve().as_uri() + "?still")
            page.wait_for_function("window.deck !== undefined")
            yield page
        finally:
            chromium.close()


def write_pngs(deck: Path, folder: Path, names: list[str], browser: str) -> list[Path]:
    """Every slide of `deck` as `folder`/NN-name.png (a screenshot in Chromium)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{k:02d}-{name or 'slide'}.png" for k, name in enumerate(names, start=1)]
    with deck_page(deck, browser) as page:
        for k, path in enumerate(paths):
            page.evaluate(f"window.deck.show({k})")
            page.wait_for_timeout(SETTLE_MS)
            page.screenshot(path=str(path))
    return paths


def write_pdf(deck: Path, out: Path, browser: str) -> Path:
    """The whole deck as one PDF, one slide a page (16:9)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with deck_page(deck, browser) as page:
        page.evaluate("window.deck.printAll()")
        page.wait_for_timeout(SETTLE_MS)
        page.pdf(
            path=str(out),
            width=f"{SIZE['width']}px",
            height=f"{SIZE['height']}px",
            print_background=True,
            prefer_css_page_size=True,
        )
    return out
