"""The safety screen's phrases: found where they are, never skipped by the fast gate."""

from __future__ import annotations

import re

import pytest

from cyclemap import safety
from cyclemap.safety import FLAGS, GATE_WORDS, PHRASES, phrase_evidence

EXAMPLES = {
    "violence": ["if you go I swear I'll hurt you", "you shoved me into the door", "don't make me do something we'll both regret"],
    "control": ["give me your phone", "you're not allowed to see them anymore", "send me a photo of where you are"],
    "self_harm": ["I want to die", "you'd all be better off without me", "I've been cutting again"],
    "fear": ["I'm scared of what you'll do", "you're scaring me", "I'm walking on eggshells all the time"],
}


@pytest.mark.parametrize(("flag", "text"), [(f, t) for f, texts in EXAMPLES.items() for t in texts])
def test_explicit_phrases_are_found_with_their_span(flag, text):
    found = phrase_evidence(text)
    assert flag in found
    evidence = found[flag]
    assert text[evidence.start:evidence.end] == evidence.text


@pytest.mark.parametrize("text", ["this traffic is killing me", "see you at six", "lol that film was brutal", ""])
def test_ordinary_words_find_no_phrase(text):
    assert phrase_evidence(text) == {}


def test_every_phrase_needs_a_gate_word():
    """Each alternative of each phrase names at least one word of the gate, so the gate skips nothing."""
    words = re.compile(r"[a-z]+")
    for flag in FLAGS:
        for pattern in PHRASES[flag]:
            literal = re.sub(r"\\[bsw]|\(\?:|[()?*+.|\\\[\]^$]", " ", pattern.lower())
            assert GATE_WORDS & set(words.findall(literal)), pattern


def test_gate_agrees_with_the_full_search_on_the_corpus():
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
    import json

    every = re.compile("|".join(f"(?:{p})" for ps in PHRASES.values() for p in ps), re.IGNORECASE)
    for line in corpus.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        assert bool(every.search(text)) == bool(phrase_evidence(text)), text
    assert safety.conversation_flagged([]) is False
