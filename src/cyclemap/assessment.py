"""The private self-assessment: which side of the demand/withdraw dance each partner tends to take.

Each partner, alone, rates how likely each of :data:`ITEMS` is when a problem
comes up between them (1 = very unlikely ... 9 = very likely). The items are
the project's own wording, in the structure demand/withdraw research uses:
how I raise, press and criticise, and how my partner avoids, withdraws and
defends; the same for my partner pressing and me withdrawing; how we both
soften and talk things through; how we both avoid. The scoring is in
``docs/assessment.md``; in short, reverse-scored items count as ``10 - x``, and
each scale is the mean of its items.

    from cyclemap.assessment import ITEMS, score, compare, cronbach_alpha
    mine = score({"sp1": 7, "sp2": 6, ...})
    mine.self_pursue_partner_withdraw, mine.partner_pursue_self_withdraw
    compare(mine, theirs, a_consents=True, b_consents=True)   # refuses unless both agree

Scores speak of a side of the dance taken *for now, in this relationship*:
roles belong to a time and a topic, never to a person for good.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import UsageError

VERSION = "cyclemap-dw-1"
SCALE_MIN, SCALE_MAX = 1, 9
SCALE_LABELS = {1: "very unlikely", 5: "sometimes", 9: "very likely"}
QUESTION = "When a problem or a disagreement comes up between you and your partner, how likely is each of these?"
#: A scale is scored when at least this share of its items is answered (the mean of those answered).
MIN_ANSWERED = 0.75


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    scale: str  # sp, pw, pp, sw, cc, ma (see SCALES)
    reverse: bool = False


ITEMS: tuple[Item, ...] = (
    # how I raise, press and criticise
    Item("sp1", "I raise a problem as soon as it bothers me, even when my partner isn't ready to talk.", "sp"),
    Item("sp2", "When my partner doesn't respond, I keep pushing for an answer.", "sp"),
    Item("sp3", "In a disagreement, I point out what my partner did wrong.", "sp"),
    Item("sp4", "When my partner asks for time, I can let the topic wait until later.", "sp", reverse=True),
    # how my partner avoids, withdraws and defends
    Item("pw1", "When I raise a problem, my partner changes the subject or goes quiet.", "pw"),
    Item("pw2", "My partner leaves the room or ends the conversation when things get tense.", "pw"),
    Item("pw3", "When I point something out, my partner defends themselves rather than talk it through.", "pw"),
    Item("pw4", "My partner stays in the conversation with me, even when it gets hard.", "pw", reverse=True),
    # how my partner raises, presses and criticises
    Item("pp1", "My partner raises a problem as soon as it bothers them, even when I'm not ready to talk.", "pp"),
    Item("pp2", "When I don't respond, my partner keeps pushing for an answer.", "pp"),
    Item("pp3", "In a disagreement, my partner points out what I did wrong.", "pp"),
    Item("pp4", "When I ask for time, my partner can let the topic wait until later.", "pp", reverse=True),
    # how I avoid, withdraw and defend
    Item("sw1", "When my partner raises a problem, I change the subject or go quiet.", "sw"),
    Item("sw2", "I leave the room or end the conversation when things get tense.", "sw"),
    Item("sw3", "When my partner points something out, I defend myself rather than talk it through.", "sw"),
    Item("sw4", "I stay in the conversation with my partner, even when it gets hard.", "sw", reverse=True),
    # how we both soften and talk things through
    Item("cc1", "We each say what we feel and what we need, without blaming.", "cc"),
    Item("cc2", "When one of us is upset, the other tries to understand why.", "cc"),
    Item("cc3", "We suggest ways forward and find one we can both accept.", "cc"),
    Item("cc4", "Our disagreements end with at least one of us feeling unheard.", "cc", reverse=True),
    Item("cc5", "After a hard conversation, we find our way back to each other.", "cc"),
    # how we both avoid
    Item("ma1", "We both steer away from subjects that might lead to a disagreement.", "ma"),
    Item("ma2", "When a touchy subject comes up, we both let it drop.", "ma"),
    Item("ma3", "We talk openly about difficult subjects rather than letting them slide.", "ma", reverse=True),
)
ITEM_IDS: tuple[str, ...] = tuple(item.id for item in ITEMS)
_BY_ID = {item.id: item for item in ITEMS}

#: Component scales and the scores built from them.
SCALES: dict[str, tuple[str, ...]] = {
    "self_pursue": ("sp",),
    "partner_withdraw": ("pw",),
    "partner_pursue": ("pp",),
    "self_withdraw": ("sw",),
    "self_pursue_partner_withdraw": ("sp", "pw"),
    "partner_pursue_self_withdraw": ("pp", "sw"),
    "constructive": ("cc",),
    "mutual_avoidance": ("ma",),
}
#: The four scores the assessment reports (the others are their parts).
MAIN_SCALES = ("self_pursue_partner_withdraw", "partner_pursue_self_withdraw", "constructive", "mutual_avoidance")


class ConsentError(UsageError):
    """A comparison was asked for without both partners agreeing to it."""


def scale_items(scale: str) -> tuple[Item, ...]:
    """The items of a score in SCALES."""
    parts = SCALES[scale]
    return tuple(item for item in ITEMS if item.scale in parts)


def check_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    """Answers as {item id: 1..9}; unknown ids and out-of-range or non-integer values are refused."""
    if not isinstance(answers, Mapping):
        raise UsageError("answers must be a mapping of item id to a number from 1 to 9")
    clean: dict[str, int] = {}
    for key, value in answers.items():
        if key not in _BY_ID:
            raise UsageError(f"unknown item {key!r}", hint=f"items are {ITEM_IDS[0]} ... {ITEM_IDS[-1]}")
        if value is None:
            continue  # skipped
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise UsageError(f"item {key}: answer must be a whole number from {SCALE_MIN} to {SCALE_MAX}, got {value!r}")
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise UsageError(f"item {key}: answer must be from {SCALE_MIN} to {SCALE_MAX}, got {value}")
        clean[key] = value
    return clean


def scored_value(item: Item, value: int) -> int:
    """The value as it counts: reverse-scored items count as (min + max) - value, i.e. 10 - value."""
    return SCALE_MIN + SCALE_MAX - value if item.reverse else value


@dataclass(frozen=True)
class AssessmentScores:
    """One person's scores (means on the 1-9 scale; None where too few items were answered).

    No answer is kept here: scores can be shared (with consent) without the answers behind them.
    """

    scores: dict[str, float | None]
    answered: int
    skipped: tuple[str, ...]
    version: str = VERSION

    @property
    def self_pursue_partner_withdraw(self) -> float | None:
        return self.scores["self_pursue_partner_withdraw"]

    @property
    def partner_pursue_self_withdraw(self) -> float | None:
        return self.scores["partner_pursue_self_withdraw"]

    @property
    def constructive(self) -> float | None:
        return self.scores["constructive"]

    @property
    def mutual_avoidance(self) -> float | None:
        return self.scores["mutual_avoidance"]

    @property
    def balance(self) -> float | None:
        """Self-pursue/partner-withdraw minus partner-pursue/self-withdraw: > 0, the pursuing side is more often
        mine; < 0, the withdrawing side is more often mine (in this person's own view)."""
        a, b = self.scores["self_pursue_partner_withdraw"], self.scores["partner_pursue_self_withdraw"]
        return None if a is None or b is None else round(a - b, 2)

    def reading(self) -> list[str]:
        return describe(self)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "scores": dict(self.scores), "balance": self.balance,
                "answered": self.answered, "skipped": list(self.skipped), "reading": self.reading()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AssessmentScores:
        """Scores as written by :meth:`to_json` (e.g. ``cyclemap assess --json``)."""
        raw = data.get("scores") if isinstance(data, Mapping) else None
        if not isinstance(raw, Mapping) or any(name not in raw for name in MAIN_SCALES):
            raise UsageError("not a cyclemap assessment result", hint="make one with 'cyclemap assess --json'")
        scores: dict[str, float | None] = {}
        for name in SCALES:
            value = raw.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not SCALE_MIN <= value <= SCALE_MAX):
                raise UsageError(f"score {name} must be a number from {SCALE_MIN} to {SCALE_MAX} or null")
            scores[name] = None if value is None else float(value)
        skipped = data.get("skipped") or []
        return cls(scores, int(data.get("answered") or 0), tuple(str(s) for s in skipped), str(data.get("version") or VERSION))


