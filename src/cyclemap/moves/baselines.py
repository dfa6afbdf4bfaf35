"""Reference models every real model must beat: the majority class and a keyword matcher.

Neither reads context; they exist so that an evaluation always shows what
"no skill" and "obvious words" score on the same data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..codebook import CUES, Move
from .label import Evidence, MoveLabel
from .registry import Dialogue, MoveModel, register_model


@register_model("majority.v1")
class MajorityModel(MoveModel):
    """Always the most frequent move (and its most frequent cue) of the training data."""

    name = "majority.v1"

    def fit(self, dialogues: Sequence[Dialogue], labels: Sequence[Sequence[MoveLabel]]) -> MajorityModel:
        flat = [label for conversation in labels for label in conversation]
        if not flat:
            raise ValueError("no labelled turns to fit on")
        move = Counter(label.move for label in flat).most_common(1)[0][0]
        cues = Counter(label.cue for label in flat if label.move == move)
        self.label_ = MoveLabel(Move(move), cues.most_common(1)[0][0], confidence=cues.total() / len(flat))
        return self

    def predict(self, dialogues: Sequence[Dialogue]) -> list[list[MoveLabel]]:
        self._check_fitted("label_")
        return [[self.label_ for _ in conversation] for conversation in dialogues]


# Obvious words for each cue: the matcher a newcomer would write first.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "criticize": (r"you never", r"you always", r"your fault", r"selfish", r"lazy", r"typical", r"unbelievable"),
    "demand": (r"we need to talk", r"talk (to me )?now", r"don'?t walk away", r"right now", r"you have to", r"you need to"),
    "interrogate": (r"why (didn'?t|don'?t|did|do|would|are|were) you", r"where were you", r"who (was|were|is) (that|it|she|he)", r"\?\s*\?"),
    "reassure_seek": (r"do you (even )?(care|love)", r"are we (ok|okay)", r"do you still", r"are you mad"),
    "complain_response": (r"that'?s (all|it)\??", r"you'?re not listening", r"seriously\?", r"that'?s your answer"),
    "contact": (r"^hello\?+", r"answer me", r"\bpick up\b", r"come back here", r"are you there", r"^\?+$"),
    "escalate": (r"i'?m done", r"shut up", r"i'?m leaving you", r"screw you", r"f+u+c+k (you|off)", r"hate you"),
    "shutdown": (r"^(fine|ok|okay|k|whatever|sure)\.?$", r"leave it", r"i don'?t want to talk", r"drop it"),
    "deflect": (r"anyway", r"by the way", r"did you see", r"what'?s for dinner"),
    "exit": (r"i'?m going (out|to bed|for a walk)", r"i have to go", r"gotta go", r"i'?m out"),
    "minimize": (r"not a big deal", r"overreacting", r"calm down", r"it doesn'?t matter", r"i don'?t care"),
    "defend": (r"not my fault", r"i was (busy|working)", r"nothing i do", r"i didn'?t do anything", r"always on at me"),
    "appease": (r"fine,? (you'?re right|sorry)", r"can we (just )?drop it", r"sorry,? ok\??", r"whatever you want"),
    "vulnerable": (r"i feel", r"i'?m (scared|afraid|lonely|hurt|sad)", r"i miss you", r"i need you"),
    "name_overwhelm": (r"overwhelmed", r"flooded", r"need (a|some) (break|minute|time)", r"come back to (this|it)"),
    "name_cycle": (r"our (loop|pattern|cycle|dance)", r"doing (it|this|the thing) again", r"here we go again"),
    "reassure": (r"i'?m (here|not going anywhere)", r"of course (you matter|i love you)", r"i love you"),
    "repair": (r"i'?m sorry", r"my fault", r"i shouldn'?t have", r"i was wrong", r"apologi[sz]e"),
    "validate": (r"i (get|understand|see) why", r"that makes sense", r"you'?re right", r"that must have"),
    "invite": (r"can we talk", r"what'?s going on", r"how are you feeling", r"tell me (more|what)"),
}
_PATTERNS = [(cue, re.compile(pattern, re.IGNORECASE)) for cue, patterns in KEYWORDS.items() for pattern in patterns]


def keyword_label(text: str) -> MoveLabel:
    """The first cue whose keyword occurs in ``text``, else neutral."""
    for cue, pattern in _PATTERNS:
        found = pattern.search(text.strip())
        if found:
            evidence = Evidence("keyword", found.group(0), found.start(), found.end())
            return MoveLabel(CUES[cue], cue, confidence=0.5, evidence=(evidence,))
    return MoveLabel(Move.NEUTRAL, None, confidence=0.5)


@register_model("keywords.v1")
class KeywordModel(MoveModel):
    """Matches a fixed list of obvious words per cue; learns nothing."""

    name = "keywords.v1"

    def fit(self, dialogues: Sequence[Dialogue], labels: Sequence[Sequence[MoveLabel]]) -> KeywordModel:
        self.fitted_ = True
        return self

    def predict(self, dialogues: Sequence[Dialogue]) -> list[list[MoveLabel]]:
        self._check_fitted("fitted_")
        return [[keyword_label(turn.text) for turn in conversation] for conversation in dialogues]
