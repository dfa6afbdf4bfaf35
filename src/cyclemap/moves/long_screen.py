"""The safety screen of a very long message (a letter, a pasted document), stretch by stretch.

The screen reads single messages: its figure-of-speech guards look at the whole
text ("the book you lent me" holds a threat as fiction), and its learned wording
model, read over hundreds of message-sized stretches, would meet its rare false
alarm in one of them. So a very long message is cut into overlapping stretches
of about a message's length and each is screened by the lexicon, with its
guards, alone; the flags of all stretches are the message's, with their evidence
pointing into the whole text.
"""

from __future__ import annotations

from ..codebook import SafetyFlag
from ..safety import screen_turn
from ..safety_text import windows_at
from .label import Evidence

#: Characters per stretch (the longest messages the screen was built on are under 500).
STRETCH = 600
_NO_WORDING = (0.0, 0.0, 0.0, 0.0)  # the wording model's reading, left out
_ORDER = [f.value for f in SafetyFlag]


def screen_long(text: str) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    """Flags and evidence of a very long message, as :func:`cyclemap.safety.screen_turn` gives them."""
    flags: set[str] = set()
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for offset, piece in windows_at(text, STRETCH):
        found, why = screen_turn(piece, None, _NO_WORDING)
        flags.update(found)
        for item in why:
            if item.reason in seen:  # the first place each finding shows is enough
                continue
            seen.add(item.reason)
            shift = offset if item.start is not None else 0
            evidence.append(Evidence(item.reason, item.text, None if item.start is None else item.start + shift,
                                     None if item.end is None else item.end + shift))
    return tuple(f for f in _ORDER if f in flags), tuple(evidence)