def score(answers: Mapping[str, int]) -> AssessmentScores:
    """Score one person's answers ({item id: 1..9}; missing or None = skipped)."""
    given = check_answers(answers)
    scores: dict[str, float | None] = {}
    for scale in SCALES:
        items = scale_items(scale)
        values = [scored_value(item, given[item.id]) for item in items if item.id in given]
        enough = len(values) >= math.ceil(MIN_ANSWERED * len(items))
        scores[scale] = round(sum(values) / len(values), 2) if values and enough else None
    skipped = tuple(item.id for item in ITEMS if item.id not in given)
    return AssessmentScores(scores, len(given), skipped)


def describe(result: AssessmentScores) -> list[str]:
    """The scores in plain, non-blaming words (a side of the dance, for now)."""
    s = result.scores
    lines: list[str] = []
    spw, ppw = s["self_pursue_partner_withdraw"], s["partner_pursue_self_withdraw"]
    if spw is None or ppw is None:
        lines.append("Too many items were skipped to say which side of the dance you tend to take.")
    elif max(spw, ppw) < 4:
        lines.append("In your answers there is little pressing or pulling away around conflict.")
    elif spw - ppw >= 1:
        lines.append("In your view, you more often raise and press, and your partner more often steps back: "
                     "for now, the pursuing side of the dance is more often yours.")
    elif ppw - spw >= 1:
        lines.append("In your view, your partner more often raises and presses, and you more often step back: "
                     "for now, the withdrawing side of the dance is more often yours.")
    else:
        lines.append("In your view, each of you takes both sides of the dance about equally often.")
    if s["mutual_avoidance"] is not None and s["mutual_avoidance"] >= 6:
        lines.append("You see the two of you letting hard subjects slide: the quiet kind of cycle.")
    if s["constructive"] is not None:
        if s["constructive"] >= 6:
            lines.append("You see a good base of talking things through and finding your way back.")
        elif s["constructive"] <= 4:
            lines.append("Talking things through without blame feels hard at the moment; the practice sheets "
                         "('cyclemap practice') are a place to start.")
    return lines


