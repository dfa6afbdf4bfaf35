"""The report in a real browser (Playwright driving Debian's Chromium), as a person sees it."""

from __future__ import annotations

import pytest

from cyclemap.report import write_report

from .browser import DESKTOP, PHONE, browser, open_offline  # noqa: F401 - pytest fixtures
from .report_docs import flagged_doc, hostile_doc, one_speaker_doc, real_doc, TRIAD


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    made = {
        "couple": write_report(real_doc(), folder / "couple.html"),
        "triad": write_report(real_doc(TRIAD), folder / "triad.html"),
        "hostile": write_report(hostile_doc(), folder / "hostile.html"),
        "flagged": write_report(flagged_doc(), folder / "flagged.html"),
        "one": write_report(one_speaker_doc(), folder / "one.html"),
    }
    return {name: path.as_uri() for name, path in made.items()}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_key_sections_are_visible_offline_without_errors(open_offline, reports, viewport):
    visit = open_offline(reports["couple"], viewport)
    page = visit.page
    for name in ("Your most common shape", "The cycle map", "Tense stretches over time", "Hot moments",
                 "Over time", "For therapists and researchers", "What cyclemap cannot see"):
        assert page.get_by_role("heading", name=name, exact=True).is_visible(), name
    assert page.get_by_role("img", name="The cycle map of Riley and Jordan").is_visible()
    assert page.locator("svg.timeline").is_visible() and page.locator("svg.trend").is_visible()
    assert visit.console_errors == []
    assert visit.outside_requests == []
    # Phone-friendly: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_statistics_are_folded_until_asked_for(open_offline, reports):
    page = open_offline(reports["couple"]).page
    table = page.locator("caption", has_text="lag 1: Riley's move, then Jordan's answer").first
    assert not table.is_visible()
    page.get_by_text("Sequential statistics (lag tables, adjusted residuals, Yule's Q)").click()
    assert table.is_visible()


def test_three_partners_get_a_map_per_pair(open_offline, reports):
    visit = open_offline(reports["triad"], PHONE)
    assert visit.page.get_by_text("the loop is read pair by pair").is_visible()
    assert visit.page.locator("svg.cycle-map").count() >= 1
    assert visit.console_errors == [] and visit.outside_requests == []


def test_hostile_names_stay_text_and_the_layout_holds(open_offline, reports):
    visit = open_offline(reports["hostile"], PHONE)
    page = visit.page
    assert page.evaluate("window.pwned === undefined")  # no injected script or handler ran
    assert page.locator("article img, article script, article b").count() == 0
    assert "<script>window.pwned=1</script>Sam" in page.locator("h1 + p").inner_text()
    assert page.get_by_text("not bold</b>").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert visit.outside_requests == [] and visit.console_errors == []


def test_a_flagged_chat_shows_the_safety_notice_first_and_no_softening(open_offline, reports):
    visit = open_offline(reports["flagged"], PHONE)
    page = visit.page
    notice = page.get_by_role("heading", name="Please read this first")
    assert notice.is_visible()
    first_heading = page.locator("h2").first
    assert first_heading.inner_text() == "Please read this first"
    everything = page.locator("body").inner_text().lower()
    assert "softer move" not in everything and "questions to talk about" not in everything
    page.get_by_text("The rest of the analysis", exact=True).click()
    assert page.get_by_text("Sequential reading:").is_visible()
    body = page.locator("body").inner_text().lower()  # unfolded: still no coaching anywhere
    assert "softer move" not in body and "could have sounded" not in body
    assert visit.console_errors == [] and visit.outside_requests == []


def test_nothing_to_show_is_short_and_kind(open_offline, reports):
    page = open_offline(reports["one"], PHONE).page
    assert page.get_by_role("heading", name="Nothing to draw here").is_visible()
    assert page.get_by_text("Only Riley writes in this conversation").is_visible()
    assert page.evaluate("document.body.scrollHeight") < 2000
