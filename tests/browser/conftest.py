"""Fixtures of the browser tests: one headless Chromium per module (``chromium``), a fresh tab
on a broker's console per call of ``open_tab(broker)`` (closed after the test), and the
directory the screenshots of the run go to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser.console_tab import (
    CHROMIUM_ARGS,
    VIEWPORT,
    ConsoleTab,
    ConsoleTabFactory,
    chromium_path,
    console_url,
)
from playwright.sync_api import Browser, BrowserContext, HttpCredentials, sync_playwright

from broker import Broker


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: install Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-screenshots")


@pytest.fixture
def open_tab(chromium: Browser, screenshot_dir: Path) -> Iterator[ConsoleTabFactory]:
    """``open_tab(broker, credentials=None)``: a fresh tab (its own cookies and credentials,
    which it answers the console's HTTP Basic challenge with) on the console."""
    contexts: list[BrowserContext] = []

    def open_on(broker: Broker, credentials: HttpCredentials | None = None) -> ConsoleTab:
        context = chromium.new_context(viewport=VIEWPORT, http_credentials=credentials)
        contexts.append(context)
        return ConsoleTab(context.new_page(), console_url(broker), screenshot_dir)

    yield open_on
    for context in contexts:
        context.close()
