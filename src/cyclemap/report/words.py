"""The report's plain words: the cycle's language, never a guilty partner.

Everything a person reads in the report that is not their own chat comes from
here, so the tone can be checked (and changed) in one place.
"""

from __future__ import annotations

import re
from typing import Any

#: What each cue looks like, as a verb phrase ("Riley ... ").
CUE_WORDS = {
    "criticize": "criticizes", "demand": "insists on talking now", "interrogate": "asks why, again",
    "reassure_seek": "asks if things are ok", "complain_response": "protests the answer",
    "contact": "sends more messages", "escalate": "raises the stakes",
    "shutdown": "goes quiet or answers briefly", "deflect": "changes the subject", "exit": "leaves the conversation",
    "minimize": "plays it down", "defend": "defends themselves", "appease": "gives in to end it",
    "vulnerable": "says what they feel", "name_overwhelm": "names feeling flooded", "name_cycle": "names the loop",
    "reassure": "reassures", "repair": "reaches back", "validate": "acknowledges the other", "invite": "invites talking",
}

#: How each move is said in the cycle's language.
MOVE_VERBS = {"pursue": "presses", "withdraw": "pulls back", "soften": "softens", "neutral": "talks"}

ENDINGS = {
    "repaired": "repaired", "softened": "softened", "exit": "someone left",
    "silence": "went quiet", "unresolved": "left open",
}

VERDICTS = {
    "loosening": "The cycle seems to be loosening.",
    "tightening": "The cycle seems to be tightening.",
    "no clear change": "No clear change over time yet.",
    "not enough data": "Not enough time covered yet to see a change.",
}

CANNOT_SEE = [
    "tone of voice, faces and silences that happen in the same room;",
    "what happened offline, before or after the messages;",
    "the history behind a message, and what a word means between the two of you;",
    "jokes that only you share, and the kindness that never needed words.",
]

NOT_A_DIAGNOSIS = (
    "This is a reading of words, made by a computer program. It is not a diagnosis of anyone "
    "or of the relationship, and roles belong to these messages, not to a person for good."
)

# Documents written before hot moments carried ``source`` (before 2026-11-26, e.g. an import stored by the
# web app) are told apart by the wording cyclemap used for silences and bursts.
_TIMING = re.compile(r"( replied after .+; they usually reply within |^\d+ messages in a row with no reply; )")


def is_timing(text: str, source: str | None) -> bool:
    """True for a silence or burst cyclemap described (not a person's words): by ``source``, or by its wording
    in an older document without one."""
    if source is not None:
        return source != "turn"
    return bool(_TIMING.search(text or ""))


def confidence_words(value: float | None) -> str:
    value = value or 0.0
    if value >= 0.67:
        return "a clear pattern"
    if value >= 0.34:
        return "a fairly clear pattern"
    return "a tentative pattern"


def shape(reading: dict[str, Any], names: list[str]) -> str:
    """One sentence for a pattern, in the language of the cycle."""
    pattern = reading.get("pattern")
    p, w = reading.get("pursuer"), reading.get("withdrawer")
    both = " and ".join(names) if names else "you"
    if pattern == "pursue-withdraw":
        if p and w:
            return f"When {p} presses, {w} pulls back; when {w} pulls back, {p} presses harder."
        return "One of you presses and the other pulls back, and each move feeds the other."
    if pattern == "mutual-pursuit":
        return f"When it gets tense, {both} both press at the same time: pressure meets pressure."
    if pattern == "mutual-withdrawal":
        return f"When it gets tense, {both} both step back, and the distance grows."
    if pattern == "softened":
        return "When it gets tense, a softer move often answers it."
    if pattern == "calm":
        return "Mostly calm: little pressing or pulling back either way."
    return "There is not enough here to see a pattern."


def underlying_questions(role: str, me: str, other: str) -> list[str]:
    """Feelings and fears that MAY lie underneath a move: always questions, never facts."""
    if role == "pursuer":
        return [
            f"When {other} goes quiet, does it feel as if you don't matter enough to answer?",
            "Could the pressing be a way of holding on, a fear of drifting apart?",
            f"What would you most want {other} to hear underneath the words?",
        ]
    if role == "withdrawer":
        return [
            f"When {other} presses, does it feel like failing, whatever you say?",
            "Could going quiet be a way of trying not to make things worse?",
            "What would help you stay a little longer, or say that you need a pause?",
        ]
    if role == "either":
        return [
            f"When you press, {me}, what are you afraid might happen if you didn't?",
            f"When you pull back, what are you protecting, between you and {other}?",
        ]
    if role == "both-press":
        return [
            "When you both press, is each of you trying to be heard first?",
            f"What feels at risk, {me}, if you stop pushing for a moment?",
        ]
    if role == "both-withdraw":
        return [
            "When you both step back, what is each of you protecting?",
            f"Is there something you'd say to {other} if you knew it would land softly?",
        ]
    return []


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def sentence(text: str) -> str:
    """``text`` as a sentence: capital first letter, full stop at the end."""
    text = (text or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
