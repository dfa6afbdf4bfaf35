"""The report tells a person's words from cyclemap's timing events by the moment's ``source``,
not by what the text happens to say."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from cyclemap.report import render_html
from cyclemap.report.view import build_view

from .report_docs import real_doc

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "analysis.schema.json").read_text())


def _moments(doc):
    return [m for e in doc["episodes"] for m in e["hot_moments"]]


def test_every_hot_moment_says_where_it_came_from_and_its_cue():
    doc = real_doc()
    jsonschema.validate(doc, SCHEMA)
    moments = _moments(doc)
    assert moments and all(m["source"] in ("turn", "silence", "burst") and "cue" in m for m in moments)
    # The sample has silences among its hot moments: these are cyclemap's words, and say so.
    assert any(m["source"] == "silence" and "replied after" in m["text"] for m in moments)


def test_a_timing_event_is_never_quoted_as_someone_s_words_whatever_its_wording():
    doc = real_doc()
    silence = next(m for m in _moments(doc) if m["source"] == "silence")
    silence.update(text="Jordan went very quiet for a long while", move="withdraw", intensity=9.0)
    shown = [m["text"] for m in build_view(doc)["hot"]]
    assert shown and "Jordan went very quiet for a long while" not in shown


def test_a_person_s_words_are_quoted_even_when_they_sound_like_a_timing_note():
    doc = real_doc()
    words = "3 messages in a row with no reply; you replied after 5 h; they usually reply within 2 min"
    turn = next(m for m in _moments(doc) if m["source"] == "turn" and m["move"] == "pursue")
    turn.update(text=words, intensity=9.0)
    assert build_view(doc)["hot"][0]["text"] == words
    assert "3 messages in a row with no reply" in render_html(doc)


def test_the_cue_of_a_quoted_moment_comes_from_the_moment_itself():
    doc = real_doc()
    for moment in _moments(doc):
        if moment["source"] == "turn" and moment["move"] == "pursue":
            moment["cue"] = "interrogate"
    # With the cue now known on every moment, the map describes what the pursuer does by it.
    maps = build_view(doc)["maps"]
    assert maps and any("asks why, again" in node["doing"] for c in maps for node in c["nodes"] if node["move"] == "pursue")


def test_an_older_document_without_source_still_keeps_timing_notes_out_of_quotes():
    # Imports stored by the web app before hot moments carried ``source`` are rendered as they were.
    doc = real_doc()
    for moment in _moments(doc):
        moment.pop("source", None)
        moment.pop("cue", None)
    silence = next(m for m in _moments(doc) if "replied after" in m["text"])
    silence.update(move="withdraw", intensity=9.0)
    view = build_view(doc)
    assert view["hot"] and not [m for m in view["hot"] if "replied after" in m["text"]]
