"""The pattern of a conversation, period or topic, pair by pair, with its evidence.

Every decision is read from the lag-1 tables of a pair of partners, A -> B and
B -> A (:mod:`.sequential`): how one partner's move is *answered* by the
other's next event. An answer counts as

* **contingent** when it is more likely than expected: the cell is estimable
  (see the small-count rule in :mod:`.sequential`), z >= 1.96, Yule's Q >= 0.3
  and, when a permutation test ran, p <= .05. z says it is not noise; Q >= 0.3
  (a moderate association) keeps a trivial effect in a very long chat from
  counting as a pattern;
* **frequent** when it is not contingent but still the answer more often than
  not: P(answer | move) >= 0.5 over at least 10 moves, and z not significantly
  negative. This covers conversations so full of one move that there is no
  contrast to test against (z is None), where "what dominates" is a rate
  (the codebook's mutual patterns are "both pursue", "both withdraw").

The rules, in order (the thresholds are module constants):

1. **Too little data**: fewer than 20 lag-1 exchanges between A and B ->
   no pattern, with a reason.
2. **calm**: pursue + withdraw are under 15% of the pair's exchange events
   (events of one partner answered by the other at lag 1). In the
   project's corpus (per conversation, measured this way) 99% of the
   conversations tagged calm fall below 15% and none tagged pursue-withdraw,
   mutual-pursuit or mutual-withdrawal do (their 5th percentiles: 26%, 40%, 20%).
3. **Not enough conflict**: fewer than 10 pursue/withdraw exchange events -> no pattern.
4. **softened**: at least 15% of the pair's pursue/withdraw moves (10 or more)
   are answered by the other's soften, and not significantly less often than
   expected (z > -1.96); a rate, not a contingency, because repair comes in
   runs and soften follows soften even more often than it follows tension.
   In the corpus, softened conversations answer tension with soften 23% of
   the time, the others 6-8%. It takes precedence: the cycle may still be
   there (reported as ``underlying``) but it is being answered.
5. **pursue-withdraw** (A pursues): A's pursue -> B's withdraw AND B's
   withdraw -> A's pursue; **mutual-pursuit**: pursue -> pursue in both
   directions; **mutual-withdrawal**: withdraw -> withdraw in both
   directions. A candidate needs both of its answers; one with only
   contingent answers beats one that needs a frequent answer; ties go to the
   larger share of the moves answered that way.
6. Tension but no candidate -> no pattern, "without a clear sequential pattern".

**Confidence** = strength x data x consistency, each in [0, 1]:
strength is the weakest of the required answers, sqrt(Q x min(1, z/4)) for a
contingent answer and half its probability for a frequent one (softened:
P(soften | tension) / 0.3, capped at 1); data is n / (n + 10) with n the
fewest moves behind an answer; consistency is 0.5 + 0.5 x the share of units
(conversations when there are 3 or more, else thirds of the events) that
agree: contingent answers above their own expected count there, rate-based
ones (frequent, softened) at their threshold there; 0.75 when fewer than two
units say anything.

**Roles** (pursue-withdraw, or softened over a pursue-withdraw): asymmetry is
the mean of (a) how much more often the pair's answers run the chosen way than
the other way round and (b) how much more the pursuer pursues and the
withdrawer withdraws, as shares of their own events. Under 0.2 the roles are
not named; otherwise role confidence = confidence x asymmetry. Roles belong to
this data (a conversation, a period, a topic), never to a person for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import sqrt
from typing import Any, Literal

import numpy as np

from ..codebook import Move, Pattern
from .coded import CodedTurn
from .columns import SOURCES, CodedColumns
from .sequential import CODES, CodedView, LagTable, as_view, pair_statistics, table_from_counts

CALM_SHARE = 0.15
MIN_EXCHANGES = 20
MIN_TENSION = 10
Z_MIN = 1.96
Q_MIN = 0.3
P_MAX = 0.05
Z_FULL = 4.0  # a z this large counts as full evidence in the confidence
FREQUENT = 0.5
SOFTEN_ANSWER = 0.15
ROLE_MIN = 0.2
DATA_HALF = 10  # moves behind an answer at which the data factor is one half

P, W, S = Move.PURSUE.value, Move.WITHDRAW.value, Move.SOFTEN.value
TENSION = "tension"  # pursue or withdraw, in the collapsed table of the softened rule

Sequences = CodedView | Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Answer:
    """How ``receiver``'s next event answers ``giver``'s ``move`` (lag 1). None giver: either partner."""

    giver: str | None
    move: str
    receiver: str | None
    answer: str
    count: int
    given: int
    probability: float | None
    expected: float | None
    z: float | None
    q: float | None
    p: float | None
    level: Literal["contingent", "frequent"] | None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def describe(self) -> str:
        what = "pursue or withdraw" if self.move == TENSION else self.move
        who = f"{self.giver}'s {what}" if self.giver else f"a {what} by either partner"
        by = f"{self.receiver}'s" if self.receiver else "the other's"
        stats = ", ".join(
            f"{name} {value:.2f}"
            for name, value in (("P", self.probability), ("z", self.z), ("Q", self.q))
            if value is not None
        )
        return f"{who} -> {by} {self.answer} ({self.count} of {self.given}; {stats or self.reason})"


@dataclass(frozen=True, slots=True)
class ExchangeTurn:
    conversation: str | None
    index: int
    turn_id: str | None
    speaker: str
    move: str
    cue: str | None
    source: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class PairPattern:
    """The pattern of one pair of partners in the data given, or None with the reason."""

    pair: tuple[str, str]
    pattern: Pattern | None
    confidence: float
    reason: str
    pursuer: str | None = None
    withdrawer: str | None = None
    role_confidence: float | None = None
    role_reason: str | None = None
    underlying: Pattern | None = None  # the cycle beneath a softened pattern
    tension_share: float | None = None
    shares: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    consistency: float | None = None
    evidence: tuple[Answer, ...] = ()
    exchanges: tuple[tuple[ExchangeTurn, ...], ...] = ()
    tables: tuple[LagTable, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair),
            "pattern": None if self.pattern is None else self.pattern.value,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "pursuer": self.pursuer,
            "withdrawer": self.withdrawer,
            "role_confidence": None if self.role_confidence is None else round(self.role_confidence, 3),
            "role_reason": self.role_reason,
            "underlying": None if self.underlying is None else self.underlying.value,
            "tension_share": self.tension_share,
            "shares": {who: dict(moves) for who, moves in self.shares.items()},
            "consistency": self.consistency,
            "evidence": [answer.to_json() for answer in self.evidence],
            "exchanges": [[turn.to_json() for turn in exchange] for exchange in self.exchanges],
            "statistics": [table.to_json() for table in self.tables],
        }


@dataclass(frozen=True, slots=True)
class PatternReport:
    """A conversation, period or topic: every pair, and the overall reading."""

    label: str | None
    participants: tuple[str, ...]
    pattern: Pattern | None
    confidence: float
    pursuer: str | None
    withdrawer: str | None
    reason: str
    pairs: Mapping[tuple[str, str], PairPattern]

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "participants": list(self.participants),
            "overall": {
                "pattern": None if self.pattern is None else self.pattern.value,
                "pursuer": self.pursuer,
                "withdrawer": self.withdrawer,
                "confidence": round(self.confidence, 3),
                "reason": self.reason,
            },
            "pairs": [pattern.to_json() for pattern in self.pairs.values()],
        }


@dataclass(frozen=True, slots=True)
class RoleReversal:
    """Who pursues and who withdraws for one pair in each period or topic, and where that swaps."""

    pair: tuple[str, str]
    roles: Mapping[str, tuple[str, str] | None]  # label -> (pursuer, withdrawer), None: no roles there
    swaps: tuple[tuple[str, str], ...]  # (label before, label after), labels in the order given

    @property
    def reversed(self) -> bool:
        return bool(self.swaps)

    def by_pursuer(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for label, roles in self.roles.items():
            if roles is not None:
                result.setdefault(roles[0], []).append(label)
        return result

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair),
            "roles": {
                label: None if r is None else {"pursuer": r[0], "withdrawer": r[1]}
                for label, r in self.roles.items()
            },
            "swaps": [list(swap) for swap in self.swaps],
            "reversed": self.reversed,
            "by_pursuer": self.by_pursuer(),
        }


# --------------------------------------------------------------------------- the rules


def _answer(table: LagTable, move: str, answer: str, giver: str | None, receiver: str | None) -> Answer:
    cell = table.cell(move, answer)
    level: Literal["contingent", "frequent"] | None = None
    if cell.probability is not None:
        if (
            cell.z is not None
            and cell.q is not None
            and cell.z >= Z_MIN
            and cell.q >= Q_MIN
            and (cell.p is None or cell.p <= P_MAX)
        ):
            level = "contingent"
        elif cell.probability >= FREQUENT and (cell.z is None or cell.z > -Z_MIN):
            level = "frequent"
    return Answer(
        giver,
        move,
        receiver,
        answer,
        cell.count,
        table.row_total(move),
        cell.probability,
        cell.expected,
        cell.z,
        cell.q,
        cell.p,
        level,
        cell.reason,
    )


@dataclass(frozen=True)
class _Candidate:
    pattern: Pattern
    answers: tuple[Answer, ...]
    pursuer: str | None = None
    withdrawer: str | None = None

    @property
    def qualifies(self) -> bool:
        return all(a.level is not None for a in self.answers)

    @property
    def contingent(self) -> bool:
        return all(a.level == "contingent" for a in self.answers)

    @property
    def share(self) -> float:
        given = sum(a.given for a in self.answers)
        return sum(a.count for a in self.answers) / given if given else 0.0

    def strength(self) -> float:
        if self.pattern is Pattern.SOFTENED:
            return min(1.0, (self.answers[0].probability or 0.0) / (2 * SOFTEN_ANSWER))
        return min(_strength(a) for a in self.answers)

    def data(self) -> float:
        n = min(a.given for a in self.answers)
        return n / (n + DATA_HALF)


def _strength(answer: Answer) -> float:
    if answer.level == "contingent":
        return sqrt(max(answer.q or 0.0, 0.0) * min(1.0, (answer.z or 0.0) / Z_FULL))
    return 0.5 * (answer.probability or 0.0)


def _tension_candidates(ab: LagTable, ba: LagTable, a: str, b: str) -> list[_Candidate]:
    return [
        _Candidate(Pattern.PURSUE_WITHDRAW, (_answer(ab, P, W, a, b), _answer(ba, W, P, b, a)), a, b),
        _Candidate(Pattern.PURSUE_WITHDRAW, (_answer(ba, P, W, b, a), _answer(ab, W, P, a, b)), b, a),
        _Candidate(Pattern.MUTUAL_PURSUIT, (_answer(ab, P, P, a, b), _answer(ba, P, P, b, a))),
        _Candidate(Pattern.MUTUAL_WITHDRAWAL, (_answer(ab, W, W, a, b), _answer(ba, W, W, b, a))),
    ]


def _softened_candidate(ab: LagTable, ba: LagTable) -> _Candidate:
    """Soften answering tension, from either partner: both directions summed, pursue + withdraw as one row."""
    both = np.asarray(ab.counts) + np.asarray(ba.counts)
    collapsed = np.vstack([both[0] + both[1], both[2:]])
    table = table_from_counts(collapsed, rows=(TENSION, *CODES[2:]), lag=1)
    answer = _answer(table, TENSION, S, None, None)
    # "Often" is a rate here, not a contingency: soften also follows soften (repair comes in runs),
    # so P(soften | tension) can be high and still below its expected count. It must not be
    # significantly below it, though: then soften is what they do anyway, not an answer.
    often = (
        answer.probability is not None
        and answer.probability >= SOFTEN_ANSWER
        and (answer.z is None or answer.z > -Z_MIN)
    )
    return _Candidate(Pattern.SOFTENED, (replace(answer, level="frequent" if often else None),))


def _choose(candidates: list[_Candidate]) -> _Candidate | None:
    qualified = [c for c in candidates if c.qualifies]
    return max(qualified, key=lambda c: (c.contingent, c.share), default=None)


# --------------------------------------------------------------------------- one pair


def _move_shares(view: CodedView) -> dict[str, dict[str, float]]:
    cols = view.cols
    ids = view.speaker_ids()  # speakers in order of their first event
    counts = np.bincount(cols.speaker[view.positions].astype(np.int64) * 5 + cols.move[view.positions],
                         minlength=(len(cols.speakers) + 1) * 5)
    shares = {}
    for k in ids.tolist():
        row = counts[k * 5:k * 5 + 4].tolist()
        total = sum(row)
        shares[cols.speakers[k]] = {code: row[i] / total for i, code in enumerate(CODES)} | {"events": total}
    return shares


def _pair_pattern(
    conversations: CodedView,
    a: str,
    b: str,
    tables: dict[tuple[str, str], list[LagTable]],
    shares: dict[str, dict[str, float]],
    detail: bool = True,
) -> PairPattern:
    ab, ba = tables[(a, b)][0], tables[(b, a)][0]
    # Every reading starts from "no pattern" and carries the pair's statistics.
    none = PairPattern(
        pair=(a, b),
        pattern=None,
        confidence=0.0,
        reason="",
        shares={who: shares[who] for who in (a, b)},
        tables=(*tables[(a, b)], *tables[(b, a)]),
    )
    exchanges_n = ab.total + ba.total
    if exchanges_n < MIN_EXCHANGES:
        return replace(
            none,
            reason=f"not enough exchanges between {a} and {b} to see a pattern "
            f"({exchanges_n}; at least {MIN_EXCHANGES} needed)",
        )
    # Tension of the pair's own exchanges (a partner's events answered by the other), so that with
    # three or more partners one pair's quarrel does not colour another pair's reading.
    tense = sum(t.row_total(m) for t in (ab, ba) for m in (P, W))
    tension = tense / exchanges_n
    none = replace(none, tension_share=tension)
    if tension < CALM_SHARE:
        data = exchanges_n / (exchanges_n + DATA_HALF)
        return replace(
            none,
            pattern=Pattern.CALM,
            confidence=data * (1 - 0.5 * tension / CALM_SHARE),
            reason=f"not enough conflict to see a pattern: {tension:.0%} of their exchanges "
            f"pursue or withdraw (calm is under {CALM_SHARE:.0%})",
        )
    if tense < MIN_TENSION:
        return replace(
            none,
            reason=f"not enough conflict to see a pattern: {tense} pursue/withdraw events "
            f"(at least {MIN_TENSION} needed)",
        )
    tension_candidates = _tension_candidates(ab, ba, a, b)
    cycle = _choose(tension_candidates)
    softened = _softened_candidate(ab, ba)
    chosen = softened if softened.qualifies else cycle
    if chosen is None:
        tested = tuple(ans for c in tension_candidates for ans in c.answers)
        estimable = any(ans.probability is not None for ans in tested)
        reason = (
            f"tension ({tension:.0%} of their exchanges pursue or withdraw) "
            "without a clear sequential pattern"
            if estimable
            else "not enough conflict to see a pattern: "
            "too few pursue/withdraw moves answered by the other partner"
        )
        return replace(none, reason=reason, evidence=tested + softened.answers)
    beneath = cycle if chosen is softened else None
    consistency = _consistency(conversations, a, b, chosen) if detail else None
    factor = 0.75 if consistency is None else 0.5 + 0.5 * consistency
    confidence = chosen.strength() * chosen.data() * factor
    pursuer, withdrawer, role_confidence, role_reason = _roles(
        beneath if chosen is softened else chosen, tension_candidates, none.shares, confidence
    )
    return replace(
        none,
        pattern=chosen.pattern,
        confidence=confidence,
        reason=_reason(chosen, beneath),
        pursuer=pursuer,
        withdrawer=withdrawer,
        role_confidence=role_confidence,
        role_reason=role_reason,
        underlying=None if beneath is None else beneath.pattern,
        consistency=consistency,
        evidence=chosen.answers + (() if beneath is None else beneath.answers),
        exchanges=_exchanges(conversations, chosen, a, b) if detail else (),
    )


def _reason(chosen: _Candidate, beneath: _Candidate | None) -> str:
    text = "; ".join(answer.describe() for answer in chosen.answers)
    if chosen.pattern is Pattern.SOFTENED:
        text = f"soften answers the tension: {text}"
        if beneath is not None:
            text += f"; beneath it, {beneath.pattern.value}"
    elif not chosen.contingent:
        text += " (by how often, not more than expected: too little contrast to test)"
    return text


def _roles(
    cycle: _Candidate | None,
    candidates: list[_Candidate],
    shares: Mapping[str, Mapping[str, float]],
    confidence: float,
) -> tuple[str | None, str | None, float | None, str | None]:
    if cycle is None or cycle.pattern is not Pattern.PURSUE_WITHDRAW:
        return None, None, None, None
    assert cycle.pursuer is not None and cycle.withdrawer is not None
    other = next(c for c in candidates if c.pattern is Pattern.PURSUE_WITHDRAW and c.pursuer != cycle.pursuer)
    answers = (cycle.share - other.share) / (cycle.share + other.share) if cycle.share + other.share else 0.0
    p_a, p_b = shares[cycle.pursuer][P], shares[cycle.withdrawer][P]
    w_a, w_b = shares[cycle.pursuer][W], shares[cycle.withdrawer][W]
    total = p_a + p_b + w_a + w_b
    moves = ((p_a - p_b) + (w_b - w_a)) / total if total else 0.0
    asymmetry = max(0.0, min(1.0, (answers + moves) / 2))
    if asymmetry < ROLE_MIN:
        return (
            None,
            None,
            None,
            f"both partners pursue and withdraw about as often (asymmetry {asymmetry:.2f}): "
            "no roles in this data",
        )
    return (
        cycle.pursuer,
        cycle.withdrawer,
        confidence * asymmetry,
        f"in this data {cycle.pursuer} pursues and {cycle.withdrawer} withdraws (asymmetry {asymmetry:.2f})",
    )


def _units(view: CodedView, a: str, b: str) -> list[CodedView]:
    """Conversations where A and B both speak, if there are 3 or more; else the events in thirds."""
    cols = view.cols
    wanted = {k for k, name in enumerate(cols.speakers) if name in (a, b)}
    bounds = view.run_bounds()
    shared = [
        (start, end) for start, end in bounds
        if {cols.speakers[k] for k in np.unique(cols.speaker[view.positions[start:end]]).tolist() if k in wanted} == {a, b}
    ]
    if len(shared) >= 3:
        return [view.part(start, end) for start, end in shared]
    # The events back to back, cut in thirds; each third keeps its conversations' slices in order.
    thirds = np.array_split(np.arange(len(view)), 3)
    units = []
    for part in thirds:
        if not len(part):
            units.append(view.join([]))
            continue
        lo, hi = int(part[0]), int(part[-1]) + 1
        units.append(view.join([(max(start, lo), min(end, hi)) for start, end in bounds if max(start, lo) < min(end, hi)]))
    return units


def _consistency(conversations: CodedView, a: str, b: str, chosen: _Candidate) -> float | None:
    """Share of units that agree with the reading, judged the way the reading was made.

    Contingent: the answers occur more often than their expected count in the
    unit. Frequent or softened (rates): the unit's answer rate reaches the
    rule's threshold.
    """
    threshold = SOFTEN_ANSWER if chosen.pattern is Pattern.SOFTENED else FREQUENT
    votes = []
    for unit in _units(conversations, a, b):
        tables = pair_statistics(unit, lags=(1,), permutations=0)
        if (a, b) not in tables:
            continue
        ab, ba = tables[(a, b)][0], tables[(b, a)][0]
        if chosen.pattern is Pattern.SOFTENED:
            answers = _softened_candidate(ab, ba).answers
        else:
            twin = next(
                c
                for c in _tension_candidates(ab, ba, a, b)
                if c.pattern is chosen.pattern and c.pursuer == chosen.pursuer
            )
            answers = twin.answers
        count, given = sum(ans.count for ans in answers), sum(ans.given for ans in answers)
        expected = sum(ans.expected or 0.0 for ans in answers)
        if chosen.contingent and expected > 0:
            votes.append(count > expected)
        elif not chosen.contingent and given > 0:
            votes.append(count / given >= threshold)
    return sum(votes) / len(votes) if len(votes) >= 2 else None


# --------------------------------------------------------------------------- exchanges


def _exchanges(
    conversations: CodedView, chosen: _Candidate, a: str, b: str
) -> tuple[tuple[ExchangeTurn, ...], ...]:
    """Up to three real exchanges behind the pattern, spread over the data; full loops first."""
    anyone: set[str | None] = {a, b}
    steps: list[tuple[set[str | None], set[str]]]
    if chosen.pattern is Pattern.PURSUE_WITHDRAW:
        steps = [({chosen.pursuer}, {P}), ({chosen.withdrawer}, {W}), ({chosen.pursuer}, {P})]
    elif chosen.pattern is Pattern.SOFTENED:
        steps = [(anyone, {P, W}), (anyone, {S})]
    else:  # mutual pursuit or withdrawal: the move, answered in kind, and answered again
        move = P if chosen.pattern is Pattern.MUTUAL_PURSUIT else W
        steps = [(anyone, {move})] * 3
    found = _matches(conversations, steps)
    if not len(found):
        found = _matches(conversations, steps[:2])
        steps = steps[:2]
    if len(found) > 3:
        found = found[np.linspace(0, len(found) - 1, 3).round().astype(int)]
    positions = conversations.positions
    return tuple(
        tuple(_exchange_turn(conversations.cols, int(p)) for p in positions[i:i + len(steps)]) for i in found.tolist()
    )


def _matches(view: CodedView, steps: list[tuple[set[str | None], set[str]]]) -> np.ndarray:
    """Where in the view a run of events follows ``steps`` within one conversation, partners alternating."""
    width = len(steps)
    n = len(view) - width + 1
    if n <= 0:
        return np.zeros(0, np.int64)
    cols = view.cols
    speakers = cols.speaker[view.positions]
    moves = cols.move[view.positions]
    runs = view.runs
    ok = runs[:n] == runs[width - 1:width - 1 + n]  # inside one conversation
    for j, (who, codes) in enumerate(steps):
        allowed = [k for k, name in enumerate(cols.speakers) if name in who]
        ok &= np.isin(speakers[j:j + n], allowed) & np.isin(moves[j:j + n], [CODES.index(c) for c in codes])
        if j:
            ok &= speakers[j - 1:j - 1 + n] != speakers[j:j + n]
    return np.flatnonzero(ok)


def _exchange_turn(cols: CodedColumns, position: int) -> ExchangeTurn:
    return ExchangeTurn(
        cols.conversations[int(cols.conversation[position])],
        int(cols.index[position]),
        cols.turn_id[position],
        cols.speakers[int(cols.speaker[position])],
        CODES[int(cols.move[position])],
        cols.cue_at(position),
        SOURCES[int(cols.source[position])],
        cols.text[position] or "",
    )


# --------------------------------------------------------------------------- public API


def find_patterns(
    sequences: Sequences,
    *,
    label: str | None = None,
    permutations: int = 1000,
    seed: int = 0,
    detail: bool = True,
) -> PatternReport:
    """The pattern of every pair of partners in ``sequences`` (one conversation, a period, a topic).

    ``detail=False`` skips what only a report shows (example exchanges, the
    consistency across parts, lags 2 and 3): enough to read roles quickly.

    With two partners the overall reading is their pair's. With three or
    more, every pair is read on its own and the overall reading is the
    pair with the most confident pattern, conflict before calm (the reason says so).
    """
    conversations = as_view(sequences)
    participants = conversations.speakers()
    if len(participants) < 2:
        reason = "no turns to read" if not participants else "only one partner speaks: no exchange to read"
        return PatternReport(
            label, participants, None, 0.0, None, None, f"not enough to see a pattern: {reason}", {}
        )
    lags = (1, 2, 3) if detail else (1,)
    tables = pair_statistics(conversations, lags=lags, permutations=permutations, seed=seed)
    shares = _move_shares(conversations)
    pairs = {
        (a, b): _pair_pattern(conversations, a, b, tables, shares, detail=detail)
        for i, a in enumerate(participants)
        for b in participants[i + 1 :]
    }
    # A pair in conflict says more about the whole than a calm one; a reading beats none.
    best = max(
        pairs.values(),
        key=lambda p: (p.pattern not in (None, Pattern.CALM), p.pattern is not None, p.confidence),
    )
    reason = best.reason
    if len(participants) > 2:
        strongest = f"strongest pair {best.pair[0]} and {best.pair[1]}"
        reason = f"{len(participants)} partners, read pair by pair; {strongest}: {reason}"
    return PatternReport(
        label, participants, best.pattern, best.confidence, best.pursuer, best.withdrawer, reason, pairs
    )


def role_reversals(
    groups: Mapping[str, Sequences | PatternReport],
    *,
    permutations: int = 1000,
    seed: int = 0,
) -> list[RoleReversal]:
    """Where pursuer and withdrawer swap between periods or topics (``label -> sequences``, in order).

    A value may also be the :class:`PatternReport` already found for that
    label (nothing is computed twice). A swap is reported between two labels
    that both name roles for the pair, skipping labels in between where the
    pair shows no roles; for topics, where order means nothing, read
    :meth:`RoleReversal.by_pursuer`.
    """
    reports = {
        label: group
        if isinstance(group, PatternReport)
        else find_patterns(group, label=label, permutations=permutations, seed=seed, detail=False)
        for label, group in groups.items()
    }
    pairs = list(dict.fromkeys(pair for report in reports.values() for pair in report.pairs))
    seen: dict[frozenset[str], tuple[str, str]] = {}
    for pair in pairs:
        seen.setdefault(frozenset(pair), pair)
    result = []
    for key, pair in seen.items():
        roles: dict[str, tuple[str, str] | None] = {label: None for label in reports}
        for label, report in reports.items():
            for found in report.pairs.values():
                if frozenset(found.pair) == key and found.pursuer and found.withdrawer:
                    roles[label] = (found.pursuer, found.withdrawer)
        named = [(label, r) for label, r in roles.items() if r is not None]
        swaps = tuple(
            (before, after)
            for (before, r1), (after, r2) in zip(named, named[1:], strict=False)
            if r1[0] != r2[0]
        )
        result.append(RoleReversal(pair, roles, swaps))
    return result
