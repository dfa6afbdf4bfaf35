"""Lexicon families added for ideas the codebook names and the screen missed (S6, issue 7): reported threats,
harm to pets, contact with others rationed, ongoing harm with a contracted subject, no reason to live,
"you don't need anyone but me", waiting for the coast to be clear. Each beside look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from cyclemap.safety_lexicon import lexicon

FOUND = [
    ("my boyfriend threatened to break my jaw if I spoke to the police", "violence", "clear"),
    ("she threatens to stab me whenever she's been drinking", "violence", "clear"),
    ("he threatened me with a hammer last week", "violence", "clear"),
    ("my husband poisoned our rabbit to teach me a lesson", "violence", "clear"),
    ("she battered the puppy because I was home late", "violence", "clear"),
    ("I'm only allowed to ring my parents once a month", "control", "clear"),
    ("he doesn't let me meet my mates unless he comes along", "control", "clear"),
    ("she's kicking me, please come", "violence", "clear"),
    ("they're beating me again", "violence", "clear"),
    ("I can't think of one reason to stay alive", "self_harm", "clear"),
    ("u dont need anybody except me babe", "control", "clear"),
    ("I'll text you once the coast is clear", "fear", "possible"),
]

LEFT_ALONE = [
    "my boss threatened to cut me off if I miss another shift",
    "she threatened to break up with me if I forget her birthday again lol",
    "he kicked the dog's ball over the fence",
    "she threw the cat toy across the room and he went nuts chasing it",
    "I'm only allowed to see the dentist on Tuesdays, their rules",
    "we're only allowed to call our families on Sundays at the training camp",
    "I can't find a reason to live in London anymore, it's so expensive",
    "you're killing me with these puns",
    "you don't need anyone but me to carry the sofa, I'm strong",
]


@pytest.mark.parametrize("text,flag,level", FOUND)
def test_each_new_idea_is_found_with_its_flag(text: str, flag: str, level: str) -> None:
    hits, _ = lexicon().scan(text)
    assert any(h.flag == flag and h.level == level for h in hits), hits


#: The families these tests are about (older families have their own tests).
FAMILIES = {"threat_reported", "harm_to_pets", "permission_isolation", "harm_ongoing", "suicidal_statement",
            "isolating_claims", "hiding_from_partner"}


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_look_alikes_raise_no_sign_of_these_families(text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert not [h for h in hits if h.family in FAMILIES], hits


def test_evidence_points_at_the_words_of_the_message() -> None:
    text = "She said it calmly. He threatened to strangle me if I left."
    hits, _ = lexicon().scan(text)
    hit = next(h for h in hits if h.family == "threat_reported")
    assert text[hit.start:hit.end] == hit.text and "threatened to strangle me" in hit.text
