"""The pattern families added from train_extra2 (S3): harm told in other words, threats as consequences,
permission and surveillance, threats to expose, goodbyes in arrangements, hiding from a partner.

Both directions: the new wording fires (with the words as evidence), and the everyday sentences that
borrow those words (a hospital visit, a camping trip, coming out to one's own parents) do not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyclemap.safety import FLAGS, decide, screen_text
from cyclemap.safety_lexicon import lexicon

ROOT = Path(__file__).resolve().parent.parent

#: (flag, family, text): each raises its flag through the named family, with no model.
NEW_SIGNS = [
    ("violence", "harm_ongoing", "she keeps hittin me when she's had a drink"),
    ("violence", "harm_ongoing", "my boyfriend he is beating me every weekend"),
    ("violence", "harm_ongoing", "he fractured my cheekbone in March"),
    ("violence", "harm_ongoing", "he came at me with a screwdriver"),
    ("violence", "harm_ongoing", "she poured boiling water on my hand"),
    ("violence", "harm_ongoing", "he still raises his hand to me"),
    ("violence", "threat_consequence", "keep it up and I'll snap your fingers"),
    ("violence", "threat_consequence", "I could make it look like an accident"),
    ("violence", "threat_consequence", "say that again and you'll be picking your teeth off the floor"),
    ("control", "permission_and_watching", "I need his permission to see my own sister"),
    ("control", "permission_and_watching", "she decides who I can see and when"),
    ("control", "permission_and_watching", "he hid a tracker in my bag"),
    ("control", "permission_and_watching", "he won't let me learn to drive"),
    ("control", "exposure_threats", "he says he'll tell my family I'm gay"),
    ("control", "exposure_threats", "she threatened to leak my pics"),
    ("control", "exposure_threats", "he'll have me sectioned if I go"),
]

#: Possible families: they raise their flag only with a model's support, so here they are read as hits.
POSSIBLE = [
    ("violence", "harm_euphemism", "he got physical with me again"),
    ("self_harm", "goodbye_arrangements", "you'll read about me in the paper"),
    ("self_harm", "goodbye_arrangements", "I've written letters for everyone"),
    ("fear", "hiding_from_partner", "he can't know I messaged you"),
    ("fear", "hiding_from_partner", "if you don't hear from me by nine, call the police"),
]

#: The same words, everyday meaning.
EVERYDAY = [
    "I'm going to tell my parents I'm gay this weekend, will you come with me?",
    "I drove my friend to the refuge today, she's safe now",
    "we broke the record at the pub quiz",
    "he came at me with a tickle attack lol",
    "I need my manager's permission to take Friday off",
    "the doctor decides when I can eat before the operation",
    "I put an AirTag in my suitcase in case the airline loses it",
    "can you send me the photos from the beach?",
    "please look after the cat while I'm in Spain",
    "I've written thank-you letters for the wedding presents",
    "I'll be home when he's asleep, the baby I mean 😂",
    "the kids are beating me at monopoly again",
]


@pytest.mark.parametrize(("flag", "family", "text"), NEW_SIGNS)
def test_new_families_raise_their_flag_with_the_words_as_evidence(flag: str, family: str, text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert family in {h.family for h in hits if h.flag == flag}, text
    findings = screen_text(text)
    assert findings and flag in findings[0].flags
    words = [e for e in findings[0].evidence if e.reason.startswith(f"safety: {flag}")][0]
    assert words.text and text[words.start:words.end] == words.text


@pytest.mark.parametrize(("flag", "family", "text"), POSSIBLE)
def test_possible_families_need_support(flag: str, family: str, text: str) -> None:
    hits, held = lexicon().scan(text)
    assert family in {h.family for h in hits if h.flag == flag}, text
    assert all(h.level == "possible" for h in hits if h.family == family)
    # the move model's support and the wording model's agreement raise it; a wording model in doubt holds it
    assert flag in decide(hits, held, [0.3] * 4, text_probabilities=[0.0] * 4,
                          text_bars={"bar": dict.fromkeys(FLAGS, 1.01), "guarded": dict.fromkeys(FLAGS, 1.01),
                                     "clear": 1.01, "corroborate": dict.fromkeys(FLAGS, 0.0)})[0]
    assert flag not in decide(hits, held, [0.3] * 4, text_probabilities=[0.0] * 4,
                              text_bars={"bar": dict.fromkeys(FLAGS, 1.01), "guarded": dict.fromkeys(FLAGS, 1.01),
                                         "clear": 1.01, "corroborate": dict.fromkeys(FLAGS, 0.2)})[0]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_sentences_with_the_same_words_raise_nothing(text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert not [h for h in hits if h.level == "clear"], text
    assert screen_text(text) == []


def test_the_new_families_are_documented_and_guarded() -> None:
    raw = json.loads((ROOT / "src/cyclemap/data/safety_patterns.json").read_text(encoding="utf-8"))
    ours = {f["id"]: f for f in raw["families"]}
    for name in {family for _, family, _ in NEW_SIGNS + POSSIBLE}:
        assert ours[name]["comment"].strip() and "joke" in ours[name]["guards"], name
