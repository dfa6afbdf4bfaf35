"""Spelling repair for the safety screen (cyclemap/safety_spelling.py, issue 7): one slip of a key in a
danger word ("he grabbd my neck") no longer hides it from the default mode, the evidence still names the
writer's own words, real words are never "repaired", and --fast and the lexicon alone are unchanged."""

from __future__ import annotations

import pytest

from cyclemap import safety_encoder
from cyclemap.model import Turn
from cyclemap.moves.label import Evidence
from cyclemap.moves.labeller import FAST, Labeller
from cyclemap.moves.screen_cache import SCREEN_MODULES
from cyclemap.safety import screen_text
from cyclemap.safety_spelling import add_findings, speller


@pytest.fixture(scope="module")
def spell():
    found = speller()
    if found is None:
        pytest.skip("the speller's data file or the tokenizer is not installed")
    return found


def _safety(texts: list[str], model: str | None = None) -> list[tuple[tuple[str, ...], list[str]]]:
    labeller = Labeller(model=model) if model else Labeller()
    labels = labeller.label([[Turn(id="1", time=None, speaker="A", text=t)] for t in texts])
    return [(label[0].safety, [e.text for e in label[0].evidence if e.reason.startswith("safety")]) for label in labels]


@pytest.mark.parametrize(("slip", "repaired"), [
    ("he grabbd my neck", "he grabbed my neck"),
    ("she thretened to stab me", "she threatened to stab me"),
    ("Im scaerd of him", "Im scared of him"),
    ("he strangeld me", "he strangled me"),
])
def test_a_slip_in_a_danger_word_is_repaired(spell, slip, repaired):
    found = spell.respell(slip)
    assert found is not None and found.text == repaired


@pytest.mark.parametrize("text", [
    "we had trifle and a cup of chai",      # trifle is no slip of rifle, nor chai of chair
    "the chore list is on the fridge",      # nor chore of choke
    "stag do in two weeks, six kilos of crisps",
    "I saw Kile at the shop",               # a name in mid-sentence is left alone
    "I kiss you every morning",             # a known word is never changed
    "dont be late, gonna miss the bus",     # texting forms are words
])
def test_real_words_names_and_texting_forms_are_never_repaired(spell, text):
    assert spell.respell(text) is None


def test_the_repaired_texts_spans_map_back_to_the_words_as_written(spell):
    text = "ok so he grabbd my neck last nite"
    found = spell.respell(text)
    assert found is not None
    start = found.text.index("grabbed")
    a, b = found.span(start, start + len("grabbed my neck"))
    assert text[a:b] == "grabbd my neck"
    tail = found.text.index("last")
    assert text[slice(*found.span(tail, tail + 4))] == "last"


def test_a_repaired_finding_names_the_original_characters(spell):
    text = "he grabbd me by the throat"
    (flags, evidence), = add_findings([(text, [0.0, 0.0, 0.0, 0.0])], [((), ())])
    assert "violence" in flags
    for item in evidence:
        if item.start is not None and item.end is not None and item.end > item.start:
            assert text[item.start:item.end] == item.text
    assert any("grabbd" in item.text for item in evidence)


def test_a_turn_with_a_clear_sign_is_left_as_the_screen_found_it(spell):
    kept = (("fear",), (Evidence("safety: fear (clear)", "I'm", 0, 3),))
    assert add_findings([("I'm scaerd of him", [0.0] * 4)], [kept]) == [kept]


def test_a_possible_sign_gains_the_clear_sign_a_repaired_slip_shows(spell):
    text = "she thretened to stab me"
    possible = (("control",), (Evidence("safety: control (possible)", "the model's reading of the turn (0.60)"),))
    (flags, evidence), = add_findings([(text, [0.0] * 4)], [possible])
    assert flags == ("violence", "control")
    assert any(e.reason == "safety: violence (clear)" and e.text == text for e in evidence)
    assert possible[1][0] in evidence


def test_the_default_mode_catches_a_misspelt_threat_and_fast_mode_is_unchanged(spell):
    if safety_encoder.settings() is None:
        pytest.skip("the default model's safety encoder is not installed")
    texts = ["she thretened to stab me", "i keep thinkin about suicde", "we had trifle after dinner"]
    (threat, threat_words), (suicide, suicide_words), (calm, _) = _safety(texts)
    assert "violence" in threat and "she thretened to stab me" in threat_words
    assert "self_harm" in suicide and "suicde" in suicide_words
    assert calm == ()
    # --fast and the lexicon alone read the words as written (helper F8 keeps --fast byte-identical)
    assert _safety(texts[:2], FAST) == [((), []), ((), [])]
    assert screen_text(texts[0]) == []


def test_switched_off_nothing_is_repaired(spell, monkeypatch):
    monkeypatch.setattr(safety_encoder, "SPELLING", False)
    text = "he grabbd me by the throat"
    out = safety_encoder.add_findings([(text, [0.0] * 4)], [((), ())], wording=[[0.0] * 4])
    assert out == [((), ())] or not any("grabbd" in e.text for e in out[0][1] if e.start is not None)


def test_the_label_cache_forgets_kept_findings_when_the_speller_changes():
    assert "cyclemap.safety_spelling" in SCREEN_MODULES  # its data file is data/safety-spelling.json (data/safety*)


def test_the_shipped_word_lists_are_lower_case_words_and_no_key_is_a_known_english_word_repair(spell):
    assert len(spell.keys) > 1000 and len(spell.known) > 20_000
    assert all(k.isalpha() and k == k.lower() and len(k) >= 4 for k in spell.keys)
    # every key is itself known: a danger word spelled right is never "repaired" into another one
    assert all(spell.repair(k) is None for k in spell.keys)


def test_a_slip_at_the_start_of_a_sentence_is_repaired_but_a_name_inside_one_is_not(spell):
    found = spell.respell("Thretened me again. Ask Kile")
    assert found is not None and found.text.startswith("threatened me again.") and found.text.endswith("Ask Kile")
