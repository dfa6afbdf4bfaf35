"""In a real browser (Playwright driving Debian's Chromium): changing the password keeps this
browser signed in under a new session cookie, its forms keep working, and another browser
signed in to the same account is sent to the sign-in page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import DESKTOP, browser  # noqa: F401 - fixture
from tests.web_support import PASSWORD, Couple, make_app

NEW = "a new password"


@pytest.fixture
def site(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Couple]]:
    from cyclemap.web.server import ServerThread

    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "data"))
    app = make_app(f"sqlite:///{tmp_path / 'app.sqlite3'}")
    try:
        couple = Couple(app)
        with ServerThread(app) as url:
            yield url, couple
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()


def _signed_in(browser, url: str, username: str) -> tuple[Any, Any]:  # noqa: F811
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(url + "/")
    return context, page


def _session(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "cm_session")


def test_changing_the_password_in_a_browser(browser, site) -> None:  # noqa: F811
    url, couple = site
    here, page = _signed_in(browser, url, "alex")
    there, other = _signed_in(browser, url, "alex")
    try:
        before = _session(here)
        page.goto(url + "/account/password")
        assert "this one stays signed in" in page.inner_text("main")
        page.fill("input[name=current]", PASSWORD)
        page.fill("input[name=password]", NEW)
        page.fill("input[name=password2]", NEW)
        page.click("button:has-text('Change my password')")
        page.wait_for_url(url + "/")
        assert _session(here) != before
        page.goto(f"{url}/r/{couple.rid}/notes")
        page.fill("textarea[name=text]", "written after the change")
        page.click("button:has-text('Save the note')")
        page.wait_for_selector("text=written after the change")
        other.goto(f"{url}/r/{couple.rid}/notes")
        assert "/login" in other.url
    finally:
        here.close()
        there.close()
