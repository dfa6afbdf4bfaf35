"""Codebook rules the learned models miss, applied as corrections to their class probabilities.

Each rule is one decision rule of the codebook (``CODEBOOK.md``, "Decision rules"), written so it
fires only where its wording leaves no doubt, and it never overrides a model outright: it
multiplies the odds of one class by ``factor`` and renormalises, so a model that is very sure of
something else can still win, and the confidence stays a probability.

Why rules and not more training: these turns are rare in the corpus (a handful per thousand), so
the models see too few to learn them, while the codebook states them plainly. Every rule reads
only the turn, the speaker of the turn before and the fast model's reading of that turn, all
inside the window the label cache keys on.

Measured one by one on dev and on the held-out set (docs/model-card.md, "blend.v3"); a rule that
did not help on both was left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Turn
from .classes import CLASSES, MOVES

#: What a rule says about a turn: the class to favour, or None when it does not apply.
Verdict = str | None


@dataclass(frozen=True)
class Rule:
    """One codebook rule: its name, the codebook rule it follows, and how strongly it pulls."""

    name: str
    codebook_rule: int
    #: (turns, index, the fast model's move probabilities of the turn before or None) -> class to favour
    decide: Callable[[Sequence[Turn], int, np.ndarray | None], Verdict]
    factor: float
    #: Whether ``decide`` needs the reading of the turn before (computed only for turns that may need it).
    needs_previous: bool = False
    #: A cheap test on the text alone: the rule can only apply where this matches.
    trigger: re.Pattern[str] | None = None


# --- rule 9: who is addressed -------------------------------------------------------------------
# A stage direction "(to the waiter)" / "[to his mother]" names the addressee. A name alone may be
# the partner ("(to Yusuf) Find the form."), so only descriptions ("the barman", "his mother",
# "another driver") or names nobody in the window answers to count as someone other than the partner.
_ADDRESSEE = re.compile(r"^\s*[(\[]\s*to\s+([^)\]]{1,40})[)\]]", re.IGNORECASE)
_DESCRIPTION = re.compile(r"^(the|a|an|his|her|their|my|our|your|another|some|one of)\b", re.IGNORECASE)


def _third_party(turns: Sequence[Turn], index: int, previous: np.ndarray | None) -> Verdict:
    match = _ADDRESSEE.match(turns[index].text)
    if not match:
        return None
    addressee = match.group(1).strip()
    if _DESCRIPTION.match(addressee):
        return "neutral"
    nearby = {t.speaker.casefold() for t in turns[max(0, index - 3): index + 1] if t.speaker}  # (a turn may name no one)
    return None if addressee.casefold() in nearby else "neutral"


# --- rules 2 and 10: context decides minimal replies ---------------------------------------------
# "ok." after a complaint or a protest is withdraw/shutdown; after a calm question, a plan or a
# kind word it is plain assent, neutral. The turn before is read by the fast model (cheap, and
# inside the cache window); only replies to the other person count.
_MINIMAL = re.compile(
    r"^\s*(ok+|okay|k+|kk|fine|sure|whatever|yeah|yep|yup|mhm+|mm+|right|alright|noted|got it|"
    r"if you say so|nothing|never ?mind|nvm|yes|no|nope)\s*[.!?…]*\s*$",
    re.IGNORECASE,
)
_PURSUE = MOVES.index("pursue")


def _minimal_reply(turns: Sequence[Turn], index: int, previous: np.ndarray | None) -> Verdict:
    if index == 0 or previous is None or not _MINIMAL.match(turns[index].text):
        return None
    if turns[index - 1].speaker == turns[index].speaker:
        return None
    return "shutdown" if int(np.argmax(previous)) == _PURSUE else "neutral"


# --- rules 6 and 11: a mock apology is sarcasm at the partner ------------------------------------
# "oh I'm sorry, I forgot you're the perfect parent" apologises in form only: pursue/criticize.
# "sorry, I forgot. that's on me" is a real apology and must not match.
_MOCK_APOLOGY = re.compile(
    r"\bsorry,? (i forgot (that )?(you'?re|you are|you were)\b|for (existing|breathing|asking|caring|having feelings)"
    r"|that i (exist|asked|care))"
    r"|\b(excuse|forgive|pardon) me for (existing|breathing|asking|caring|living|having)"
    r"|\bhow dare i\b|\bsilly me\b",
    re.IGNORECASE,
)


def _mock_apology(turns: Sequence[Turn], index: int, previous: np.ndarray | None) -> Verdict:
    return "criticize" if _MOCK_APOLOGY.search(turns[index].text) else None


THIRD_PARTY = Rule("third_party", 9, _third_party, factor=20.0, trigger=_ADDRESSEE)
MINIMAL_REPLY = Rule("minimal_reply", 2, _minimal_reply, factor=4.0, needs_previous=True, trigger=_MINIMAL)
MOCK_APOLOGY = Rule("mock_apology", 6, _mock_apology, factor=4.0, trigger=_MOCK_APOLOGY)

#: The rules blend.v3 applies. minimal_reply fixed turns on dev and on the held-out chats and broke
#: fewer than it fixed; third_party fixed one dev turn and changed nothing on the held-out set (its
#: turns there were already right). mock_apology changed no turn on dev or the held-out set (the
#: models' own reading won every time), so it is defined and tested but not applied.
RULES: tuple[Rule, ...] = (THIRD_PARTY, MINIMAL_REPLY)


def candidates(turns: Sequence[Turn], rows: Sequence[int], rules: Sequence[Rule] = RULES) -> list[int]:
    """Positions in ``rows`` whose text any rule might act on (a regex each: nearly free)."""
    return [k for k, i in enumerate(rows) if any(r.trigger is None or r.trigger.search(turns[i].text) for r in rules)]


def correct(
    class_probs: np.ndarray,
    turns: Sequence[Turn],
    rows: Sequence[int],
    previous: dict[int, np.ndarray],
    rules: Sequence[Rule] = RULES,
) -> np.ndarray:
    """``class_probs`` (one row per entry of ``rows``) with every applicable rule's pull applied.

    ``previous``: the fast model's move probabilities of turn i-1, by row index i, for the rows a
    rule needing it may fire on. Rows no rule touches are returned unchanged.
    """
    out = class_probs.copy()
    for k in candidates(turns, rows, rules):
        i = rows[k]
        for rule in rules:
            if rule.trigger is not None and not rule.trigger.search(turns[i].text):
                continue
            verdict = rule.decide(turns, i, previous.get(i))
            if verdict is None:
                continue
            out[k, CLASSES.index(verdict)] *= rule.factor
            out[k] /= out[k].sum()
    return out


def needs_previous(turns: Sequence[Turn], rows: Sequence[int], rules: Sequence[Rule] = RULES) -> list[int]:
    """Row indices i (i > 0) for which a rule wants the fast model's reading of turn i-1."""
    wanted = [r for r in rules if r.needs_previous]
    return [i for i in rows if i > 0 and any(r.trigger is None or r.trigger.search(turns[i].text) for r in wanted)]
