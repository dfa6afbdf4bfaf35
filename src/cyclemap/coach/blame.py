"""Words that carry blame, absolutes and insults: a softer message must have none of them.

The codebook's first rule is that blame wins over vulnerability: "I'm lonely
because you never talk to me" is still a pursuit. So every alternative the
coach offers is checked against this list as well as against the classifier,
and a draft's own words ("your stupid phone") are cleaned before they are
reused.
"""

from __future__ import annotations

import re

#: Absolutes, character attacks and sarcasm markers (the codebook's criticize cue).
BLAME_PATTERNS: tuple[str, ...] = (
    r"\balways\b", r"\bnever\b", r"\bevery (?:single )?time\b", r"\bfor once\b", r"\bfor a change\b",
    r"\byou(?:'re| are) so\b", r"\byou(?:'re| are) (?:such|just|being|always|never|the one)\b",
    r"\byou make me\b", r"\byour fault\b", r"\bwhat(?:'s| is) wrong with you\b", r"\bhow (?:hard|difficult) is it\b",
    r"\bis it (?:so|that|really) hard\b", r"\bwould it kill you\b", r"\btypical\b", r"\bclassic\b",
    r"\bseriously\b", r"\bobviously\b", r"\bof course you\b", r"\bthanks a lot\b", r"\bwhatever\b",
    r"\bgrow up\b", r"\bget over it\b", r"(?<!to )\bcalm down\b", r"\bovereact\w*\b", r"\bdramatic\b", r"\bshut up\b",
    r"\bagain\?", r"\bas usual\b", r"\blike (?:a|an) (?:child|baby|kid|adult|normal person)\b",
)
#: Insults and contempt (the codebook's escalate cue); whole words only.
INSULTS: frozenset[str] = frozenset("""
idiot idiotic stupid dumb moron moronic pathetic useless lazy selfish crazy insane psycho ridiculous
childish immature clueless worthless hopeless loser jerk asshole arsehole bitch bastard dick prick
cow pig liar fake heartless cold spoiled spoilt ungrateful inconsiderate disgusting
""".split())
_PATTERN = re.compile("|".join(f"(?:{p})" for p in BLAME_PATTERNS), re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z']+")


def blame_words(text: str) -> list[str]:
    """The blame phrases and insults in ``text`` (empty when there are none)."""
    found = [m.group(0).lower() for m in _PATTERN.finditer(text)]
    found += [w.lower() for w in _WORD.findall(text) if w.lower() in INSULTS]
    return found


def has_blame(text: str) -> bool:
    return bool(blame_words(text))


_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|youre|yours|ur|u|ya)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[^.!?;,\n]+")


def aimed_blame(text: str) -> list[str]:
    """Blame aimed at the partner: insults anywhere, absolutes only in a clause that says "you".

    "it never changes" is weariness; "you never listen" is blame. This decides whether a draft
    the classifier reads as neutral or soft is still rewritten (codebook rule 1: blame wins);
    the alternatives themselves must pass the stricter :func:`blame_words`.
    """
    found = [w.lower() for w in _WORD.findall(text) if w.lower() in INSULTS]
    for clause in _CLAUSE.findall(text):
        if _SECOND_PERSON.search(clause):
            found += [m.group(0).lower() for m in _PATTERN.finditer(clause)]
    return found