def cronbach_alpha(matrix: Sequence[Sequence[float | None]]) -> float | None:
    """Cronbach's alpha of a respondents x items matrix; None when it cannot be computed.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the totals), with
    sample variances (n - 1). Rows with a missing value are left out. None when
    fewer than 2 items or 2 complete rows remain, or the totals do not vary.
    """
    rows = [list(map(float, row)) for row in matrix if row is not None and all(v is not None for v in row)]
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise UsageError("every row of the matrix needs the same number of items")

    def variance(values: Sequence[float]) -> float:
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / (len(values) - 1)

    item_variance = sum(variance([row[j] for row in rows]) for j in range(k))
    total_variance = variance([sum(row) for row in rows])
    if total_variance == 0:
        return None
    return k / (k - 1) * (1 - item_variance / total_variance)


@dataclass(frozen=True)
class Consistency:
    """Cronbach's alpha of one scale over many people's answers, or why there is none."""

    scale: str
    alpha: float | None
    respondents: int
    items: int
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"scale": self.scale, "alpha": None if self.alpha is None else round(self.alpha, 3),
                "respondents": self.respondents, "items": self.items, "note": self.note}


def consistency(answer_sets: Iterable[Mapping[str, int]], scales: Sequence[str] = MAIN_SCALES) -> list[Consistency]:
    """Internal consistency of each scale from whatever answer sets exist (reverse items reversed first)."""
    given = [check_answers(a) for a in answer_sets]
    out = []
    for scale in scales:
        items = scale_items(scale)
        matrix = [[scored_value(i, a[i.id]) if i.id in a else None for i in items] for a in given]
        complete = sum(all(v is not None for v in row) for row in matrix)
        alpha = cronbach_alpha(matrix)
        if complete < 2:
            note = f"needs at least 2 people who answered every item of this scale ({complete} so far)"
        elif alpha is None:
            note = "every answer set gives the same total, so consistency cannot be measured"
        elif complete < 30:
            note = f"from only {complete} people: a rough figure"
        else:
            note = f"from {complete} people"
        out.append(Consistency(scale, alpha, complete, len(items), note))
    return out


