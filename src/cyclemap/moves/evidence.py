"""Why a turn got its label: the words that carry the cue, the context, the timing.

The model decides; this module points at what a person can check. It looks
for the phrases that typically carry the chosen cue (a lexicon per cue), and
adds what the context contributed: a short reply right after a complaint, a
message that follows a long silence. The spans index into the turn's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..codebook import CUES, Move
from ..model import Turn
from .baselines import KEYWORDS
from .label import Evidence, MoveLabel
from .prefilter import Alternation

# More phrases per cue than the keyword baseline uses: evidence should find
# the words in most turns that carry a cue, not decide the cue.
EXTRA: dict[str, tuple[str, ...]] = {
    "criticize": (r"\b(always|never)\b", r"\bwow\b", r"\bof course\b", r"\bclassic\b", r"\bagain\b", r"\bcan'?t even\b", r"\bevery (single )?time\b", r"\bso typical\b", r"\bthanks a lot\b"),
    "demand": (r"\bnow\b", r"\bright now\b", r"\btonight\b", r"\bi want an answer\b", r"\bwe are talking\b", r"\bstop\b"),
    "interrogate": (r"\bwhy\b", r"\bwho\b", r"\bwhere\b", r"\bwhat were you\b", r"\?"),
    "reassure_seek": (r"\bdo you (still )?(love|want|care)\b", r"\bare we\b", r"\bis it me\b", r"\bwill you leave\b"),
    "complain_response": (r"\bthat'?s (all|it)\b", r"\breally\?", r"\bnot listening\b", r"\bthat'?s not what i\b"),
    "contact": (r"\bhello\b", r"\?{2,}", r"\bcall me\b", r"\bplease answer\b", r"\bpick up\b", r"\bwhere are you\b"),
    "escalate": (r"\bdone\b", r"\bsick of\b", r"\bidiot\b", r"\bpathetic\b", r"\bleave you\b", r"\bi swear\b", r"[A-Z]{4,}"),
    "shutdown": (r"^\W*(ok|okay|k|fine|sure|whatever|mhm|mm|yep|yeah)\W*$", r"\bnot now\b", r"\bdon'?t want to\b", r"\bforget it\b", r"\bcan we not\b"),
    "deflect": (r"\banyway\b", r"\bspeaking of\b", r"\bchanging the subject\b", r"\blol\b", r"\bhaha\b"),
    "exit": (r"\bgoing (out|to bed|for a)\b", r"\bbye\b", r"\bleaving\b", r"\bheaded out\b", r"\bi'?m off\b"),
    "minimize": (r"\bno big deal\b", r"\bwhatever\b", r"\bjust\b", r"\bdramatic\b", r"\bit'?s fine\b", r"\bchill\b"),
    "defend": (r"\bi was\b", r"\bi did\b", r"\bnot fair\b", r"\bwhat do you want from me\b", r"\bi try\b", r"\bi can'?t win\b"),
    "appease": (r"\bfine\b", r"\bsorry\b", r"\bwhatever you (want|say)\b", r"\byou'?re right\b", r"\bok ok\b"),
    "vulnerable": (r"\b(scared|afraid|worried|lonely|hurt|anxious|alone)\b", r"\bi('?m| am) (scared|afraid|worried|lonely|hurt|sad|anxious)\b", r"\bi feel\b", r"\bi need\b", r"\bi miss\b", r"\bit hurts\b"),
    "name_overwhelm": (r"\bneed (a|some) (minute|moment|break|space)\b", r"\bcome back\b", r"\bpause\b", r"\btoo much\b", r"\bin (\d+|twenty|ten|an hour)\b"),
    "name_cycle": (r"\bagain\b", r"\bthe thing\b", r"\bthis pattern\b", r"\bloop\b", r"\bwe both\b", r"\bround and round\b"),
    "reassure": (r"\bi'?m here\b", r"\bnot going anywhere\b", r"\bi love you\b", r"\byou matter\b", r"\bwe'?re ok\b"),
    "repair": (r"\bsorry\b", r"\bi was wrong\b", r"\bmy bad\b", r"\bthat wasn'?t fair\b", r"\bi shouldn'?t\b", r"\bforgive\b"),
    "validate": (r"\bmakes sense\b", r"\bi get it\b", r"\bi hear you\b", r"\bfair\b", r"\byou'?re right\b", r"\bi understand\b"),
    "invite": (r"\bcan we talk\b", r"\bhow are you\b", r"\bwhat'?s up\b", r"\btell me\b", r"\bwhat do you need\b", r"\bi want to understand\b"),
}
# One alternation per cue, so finding a turn's evidence is one scan of its text; searched
# phrase by phrase where the phrase's fixed words occur (same matches, a few times faster).
_ALTERNATIONS: dict[str, Alternation] = {
    cue: Alternation((*KEYWORDS.get(cue, ()), *EXTRA.get(cue, ())), re.IGNORECASE) for cue in CUES
}
_PATTERNS: dict[str, re.Pattern[str]] = {cue: a.pattern for cue, a in _ALTERNATIONS.items()}
_MINIMAL_WORDS = 3
NEUTRAL_EVIDENCE = Evidence("model", "no sign of pursuit, withdrawal or softening in the turn and the turns before it")


def word_evidence(text: str, cue: str, limit: int = 3) -> list[Evidence]:
    """Up to ``limit`` non-overlapping spans of ``text`` that carry ``cue``."""
    alternation = _ALTERNATIONS.get(cue)
    if alternation is None:
        return []
    spans: list[Evidence] = []
    for found in alternation.finditer(text):  # leftmost matches, never overlapping
        if found.start() == found.end():
            continue
        spans.append(Evidence("words", found.group(0), found.start(), found.end()))
        if len(spans) >= limit:
            break
    return spans


def explain(
    turns: Sequence[Turn], index: int, move: Move, cue: str | None, previous: MoveLabel | None
) -> tuple[Evidence, ...]:
    """The evidence for ``move``/``cue`` on ``turns[index]`` (``previous``: the label of the turn before)."""
    turn = turns[index]
    if move is Move.NEUTRAL or cue is None:
        return (NEUTRAL_EVIDENCE,)
    found = word_evidence(turn.text, cue)
    before = turns[index - 1] if index else None
    if before is not None and before.speaker != turn.speaker and previous is not None and previous.move is not Move.NEUTRAL:
        if len(turn.text.split()) <= _MINIMAL_WORDS:  # a short reply is read by what it answers
            found.append(Evidence("context", f"follows {before.speaker}'s {previous.move.value} ({previous.cue})"))
    if not found:
        found.append(Evidence("model", "the turn as a whole; no single phrase decided it"))
    return tuple(found)
