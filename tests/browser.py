"""Playwright driving Debian's Chromium, for tests that look at pages as a person would.

Not a conftest: a test module opts in with ``from tests.browser import browser, page, open_offline``
(pytest finds imported fixtures). Never downloads a browser: it uses /usr/bin/chromium
(``./dev test`` installs it) and skips cleanly when either Playwright or Chromium is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CYCLEMAP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser(request) -> Any:
    """One headless Chromium for the whole session.

    Every test module that imports this fixture gets its own session-scoped copy of it
    from pytest, but Playwright's sync API allows only one running instance per thread:
    so the first copy starts it, keeps it on the session, and the others reuse it.
    """
    shared = getattr(request.session, "_cyclemap_chromium", None)
    if shared is not None:
        return shared
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (./dev test installs it)")
    playwright = sync_api.sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise

    def close() -> None:
        instance.close()
        playwright.stop()
        request.session._cyclemap_chromium = None

    request.session._cyclemap_chromium = instance
    request.addfinalizer(close)
    return instance


@dataclass
class Visit:
    """What a page did while it was open: its console errors and every request it tried."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def outside_requests(self) -> list[str]:
        """Requests for anything but the page itself (a self-contained page makes none)."""
        own = self.page.url.split("#")[0]
        return [url for url in self.requests if url.split("#")[0] != own]


@pytest.fixture
def open_offline(browser) -> Iterator[Any]:
    """``open_offline(url, width=...)`` opens a page, counting (and refusing) every network request."""
    contexts = []

    def visit(url: str, viewport: dict[str, int] = DESKTOP) -> Visit:
        context = browser.new_context(viewport=viewport, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)
        page.on("console", lambda message: seen.console_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen.console_errors.append(str(error)))

        def route(request_route):
            seen.requests.append(request_route.request.url)
            if request_route.request.url.split("#")[0] == url.split("#")[0]:
                request_route.continue_()
            else:
                request_route.abort()

        context.route("**/*", route)
        page.goto(url, wait_until="load")
        return seen

    yield visit
    for context in contexts:
        context.close()