@dataclass(frozen=True)
class Comparison:
    """Two partners' scores side by side (never their answers), and where their views meet or differ."""

    names: tuple[str, str]
    scores: dict[str, dict[str, float | None]]
    views: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"names": list(self.names), "scores": self.scores, "views": self.views}


#: Two views of the same thing differing by this much (on 1-9) are worth talking about.
DIFFERENCE = 2.0


def _as_scores(value: AssessmentScores | Mapping[str, int]) -> AssessmentScores:
    return value if isinstance(value, AssessmentScores) else score(value)


def compare(
    a: AssessmentScores | Mapping[str, int],
    b: AssessmentScores | Mapping[str, int],
    *,
    a_consents: bool,
    b_consents: bool,
    names: tuple[str, str] = ("Partner A", "Partner B"),
) -> Comparison:
    """Put two partners' scores together, only when both have agreed; raises ConsentError otherwise.

    A says "I press, B pulls away" (A's self-pursue/partner-withdraw); B's own view of the same
    thing is B's partner-pursue/self-withdraw. The comparison shows those two views of each
    direction of the dance side by side, and the two views of constructive communication and of
    mutual avoidance.
    """
    if a_consents is not True or b_consents is not True:
        missing = [n for n, ok in zip(names, (a_consents, b_consents), strict=True) if ok is not True]
        raise ConsentError(f"comparing needs both partners' agreement; not agreed yet: {', '.join(missing)}",
                           hint="each partner decides for themselves; nothing is shown until both agree")
    first, second = _as_scores(a), _as_scores(b)
    sa, sb = first.scores, second.scores
    na, nb = names

    def view(about: str, of_a: float | None, of_b: float | None) -> dict[str, Any]:
        gap = None if of_a is None or of_b is None else round(abs(of_a - of_b), 2)
        if gap is None:
            note = "one of you skipped too many items to compare this"
        elif gap >= DIFFERENCE:
            note = "you see this differently: worth talking about, with curiosity about the other's view"
        else:
            note = "you see this much the same way"
        return {"about": about, na: of_a, nb: of_b, "difference": gap, "note": note}

    views = [
        view(f"{na} pressing, {nb} stepping back", sa["self_pursue_partner_withdraw"], sb["partner_pursue_self_withdraw"]),
        view(f"{nb} pressing, {na} stepping back", sa["partner_pursue_self_withdraw"], sb["self_pursue_partner_withdraw"]),
        view("we talk things through", sa["constructive"], sb["constructive"]),
        view("we both let hard things slide", sa["mutual_avoidance"], sb["mutual_avoidance"]),
    ]
    scores = {na: {k: sa[k] for k in MAIN_SCALES}, nb: {k: sb[k] for k in MAIN_SCALES}}
    return Comparison((na, nb), scores, views)


__all__ = [
    "AssessmentScores", "Comparison", "ConsentError", "Consistency", "ITEMS", "ITEM_IDS", "Item", "MAIN_SCALES",
    "QUESTION", "SCALES", "SCALE_MAX", "SCALE_MIN", "check_answers", "compare", "consistency", "cronbach_alpha",
    "describe", "score", "scored_value",
]
