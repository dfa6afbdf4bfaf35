"""Warning-sign families, guards the codebook names, and the encoder's support for possible families (S9, issue 7).

The families are written from published lists of warning signs (suicide-prevention bodies; DV organisations'
safety-planning and digital-abuse guidance), each beside look-alikes it must leave alone. The guards silence
the codebook's non-flags: generosity, puns and idioms, a past relationship told as over."""

from __future__ import annotations

import numpy as np
import pytest

import cyclemap.safety_encoder as safety_encoder
from cyclemap.safety import conversation_flagged, screen_text
from cyclemap.safety_lexicon import lexicon

# A self-harm threat conditional on the partner's action is self_harm even with a laugh after it (codebook:
# "you'd be better off without me" said as a threat); the same words about a meeting stay a figure of speech.
THREATS = ["if you leave me I'll kill myself haha", "I'll kill myself if you go lol",
           "if u ever break up with me ima kill myself 😂"]
FIGURES = ["lol this meeting is killing me", "I'll kill myself if I have to sit through another meeting haha"]


@pytest.mark.parametrize("text", THREATS)
def test_a_self_harm_threat_on_the_partner_leaving_is_flagged_despite_the_laugh(text: str) -> None:
    findings = screen_text(text)
    assert findings and "self_harm" in findings[0].flags
    assert conversation_flagged(findings)  # a clear sign: the notice and the resources are shown
    assert any("kill myself" in e.text for e in findings[0].evidence)


@pytest.mark.parametrize("text", FIGURES)
def test_a_joke_about_a_meeting_stays_unflagged(text: str) -> None:
    assert screen_text(text) == []


FOUND = [
    ("I've been thinking about checking out for good", "self_harm", "possible"),
    ("you won't have to deal with me much longer", "self_harm", "possible"),
    ("I feel calm now that I've made my decision", "self_harm", "possible"),
    ("he demands all my passwords", "control", "clear"),
    ("I had to give him my passwords", "control", "clear"),
    ("she installed an app so she can read my messages", "control", "clear"),
    ("I keep the hotline number hidden in my shoe", "fear", "possible"),
    ("I saved the domestic violence helpline under a fake name", "fear", "possible"),
    ("I'm staying at a refuge now", "fear", "possible"),
    ("don't tell him where I am", "fear", "possible"),
    ("can't talk, he's home", "fear", "possible"),
    # signs that fire on none of the team's sets, kept for other writers' words (lead, S9's candidates)
    ("I have no reason to live anymore", "self_harm", "clear"),
    ("I'm so tired of being a burden to everyone", "self_harm", "clear"),
    ("I was googling how many pills it takes to die", "self_harm", "clear"),
    ("I feel so trapped, there's no way out", "self_harm", "possible"),
    ("I've been putting my affairs in order", "self_harm", "possible"),
    ("he won't allow me to see my sister", "control", "clear"),
    ("she made me quit my job", "control", "clear"),
    ("I honestly think he is capable of killing me", "fear", "clear"),
    ("he said if he can't have me nobody can", "violence", "clear"),
]

LEFT_ALONE = [
    "I'm going to check out of the hotel early tomorrow",
    "you won't have to worry about me, I'm at mum's tonight",
    "I've made my peace with the haircut, it'll grow back",
    "IT changed all our passwords again",
    "I keep a bag in the boot for the gym",
    "the bank's hotline number is on the back of the card",
    "can't talk, driving",
    "no reason to live in London if we both work from home",
    "stuck in traffic, I feel trapped in this car park",
    "he won't allow me to pay, he says it's his treat",
    "the kids think he's capable of anything on a skateboard",
]


@pytest.mark.parametrize("text,flag,level", FOUND)
def test_each_published_warning_sign_is_found_with_its_flag(text: str, flag: str, level: str) -> None:
    hits, _ = lexicon().scan(text)
    assert any(h.flag == flag and h.level == level for h in hits), hits


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_look_alikes_of_the_signs_are_left_alone(text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert hits == []


NOT_FLAGGED = [
    "you're not allowed to pay tonight, it's my treat",  # generosity
    "he hit me with the worst pun at dinner",  # a pun
    "my ex used to read my messages, I'm so glad you trust me",  # a past relationship
]


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_generosity_puns_and_past_relationships_are_not_flagged(text: str) -> None:
    hits, held = lexicon().scan(text)
    assert hits == [] and held  # the family's words are there, and a guard holds them
    assert lexicon().in_context(text)  # a model's reading alone then needs its guarded bar
    assert screen_text(text) == []


def test_a_past_relationship_guard_gives_way_to_now() -> None:
    hits, _ = lexicon().scan("my ex used to read my messages and now he's doing it again")
    assert any(h.flag == "control" for h in hits)


class _Stub:
    """An encoder reading every text the same, for the rule alone (no model loaded)."""

    def __init__(self, row: list[float]) -> None:
        self.row = np.asarray(row, np.float32)
        self.bars = {"violence": 1.01, "control": 0.9, "self_harm": 0.99, "fear": 0.93}

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return np.tile(self.row, (len(texts), 1))


@pytest.mark.parametrize("reading,flagged", [(0.6, True), (0.3, False)])
def test_the_encoder_supports_a_possible_family_on_a_lone_message(monkeypatch: pytest.MonkeyPatch, reading: float,
                                                                  flagged: bool) -> None:
    text = "I can't do this anymore"  # a possible self-harm family: it needs a model's support
    config = safety_encoder.settings()
    if config is None:
        pytest.skip("no safety encoder installed")
    monkeypatch.setattr(safety_encoder, "encoder", lambda: _Stub([0.0, 0.0, reading, 0.0]))
    ((flags, evidence),) = safety_encoder.add_findings([(text, [0.0, 0.0, 0.0, 0.0])], [((), ())],
                                                        wording=[[0.0, 0.0, 0.0, 0.0]], lone=[True])
    if flagged:
        assert flags == ("self_harm",)
        assert evidence[0].reason == "safety: self_harm (possible)"  # a possible sign: one alone flags no chat
        assert evidence[0].text in text  # the family's own words, not a model's number
    else:
        assert flags == ()
