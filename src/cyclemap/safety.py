"""The safety screen: signs of violence, coercive control, self-harm or fear of a partner.

The pursue-withdraw frame assumes a relationship that is fundamentally safe.
Where a turn shows danger, cyclemap must not call it a shared dance nor coach
the frightened person to soften. The screen reads each turn two ways: the move
model's safety outputs (trained on flagged turns and on hard negatives such as
"this traffic is killing me"), and a list of explicit phrases. A phrase alone
is not enough (films, jokes and figures of speech use the same words); it
lowers the bar the model's reading must reach. Missing danger costs more than a
false alarm, so the bars are set for recall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .codebook import SafetyFlag
from .moves.label import Evidence

#: A flag is raised when the model's probability reaches its bar here (chosen on the dev split).
#: self_harm and fear sit higher: "I freeze up when it feels like a test I'm failing" and "I get
#: scared when you go quiet" are soft, vulnerable bids, the very moves cyclemap coaches, and must
#: not read as danger ...
MODEL_THRESHOLDS = {"violence": 0.35, "control": 0.35, "self_harm": 0.5, "fear": 0.7}
#: ... or reaches this and an explicit phrase for the flag is present.
PHRASE_THRESHOLD = 0.05
#: A flag is *clear* when the model is this sure, or a phrase backs it; otherwise *possible*.
CLEAR_THRESHOLD = 0.9
#: A conversation is flagged on one clear sign, or on this many possible signs of one flag ...
CLUSTER = 3
#: ... within this many turns (one stray possible sign in a long, safe chat is not enough:
#: per turn the screen errs toward caution, per conversation it must not cry wolf).
CLUSTER_WINDOW = 10

_I_WILL = r"(?:i'?ll|i will|i'?m gonna|i'?m going to|gonna)"
PHRASES: dict[str, tuple[str, ...]] = {
    "violence": (
        rf"\b{_I_WILL} (?:kill|hurt|hit|beat|stab|strangle|choke|punch|slap|smash) (?:you|u|her|him|your)\b",
        r"\b(?:you|u|he|she) (?:hit|punched|slapped|choked|strangled|shoved|pushed|kicked|grabbed|threw \w+ at) me\b",
        r"\b(?:hands|hand) (?:on|around) (?:me|my (?:neck|throat))\b",
        r"\b(?:break|snap) your (?:neck|arm|legs?|face)\b",
        r"\byou'?(?:ll|d) (?:regret|be sorry)\b",
        r"\bdon'?t make me (?:do something|hurt|hit)\b",
        r"\b(?:bruise|bruises|black eye)\b",
        r"\b(?:knife|gun)\b.{0,80}?\b(?:you|me)\b",
    ),
    "control": (
        r"\b(?:give|show|hand) me your phone\b",
        r"\b(?:check|checked|checking|read|reading|went through|go through) (?:your|my) (?:phone|messages|texts|emails?|dms)\b",
        r"\b(?:not|never) allowed to\b",
        r"\byou(?:'re| are) not (?:going|seeing|talking)\b",
        r"\b(?:it'?s )?(?:me or (?:them|her|him|your \w+))\b",
        r"\b(?:allowance|my money|your card|the cards?)\b.{0,80}?\b(?:behave|earn|allowed|take)\b",
        r"\bwhere (?:were|are) you\b.{0,80}?\b(?:photo|picture|prove|location)\b",
        r"\b(?:send|show) me (?:a )?(?:photo|picture|pic|proof)\b",
        r"\bwho (?:were|are|was) you (?:texting|talking to|messaging)\b",
        r"\bi'?ll tell (?:your|everyone)\b",
    ),
    "self_harm": (
        r"\b(?:kill|hurt|cut|harm) my ?self\b",
        r"\bend (?:it all|my life|it tonight|things)\b",
        r"\bwant(?:ed)? to die\b",
        r"\b(?:suicide|suicides|suicidal|suicidality)\b",
        r"\bbetter off (?:without|if i (?:was|were) gone|if i (?:was|were) dead)\b",
        r"\bno (?:reason|point) (?:to live|in living|anymore)\b",
        r"\b(?:won'?t|not) be (?:here|around) (?:much longer|anymore|tomorrow)\b",
        r"\bi'?ll be gone\b",
        r"\b(?:overdose|the pills|pills here|take them all)\b",
        r"\b(?:cutting|self.?harm)\b",
    ),
    "fear": (
        r"\bi'?m (?:so |really )?(?:scared|afraid|terrified|frightened) (?:of you|of him|of her|of what (?:you|he|she))\b",
        r"\b(?:you'?re|you are) (?:scaring|frightening) me\b",
        r"\bwalking on eggshells\b",
        r"\b(?:scared|afraid) to (?:come home|go home|tell you|say)\b",
        r"\bplease don'?t (?:hurt|hit|shout at|be angry)\b",
        r"\blocked (?:the|myself in)\b",
    ),
}
# One alternation per flag: four searches a turn instead of forty.
_COMPILED = {flag: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) for flag, patterns in PHRASES.items()}
FLAGS: tuple[str, ...] = tuple(f.value for f in SafetyFlag)


# Every phrase above needs at least one of these words; a turn with none of them (most turns)
# is passed over with one cheap scan. test_safety.py checks the list covers every phrase.
GATE_WORDS = frozenset("""
kill hurt hit beat stab strangle choke punch slap smash punched slapped choked strangled shoved pushed
kicked grabbed threw hands hand neck throat break snap regret sorry make bruise bruises eye knife gun
phone messages texts email emails dms allowed going seeing talking or allowance money card cards photo
picture pic proof location prove texting messaging tell myself self selfharm end die suicide suicides
suicidal suicidality better reason point here around gone overdose pills take cutting harm scared afraid
terrified frightened scaring frightening eggshells please locked
""".split())
_WORDS = re.compile(r"[a-z]+")


def phrase_evidence(text: str) -> dict[str, Evidence]:
    """The first explicit phrase found for each flag."""
    found: dict[str, Evidence] = {}
    if GATE_WORDS.isdisjoint(_WORDS.findall(text.lower())):  # most turns: one cheap scan, nothing found
        return found
    for flag, pattern in _COMPILED.items():
        match = pattern.search(text)
        if match:
            found[flag] = Evidence(f"safety: {flag}", match.group(0), match.start(), match.end())
    return found


def screen_turn(text: str, probabilities: Sequence[float]) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """Flags for one turn from the model's flag probabilities (in FLAGS order) and the phrases."""
    phrases = phrase_evidence(text)
    flags: list[str] = []
    evidence: list[Evidence] = []
    for flag, probability in zip(FLAGS, probabilities, strict=True):
        backed = flag in phrases and probability >= PHRASE_THRESHOLD
        if probability >= MODEL_THRESHOLDS[flag] or backed:
            flags.append(flag)
            level = "clear" if backed or probability >= CLEAR_THRESHOLD else "possible"
            if backed:
                phrase = phrases[flag]
                evidence.append(Evidence(f"safety: {flag} ({level})", phrase.text, phrase.start, phrase.end))
            else:
                evidence.append(Evidence(f"safety: {flag} ({level})", f"the model's reading of the turn ({probability:.2f})"))
    return tuple(flags), tuple(evidence)


def conversation_flagged(findings: Sequence[SafetyFinding]) -> bool:
    """One clear sign, or CLUSTER possible signs of one flag within CLUSTER_WINDOW turns."""
    if any(f.clear for f in findings):
        return True
    for flag in FLAGS:
        positions = [f.position for f in findings if flag in f.flags]
        for i in range(len(positions) - CLUSTER + 1):
            if positions[i + CLUSTER - 1] - positions[i] < CLUSTER_WINDOW:
                return True
    return False


@dataclass(frozen=True)
class SafetyFinding:
    """One flagged turn of a conversation."""

    turn_id: str
    speaker: str | None
    flags: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    position: int = 0  # the turn's place in the input, for clusters

    @property
    def clear(self) -> bool:
        return any(e.reason.endswith("(clear)") for e in self.evidence)

    def to_json(self) -> dict:
        return {
            "turn": self.turn_id,
            "speaker": self.speaker,
            "flags": list(self.flags),
            "clear": self.clear,
            "evidence": [e.to_json() for e in self.evidence],
        }
