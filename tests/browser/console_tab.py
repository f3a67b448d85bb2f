"""A tab of the web console in a real browser (Debian's Chromium, never one Playwright downloads).

``chromium_path()`` is the browser, or None (the test modules skip, saying why).
``ConsoleTab`` is a tab on a broker's console that records every console error and uncaught
exception, waits for a page to have loaded its data, and saves screenshots to the run's
temporary directory (and to ``docs/console/`` when ``SAMSA_UPDATE_SCREENSHOTS=1``, to refresh
the README's pictures).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Protocol

from playwright.sync_api import ConsoleMessage, Error, HttpCredentials, Page, ViewportSize

from broker import Broker

#: Debian's package puts it here; elsewhere it may be on PATH.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
#: Headless without a sandbox (containers have no user namespaces for it) or GPU, and without
#: any of the browser's own traffic (updates, sync, safe-browsing lists).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
#: A page of the console loads in milliseconds; this leaves room for a busy machine.
LOAD_TIMEOUT_MS = 15_000
#: Wide enough for every table of the console without wrapping.
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}
#: Where the README's screenshots live, refreshed with SAMSA_UPDATE_SCREENSHOTS=1.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"


def chromium_path() -> str | None:
    """Debian's Chromium, or a ``chromium`` on PATH, or None."""
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")


def console_url(broker: Broker) -> str:
    """The broker's HTTP listener (``Broker.http_url``): the console is served at its root."""
    url = getattr(broker, "http_url", None)
    assert isinstance(url, str), "the broker serves no HTTP listener (http.listeners is empty)"
    return url.rstrip("/")


class ConsoleTab:
    """One browser tab on one broker's console."""

    def __init__(self, page: Page, base_url: str, screenshot_dir: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.screenshot_dir = screenshot_dir
        #: Console errors and uncaught exceptions, in order: a healthy page has none.
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        page.set_default_timeout(LOAD_TIMEOUT_MS)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")

    def _page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught: {error.message}")

    def open(self, route: str) -> None:
        """Go to a page of the console (``/topics/NAME``, maybe with ``?query``) and wait until
        it shows its data."""
        self.page.goto(f"{self.base_url}/#{route}")
        self.wait_loaded(route)

    def wait_loaded(self, route: str) -> None:
        """Wait until the page of ``route`` is mounted and has shown its first data."""
        path = route.split("?", 1)[0]
        selector = f'section.page[data-route="{path}"][data-loaded]'
        self.page.wait_for_selector(selector, state="attached")

    def refresh(self) -> None:
        """Ask the console to poll now (the button in the header) rather than in a few seconds."""
        self.page.click("#refresh-now")

    def screenshot(self, name: str) -> Path:
        path = self.screenshot_dir / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if os.environ.get("SAMSA_UPDATE_SCREENSHOTS") == "1":
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path


class ConsoleTabFactory(Protocol):
    """``open_tab(broker, credentials=None)``: a fresh tab on that broker's console."""

    def __call__(
        self, broker: Broker, credentials: HttpCredentials | None = None
    ) -> ConsoleTab: ...
