"""The report: what a couple or a therapist reads, as HTML, PDF and in the terminal."""

from __future__ import annotations

import re
import stat
from html import unescape
from html.parser import HTMLParser

import pytest

from cyclemap.report import cycle_map_svg, render_body, render_html, write_report
from cyclemap.report.softer import softer_alternatives
from cyclemap.report.view import build_view

from .report_docs import (
    HOSTILE_A, HOSTILE_B, JORDAN, TRIAD, empty_doc, flagged_doc, hostile_doc, one_speaker_doc, real_doc,
)


class _Links(HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data", "formaction") and value is not None:
                self.urls.append(value)


def _fetchable(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_page_is_self_contained_with_no_url_and_no_script():
    html = render_html(real_doc())
    links = _fetchable(html)
    assert all(url.startswith("#") for url in links.urls), links.urls
    assert "script" not in links.tags and "link" not in links.tags and "img" not in links.tags
    # The only http text is SVG's namespace name, which no browser fetches.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert "@import" not in html
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", html))  # only the map's own arrowheads


def test_the_report_says_the_cycle_in_plain_words_with_every_section():
    html = render_html(real_doc())
    text = _text(html)
    for heading in ("Your most common shape", "The cycle map", "Tense stretches over time", "Hot moments",
                    "Over time", "For therapists and researchers", "What cyclemap cannot see"):
        assert f">{heading}<" in html, heading
    assert "When Riley presses, Jordan pulls back; when Jordan pulls back, Riley presses harder." in text
    from cyclemap.report.words import VERDICTS

    doc = real_doc()
    assert VERDICTS[doc["trends"]["change"]["verdict"]] in text  # whatever the model reads, said plainly
    assert "not a diagnosis" in text and "tone of voice" in text and "offline" in text
    assert " is the problem" not in text and "fault" not in text.lower()
    assert "<details" in html and "lag 1" in html  # the statistics, folded for therapists


def test_feelings_underneath_are_offered_as_questions_never_as_facts():
    view = build_view(real_doc())
    (cycle,) = view["maps"]
    for node in cycle["nodes"]:
        assert node["questions"] and all(q.endswith("?") for q in node["questions"])
    assert [n["name"] for n in cycle["nodes"]] == ["Riley", "Jordan"]
    quotes = [q for n in cycle["nodes"] for q in n["examples"]]
    assert quotes and all(q in _text(render_html(real_doc())) for q in quotes)


def test_hot_moments_are_quoted_with_a_softer_move():
    view = build_view(real_doc())
    assert 1 <= len(view["hot"]) <= 5
    for moment in view["hot"]:
        assert moment["text"] and moment["alternatives"], moment
        assert "replied after" not in moment["text"]  # timing events are not a person's words
    assert "A softer move could have sounded like" in render_html(real_doc())


def test_without_the_coach_a_gentle_line_still_stands_in(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cyclemap.coach", None)  # import fails as if it were not installed
    assert softer_alternatives("you never listen", "pursue")
    assert softer_alternatives("fine", "withdraw")
    assert softer_alternatives("see you at 6", "neutral") == []


def test_three_partners_are_read_pair_by_pair():
    doc = real_doc(TRIAD)
    view = build_view(doc)
    assert len(doc["participants"]) == 3
    names = {frozenset(m["names"].split(" and ")) for m in view["maps"]} | {
        frozenset(p["names"].split(" and ")) for p in view["quiet_pairs"]}
    assert len(names) == 3
    html = render_html(doc)
    assert "read pair by pair" in html
    for cycle in view["maps"]:  # a pair's quotes come from that pair's own exchanges
        for node in cycle["nodes"]:
            other = next(n["name"] for n in cycle["nodes"] if n is not node)
            third = (set(doc["participants"]) - {node["name"], other}).pop()
            assert not any(f"me {third}" in q for q in node["examples"]), (node["name"], node["examples"])


def test_hostile_names_and_messages_are_escaped_text():
    doc = hostile_doc()
    html = render_html(doc)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;Sam" in html
    assert "&amp;amp;" in html  # an entity in a name stays the text the person typed
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>" not in html
    assert 'dir="auto"' in html and "overflow-wrap:anywhere" in html
    assert HOSTILE_B in unescape(html) and HOSTILE_A in unescape(html)
    svg = cycle_map_svg(doc)
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_a_flagged_conversation_puts_safety_first_and_coaches_nobody():
    doc = flagged_doc()
    html = render_html(doc)
    text = _text(html)
    assert html.index("Please read this first") < html.index("For a therapist") < html.index("What cyclemap cannot see")
    assert "may not be a shared dance" in text and "not the right next step" in text
    for resource in doc["safety"]["resources"]:
        assert resource["name"] in text
    assert "softer move" not in text.lower() and "Questions to talk about" not in text
    assert "Your most common shape" not in text and cycle_map_svg(doc) == ""
    assert all(not m["alternatives"] for m in build_view(doc)["hot"])
    assert "lag 1" in html  # the statistics are still there for a therapist, folded


@pytest.mark.parametrize("make, words", [
    (one_speaker_doc, "Only Riley writes in this conversation"),
    (empty_doc, "There are no messages from anyone"),
])
def test_nothing_to_show_gives_a_short_kind_report(make, words):
    html = render_html(make())
    assert words in html and "Nothing to draw here" in html
    assert "The cycle map" not in html and "Hot moments" not in html
    assert "not a diagnosis" in html


def test_the_body_fragment_is_the_same_content_for_the_web_app():
    body = render_body(real_doc())
    assert body.lstrip().startswith('<article class="cm-report"') and "<html" not in body and "<style" not in body
    assert "The cycle map" in body


def test_write_report_html_is_owner_only(tmp_path):
    target = write_report(real_doc(), tmp_path / "report.html")
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no partial file left


def test_write_report_pdf_fits_on_a_few_pages(tmp_path):
    pytest.importorskip("weasyprint", exc_type=ImportError)
    pypdf = pytest.importorskip("pypdf")
    target = write_report(real_doc(), tmp_path / "report.pdf")
    assert target.read_bytes().startswith(b"%PDF")
    pages = pypdf.PdfReader(str(target)).pages
    assert 1 <= len(pages) <= 6
    assert "Riley presses" in "".join(page.extract_text() for page in pages[:3])


def test_cli_writes_the_report_and_never_the_input(cli, tmp_path):
    chat = tmp_path / "chat.txt"
    chat.write_bytes(JORDAN.read_bytes())
    result = cli("analyze", "--permutations", "0", str(chat), "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 0, result.stderr
    assert "report written to" in result.stdout and (tmp_path / "report.html").is_file()
    before = chat.read_bytes()
    for target in (chat, tmp_path / "." / "chat.txt"):
        refused = cli("analyze", "--permutations", "0", str(chat), "-o", str(target))
        assert refused.exit_code == 1 and "never overwrites an input" in refused.stderr
    assert chat.read_bytes() == before
    odd = cli("analyze", "--permutations", "0", str(chat), "-o", str(tmp_path / "report.docx"))
    assert odd.exit_code == 1 and "report.html or report.pdf" in odd.stderr
    assert "Traceback" not in odd.stderr


def test_cli_flagged_chat_report_shows_the_notice_and_no_softening(cli, tmp_path):
    import json

    rows = [
        {"speaker": "Dan", "text": "give me your phone. now. who were you texting", "move": "pursue", "cue": "demand", "safety": ["control"]},
        {"speaker": "Mia", "text": "please. I'm scared of what you'll do", "move": "soften", "cue": "vulnerable", "safety": ["fear"]},
    ]
    path = tmp_path / "coded.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("analyze", "--permutations", "0", str(path), "-o", str(tmp_path / "r.html")).exit_code == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Please read this first" in html and "softer move" not in html.lower()


def test_demo_writes_a_report_for_every_sample_into_the_data_folder(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "data" / "demo"
    index = out / "cyclemap-demo-report.html"
    assert index.as_uri() in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written where it ran
    html = index.read_text(encoding="utf-8")
    reports = sorted(p.name for p in out.glob("cyclemap-demo-*.html") if p != index)
    assert len(reports) == 4 and all(f'href="{name}"' in html for name in reports)
    assert "Maya, Theo &amp; Kai" in html  # the three-partner sample
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_terminal_summary_is_plain_text_when_piped(cli):
    import io

    from cyclemap.report import print_summary

    result = cli("analyze", "--permutations", "0", str(JORDAN))
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout and "The cycle: when Riley presses" in result.stdout
    out = io.StringIO()
    print_summary(real_doc(), out)
    assert "\x1b[" not in out.getvalue() and "-o report.html" in out.getvalue()
    out = io.StringIO()
    print_summary(flagged_doc(), out)
    assert out.getvalue().startswith("SAFETY:") and "-o report.html" not in out.getvalue()


def test_every_drawing_is_well_formed_svg_with_a_title_and_a_description():
    from xml.etree import ElementTree

    view = build_view(hostile_doc())
    drawings = [str(m["svg"]) for m in view["maps"]] + [str(view["episodes"]["svg"]), str(view["trends"]["svg"])]
    for svg in drawings:
        root = ElementTree.fromstring(svg)  # hostile names included: still well-formed
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        assert root.find(f"{ns}title").text and root.find(f"{ns}desc").text


def test_years_of_stretches_become_bars_and_the_page_stays_small():
    import copy
    from datetime import datetime, timedelta

    doc = real_doc()
    template = doc["episodes"][0]
    start = datetime(2020, 1, 1)
    doc["episodes"] = []
    for number in range(5000):
        episode = copy.deepcopy(template)
        episode["number"] = number + 1
        episode["start"]["time"] = (start + timedelta(hours=7 * number)).isoformat()
        doc["episodes"].append(episode)
    view = build_view(doc)
    timeline = str(view["episodes"]["svg"])
    assert "<circle" not in timeline and 0 < timeline.count("<rect") <= 40 * 5
    assert len(view["episodes"]["rows"]) == 40 and view["episodes"]["hidden"] == 4960
    html = render_html(doc)
    assert "Taller bars" in html and len(html.encode()) < 500_000


def test_when_roles_change_hands_nobody_is_drawn_as_the_pursuer():
    doc = real_doc()
    doc["pairs"][0].update(pursuer=None, withdrawer=None)
    (cycle,) = build_view(doc)["maps"]
    assert {n["verb"] for n in cycle["nodes"]} == {"presses or pulls back"}
    assert all(q.endswith("?") for n in cycle["nodes"] for q in n["questions"])
    assert "One of you presses and the other pulls back" in cycle["sentence"]
