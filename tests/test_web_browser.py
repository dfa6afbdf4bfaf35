"""The web app in a real browser (Playwright driving Debian's Chromium), over SQLite and
PostgreSQL: import to report, a correction, the privacy walls, no outside request, no
traceback. Screenshots of every page at phone and desktop width go to /tmp/shots/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import DESKTOP, PHONE, browser  # noqa: F401 - fixture
from tests.web_support import COUPLE_CHAT, PASSWORD, Couple, make_app, postgres  # noqa: F401 - fixture

SHOTS = Path("/tmp/shots/web")
TRACEBACK = re.compile(r"Traceback|File \"/|line \d+, in ")


class Site:
    """The app served on a free port of 127.0.0.1, with the couple made, and what every page requested."""

    def __init__(self, app: Any, url: str, couple: Couple, db: str) -> None:
        self.app, self.url, self.couple, self.db = app, url, couple, db
        self.requests: list[str] = []


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from cyclemap.web.server import ServerThread

    home = tmp_path_factory.mktemp("webhome")
    patch = pytest.MonkeyPatch()
    patch.setenv("CYCLEMAP_HOME", str(home / "data"))
    url = f"sqlite:///{home / 'app.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("postgres").new_database()
    app = make_app(url)
    try:
        couple = Couple(app)
        with ServerThread(app) as base:
            yield Site(app, base, couple, request.param)
    finally:
        app.state.web.runner.pool.shutdown(wait=True)
        app.state.web.engine.dispose()
        patch.undo()


@pytest.fixture
def open_as(browser, site: Site) -> Iterator[Any]:  # noqa: F811
    """``open_as(username, viewport)``: a fresh browser context signed in as that person."""
    contexts = []

    def make(username: str | None, viewport: dict[str, int] = DESKTOP):
        context = browser.new_context(viewport=viewport, service_workers="block")
        contexts.append(context)

        def route(request_route) -> None:
            site.requests.append(request_route.request.url)
            if request_route.request.url.startswith(site.url + "/"):
                request_route.continue_()
            else:
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" and "403" not in message.text and "404" not in message.text else None)
        if username:
            page.goto(site.url + "/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(site.url + "/")
        return page

    yield make
    for context in contexts:
        context.close()


def shoot(page, name: str, site: Site) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{site.db}-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_import_to_report(open_as, site: Site) -> None:
    page = open_as("sam")
    page.goto(f"{site.url}/r/{site.couple.rid}/import")
    shoot(page, "import", site)
    page.set_input_files("#file", str(COUPLE_CHAT))
    page.wait_for_selector("text=See the report", timeout=180_000)
    page.click("text=See the report")
    page.wait_for_selector("h1:has-text('The cycle in')")
    main = page.inner_text("main")
    assert "531 messages between Riley and Jordan" in main
    assert "What cyclemap cannot see" in main
    shoot(page, "report", site)
    assert page.errors == []


def test_a_correction_changes_the_figures(open_as, site: Site) -> None:
    page = open_as("alex")
    page.goto(f"{site.url}/r/{site.couple.rid}/turns?move=neutral")
    row = page.locator("li.turn").first
    speaker = row.locator(".meta strong").inner_text()
    cell = page.locator(f"#stats tr:has(th:text-is('{speaker}')) td[data-move=pursue]")
    before = int(cell.inner_text())
    row.locator("select").select_option("pursue:demand")
    row.locator("button").click()
    page.wait_for_selector(".turn.corrected")
    after = int(page.locator(f"#stats tr:has(th:text-is('{speaker}')) td[data-move=pursue]").inner_text())
    assert after == before + 1
    shoot(page, "turns", site)
    assert page.errors == []


def test_partner_never_sees_the_others_private_answers(open_as, site: Site) -> None:
    rid = site.couple.other_rid  # Sam and Casey's space: no chat imported, so no safety notice from a chat
    sam = open_as("sam")
    sam.goto(f"{site.url}/r/{rid}/notes")
    sam.fill("textarea[name=text]", "a private note only Sam may read")
    sam.click("button:has-text('Save the note')")
    sam.wait_for_selector("text=a private note only Sam may read")
    shoot(sam, "notes", site)
    sam.goto(f"{site.url}/r/{rid}/safety-check")
    sam.check("input[name=watched][value=yes]")
    sam.click("button:has-text('See what my answers mean')")
    sam.wait_for_selector("text=Some of your answers")
    shoot(sam, "safety-check", site)
    casey = open_as("casey")
    for path in ("notes", "safety-check", "cycle-map", "check", ""):
        casey.goto(f"{site.url}/r/{rid}/{path}")
        text = casey.inner_text("body")
        assert "a private note only Sam may read" not in text and "Some of your answers" not in text, path
        assert "Please read this first" not in text, path  # Sam's answers do not even show as a banner


def test_therapist_never_sees_what_was_not_shared(open_as, site: Site) -> None:
    lee = open_as("drlee")
    for path in ("report", "practice", "trends", "cycle-map", "notes", "safety-check", "turns", "check"):
        response = lee.goto(f"{site.url}/r/{site.couple.rid}/{path}")
        assert response.status == 403, path
        assert "Riley" not in lee.inner_text("body")
    shoot(lee, "therapist-refused", site)
    lee.goto(f"{site.url}/r/{site.couple.rid}")
    assert "Riley" not in lee.inner_text("body")


def test_pages_make_no_outside_request_and_show_no_traceback(open_as, site: Site) -> None:
    rid = site.couple.rid
    page = open_as("sam")
    pages = ["/", f"/r/{rid}", f"/r/{rid}/report", f"/r/{rid}/cycle-map", f"/r/{rid}/check", f"/r/{rid}/practice",
             f"/r/{rid}/trends", f"/r/{rid}/assessment", f"/r/{rid}/import"]
    for path in pages:
        page.goto(site.url + path)
        name = path.strip("/").replace("/", "-").replace(f"r-{rid}", "space") or "home"
        shoot(page, name, site)
    casey = open_as("casey")  # in a space with no chat imported and no safety concern of hers
    casey.goto(f"{site.url}/r/{site.couple.other_rid}/check")
    casey.fill("textarea[name=draft]", "you never listen to me, you're always on your phone")
    casey.click("button:has-text('Check it')")
    casey.wait_for_selector("text=Softer ways to say it")
    shoot(casey, "check-result", site)
    for bad in ("/r/999", f"/r/{rid}/imports/424242", f"/r/{rid}/turns?page=-3&import=abc", "/join/nope", "/nowhere"):
        page.goto(site.url + bad)
        assert not TRACEBACK.search(page.content()), bad
        assert page.locator("h1").count() == 1
    casey.goto(f"{site.url}/r/{site.couple.other_rid}/practice")
    casey.evaluate("document.querySelector('input[name=happened_on]').type = 'text'")
    casey.fill("input[name=happened_on]", "not a date")
    casey.click("button:has-text('Add to our log')")
    assert "Nothing was saved" in casey.inner_text("main") and not TRACEBACK.search(casey.content())
    shoot(casey, "bad-input", site)
    anonymous = open_as(None, PHONE)
    anonymous.goto(site.url + "/login")
    shoot(anonymous, "login", site)
    outside = [url for url in site.requests if not url.startswith(site.url + "/")]
    assert site.requests and outside == []
