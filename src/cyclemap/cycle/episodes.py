"""Episodes: the tense stretches of a conversation, found from moves and timing.

The rule
--------
Every coded event gets a *turn tension* ``x`` in [-1, 1]:

- ``pursue`` / ``withdraw``: ``+ weight(cue) * confidence``; escalation weighs
  most (see :data:`PURSUE_WEIGHTS`, :data:`WITHDRAW_WEIGHTS`);
- a ``silence`` event: ``+ SILENCE_WEIGHT * confidence``; a ``burst`` event
  is weighed as ``pursue/contact``;
- ``soften``: ``- SOFTEN_RELIEF * confidence`` (it lowers the tension);
- ``neutral``: 0.

The *tension score* is its exponential moving average, floored at 0, so it
stays in [0, 1] and is the episode's **intensity curve**::

    s_i = max(0, (1 - ALPHA) * s_{i-1} + ALPHA * x_i)

An episode **opens** at a pursue/withdraw event whose score reaches ``OPEN``;
it reaches back to the first pursue/withdraw event of the run of events
whose score stayed at or above ``CLOSE``. It **closes**

- once ``QUIET_TURNS`` events in a row bring no pursue/withdraw while the score
  is below ``CLOSE`` (turn distance, so it works without times too);
- before a turn that comes after ``GAP`` of quiet, or on a new calendar day
  after ``NEW_DAY_GAP`` of quiet (the score restarts at 0: a new day is a new
  start);
- where the conversation changes or the input ends.

Trailing neutral turns are not part of it. A stretch with fewer than
``MIN_TENSE`` pursue/withdraw events is a blip (one sharp line that went
nowhere), not an episode. Timing events sit beside the turn they follow, so
the quiet before a reply is measured between written turns only; time that
runs backwards (a clock change, an out-of-order export) never splits.

Endings, in order: ``repaired`` (a soften came after the last pursue/withdraw
and another partner softened too), ``softened`` (a soften came after the last
pursue/withdraw and nobody re-escalated), ``exit`` (the last tense move is a
``withdraw/exit``, or the chat stops while tense), ``silence`` (the last tense
event is a silence, or a long quiet closed it), ``unresolved`` (the tension
faded into other talk without a softening).

Topic: TF-IDF of the episode's words (English stop-words and chat filler
removed) against the turns of its whole conversation, top ``TOPIC_WORDS``
words; the coarse topic is the one of :data:`COARSE_TOPICS` whose keywords
occur most often in the episode, ``other`` when none do.
"""

from __future__ import annotations

import math
from array import array
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from ..codebook import Move
from .coded import CodedSequence, CodedTurn, move_of
from .columns import DAY_US, MOVES, NAIVE, NEUTRAL, NO_TIME, PURSUE, SOFTEN, SOURCES, UNKNOWN, WITHDRAW, CodedColumns, columns_of

# --- the rule's constants -------------------------------------------------

#: Weight of each pursue cue (``None``: no cue given). Escalation weighs most.
PURSUE_WEIGHTS: dict[str | None, float] = {
    "escalate": 1.0, "criticize": 0.85, "complain_response": 0.75, "interrogate": 0.75,
    "demand": 0.75, "reassure_seek": 0.6, "contact": 0.6, None: 0.7,
}
#: Weight of each withdraw cue; leaving weighs most.
WITHDRAW_WEIGHTS: dict[str | None, float] = {
    "exit": 0.8, "shutdown": 0.7, "minimize": 0.65, "defend": 0.6,
    "deflect": 0.5, "appease": 0.5, None: 0.6,
}
SILENCE_WEIGHT = 0.7  # no reply after a pursuit, far beyond the person's habit
SOFTEN_RELIEF = 0.8  # how much a full-confidence soften lowers the tension
ALPHA = 0.5  # weight of the newest event in the moving average
OPEN = 0.3  # score at which a pursue/withdraw event opens an episode
CLOSE = 0.15  # below this the stretch may close
QUIET_TURNS = 2  # events in a row without pursue/withdraw needed to close
MIN_TENSE = 2  # fewer pursue/withdraw events than this is a blip
GAP = timedelta(hours=3)  # this much quiet ends an episode
NEW_DAY_GAP = timedelta(hours=1)  # ... and so does a new day after this much quiet
TOPIC_WORDS = 3

TENSE = (Move.PURSUE, Move.WITHDRAW)


class Ending(StrEnum):
    """How an episode ended."""

    REPAIRED = "repaired"
    SOFTENED = "softened"
    EXIT = "exit"
    SILENCE = "silence"
    UNRESOLVED = "unresolved"


ClosedBy = Literal["calm", "gap", "end"]


# --- results --------------------------------------------------------------

def _iso(time: datetime | None) -> str | None:
    return time.isoformat() if time is not None else None


def _secs(delta: timedelta | None) -> float | None:
    return delta.total_seconds() if delta is not None else None


@dataclass(frozen=True, slots=True)
class Point:
    """One event of an episode and the tension score after it."""

    position: int  # place in the input sequence
    index: int  # CodedTurn.index
    turn_id: str | None
    speaker: str
    move: Move
    cue: str | None
    source: str
    time: datetime | None
    intensity: float

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position, "index": self.index, "turn_id": self.turn_id,
            "speaker": self.speaker, "move": self.move.value, "cue": self.cue,
            "source": self.source, "time": _iso(self.time), "intensity": round(self.intensity, 3),
        }


@dataclass(frozen=True, slots=True)
class HotMoment:
    """A turn where the cycle turned."""

    kind: Literal["peak", "pursue_withdraw", "withdraw_pursue", "first_soften", "repair"]
    point: Point
    text: str
    why: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "turn_id": self.point.turn_id, "index": self.point.index,
                "position": self.point.position, "speaker": self.point.speaker,
                "move": self.point.move.value, "intensity": round(self.point.intensity, 3),
                # source says whether this is a person's words ("turn") or a timing event
                # cyclemap wrote ("silence", "burst"), so readers need not guess from the text.
                "source": self.point.source, "cue": self.point.cue,
                "text": self.text, "why": self.why}


@dataclass(frozen=True, slots=True)
class Topic:
    """What an episode was about, from its own words."""

    keywords: list[str]
    coarse: str
    matched: list[str] = field(default_factory=list)  # the words that chose ``coarse``

    def to_json(self) -> dict[str, Any]:
        return {"keywords": self.keywords, "coarse": self.coarse, "matched": self.matched}


@dataclass(frozen=True, slots=True)
class Episode:
    """One tense stretch: where it ran, how hot it got, how it ended, what it was about."""

    number: int
    conversation: str | None
    points: list[Point]  # the intensity curve, one point per event
    participants: list[str]
    ending: Ending
    closed_by: ClosedBy
    peak: Point
    closing_soften: Point | None
    repair_from_start: timedelta | None
    repair_from_peak: timedelta | None
    hot_moments: list[HotMoment]
    topic: Topic

    @property
    def start(self) -> Point:
        return self.points[0]

    @property
    def end(self) -> Point:
        return self.points[-1]

    @property
    def start_time(self) -> datetime | None:
        """The first known time in the episode (its first event may have none)."""
        return next((p.time for p in self.points if p.time is not None), None)

    @property
    def curve(self) -> list[float]:
        return [p.intensity for p in self.points]

    def to_json(self) -> dict[str, Any]:
        def bound(p: Point) -> dict[str, Any]:
            return {"turn_id": p.turn_id, "index": p.index, "position": p.position, "time": _iso(p.time)}

        return {
            "number": self.number,
            "conversation": self.conversation,
            "start": bound(self.start),
            "end": bound(self.end),
            "participants": self.participants,
            "ending": self.ending.value,
            "closed_by": self.closed_by,
            "peak": self.peak.to_json(),
            "repair_seconds_from_start": _secs(self.repair_from_start),
            "repair_seconds_from_peak": _secs(self.repair_from_peak),
            "hot_moments": [h.to_json() for h in self.hot_moments],
            "topic": self.topic.to_json(),
            # The intensity curve as parallel arrays: a long chat has thousands of episodes.
            "curve": {
                "turn_ids": [p.turn_id for p in self.points],
                "speakers": [p.speaker for p in self.points],
                "moves": [str(p.move) for p in self.points],
                "intensity": [round(p.intensity, 3) for p in self.points],
            },
        }


@dataclass(frozen=True, slots=True)
class EpisodeReport:
    """All episodes of a coded sequence, with what could not be read.

    ``episodes`` is a sequence whose items are made when read; ``index`` has
    every episode's bounds, ending, start time and coarse topic as arrays.
    """

    episodes: Sequence[Episode]
    events: int
    timed: bool
    notes: list[str]
    index: EpisodeIndex | None = None

    @property
    def summary(self) -> str:
        if not len(self.episodes):
            return "no tense stretches found" + ("" if self.events else " (the input has no turns)")
        endings = Counter(e.value for e in self.index.ending) if self.index is not None else Counter(
            e.ending.value for e in self.episodes)
        n = len(self.episodes)
        parts = ", ".join(f"{count} {_ENDING_WORDS[name]}" for name, count in endings.most_common())
        return f"{n} tense stretch{'es' if n != 1 else ''} found: {parts}"

    def to_json(self) -> dict[str, Any]:
        return {"summary": self.summary, "events": self.events, "timed": self.timed,
                "notes": self.notes, "episodes": [e.to_json() for e in self.episodes]}


_ENDING_WORDS = {
    "repaired": "repaired", "softened": "softened", "exit": "ended with someone leaving",
    "silence": "ended in silence", "unresolved": "unresolved",
}


# --- tension --------------------------------------------------------------

def _move(turn: CodedTurn) -> Move | None:
    try:
        return move_of(turn.move)
    except ValueError:
        return None


def turn_tension(turn: CodedTurn) -> float:
    """The tension ``x`` one event brings, in [-1, 1] (see the module docstring)."""
    move = _move(turn)
    confidence = min(1.0, max(0.0, float(turn.confidence)))
    if turn.source == "silence":
        return SILENCE_WEIGHT * confidence
    if turn.source == "burst":
        return PURSUE_WEIGHTS["contact"] * confidence
    if move is Move.PURSUE:
        return PURSUE_WEIGHTS.get(turn.cue, PURSUE_WEIGHTS[None]) * confidence
    if move is Move.WITHDRAW:
        return WITHDRAW_WEIGHTS.get(turn.cue, WITHDRAW_WEIGHTS[None]) * confidence
    if move is Move.SOFTEN:
        return -SOFTEN_RELIEF * confidence
    return 0.0


def _is_tense(turn: CodedTurn) -> bool:
    return turn.source != "turn" or _move(turn) in TENSE


def _gap_seconds(later: datetime, earlier: datetime) -> float:
    try:
        return (later - earlier).total_seconds()
    except TypeError:  # one aware, one naive: compare wall clocks
        return (later.replace(tzinfo=None) - earlier.replace(tzinfo=None)).total_seconds()


_CHUNK = 1 << 18  # events read at once: temporaries of a long chat stay a few MB


def _splits(cols: CodedColumns) -> tuple[bytes, int, int]:
    """Where a new stretch must begin; also how often time ran backwards, and untimed turns.

    Read a block of events at a time; the previous timed turn is carried over a block's edge.
    """
    n = len(cols)
    conversation = cols.conversation
    splits = bytearray(n)
    backwards = untimed = 0
    run_base = 0  # conversation changes before the block: the quiet is measured within a conversation only
    last: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # the previous timed turn: run, wall, offset
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        changed = np.zeros(hi - lo, bool)
        changed[1:] = conversation[lo + 1:hi] != conversation[lo:hi - 1]
        if lo:
            changed[0] = conversation[lo] != conversation[lo - 1]
        turn = cols.source[lo:hi] == 0
        has_time = cols.wall[lo:hi] != NO_TIME
        untimed += int(np.count_nonzero(turn & ~has_time))
        timed = np.flatnonzero(turn & has_time)
        del turn, has_time
        run = np.cumsum(changed)
        run += run_base
        run_base = int(run[-1])
        mark = changed
        if len(timed):
            wall, runs = cols.wall[timed + lo], run[timed]
            offset = cols.offset[timed + lo]
            later = timed
            if last is not None:  # the pair across the block's edge
                runs, wall, offset = (np.concatenate([a, b]) for a, b in zip(last, (runs, wall, offset)))
            else:
                later = timed[1:]
            last = (runs[-1:], wall[-1:], offset[-1:])
            if len(later):
                same = runs[1:] == runs[:-1]
                if cols.aware:
                    aware = (offset[1:] != NAIVE) & (offset[:-1] != NAIVE)
                    instants = np.where(offset != NAIVE, wall - offset.astype(np.int64) * 1_000_000, wall)
                    micros = np.where(aware, instants[1:] - instants[:-1], wall[1:] - wall[:-1])
                else:
                    micros = wall[1:] - wall[:-1]
                gap = micros / 1e6
                days = wall // DAY_US
                backwards += int(np.count_nonzero(same & (gap < 0)))
                split = same & (gap >= 0) & (
                    (gap >= GAP.total_seconds())
                    | ((gap >= NEW_DAY_GAP.total_seconds()) & (days[1:] != days[:-1]))
                )
                mark[later[split]] = True
        splits[lo:hi] = mark.tobytes()
    return bytes(splits), backwards, untimed


def _tensions(cols: CodedColumns, part: slice = slice(None)) -> np.ndarray:
    """:func:`turn_tension` of every event (of ``part``) at once (in place, to keep temporaries few)."""
    cue_of = [None, *cols.cues]  # cue code + 1 -> cue
    move, source, cue = cols.move[part], cols.source[part], cols.cue[part]
    weight = np.zeros(len(move))
    written = source == 0
    for code, table in ((PURSUE, PURSUE_WEIGHTS), (WITHDRAW, WITHDRAW_WEIGHTS)):
        mask = written & (move == code)
        weights = np.array([table.get(c, table[None]) for c in cue_of])
        weight[mask] = weights[cue[mask] + 1]
    weight[written & (move == SOFTEN)] = -SOFTEN_RELIEF
    weight[source == 1] = SILENCE_WEIGHT
    weight[source == 2] = PURSUE_WEIGHTS["contact"]
    weight *= np.clip(cols.confidence[part], 0.0, 1.0)
    return weight


def _tense_mask(cols: CodedColumns) -> np.ndarray:
    return (cols.source != 0) | (cols.move == PURSUE) | (cols.move == WITHDRAW)


Stretch = tuple[int, int, ClosedBy]  # first and last position, what closed it
_CLOSED: tuple[ClosedBy, ...] = ("calm", "gap", "end")


class Stretches:
    """The raw stretches of a scan as arrays (a long chat has a hundred thousand), read as :data:`Stretch`."""

    def __init__(self) -> None:
        self.first, self.last, self.closed = array("q"), array("q"), bytearray()

    def append(self, stretch: Stretch) -> None:
        self.first.append(stretch[0])
        self.last.append(stretch[1])
        self.closed.append(_CLOSED.index(stretch[2]))

    def __len__(self) -> int:
        return len(self.first)

    def __iter__(self) -> Iterator[Stretch]:
        closed = _CLOSED
        return ((a, b, closed[c]) for a, b, c in zip(self.first, self.last, self.closed))


def _scan(cols: CodedColumns, splits: Sequence[int], tense: Sequence[int]) -> tuple[array[float], Stretches]:
    """Scores and the raw stretches (compact sequences: a million events take megabytes, not a hundred)."""
    conversation = cols.conversation
    n = len(cols)
    # each block's tensions as floats; the scores in one array of the chat's length (the curves read them)
    tensions = (x for lo in range(0, n, _CHUNK) for x in _tensions(cols, slice(lo, lo + _CHUNK)).tolist())
    scores: array[float] = array("d")
    stretches = Stretches()
    start: int | None = None
    floor = 0  # the walk back never reaches into a closed stretch or across a split
    quiet = 0
    score = 0.0
    keep, fade = ALPHA, 1 - ALPHA
    for pos, x in enumerate(tensions):
        if splits[pos]:
            if start is not None:
                closed: ClosedBy = "end" if conversation[pos] != conversation[pos - 1] else "gap"
                stretches.append((start, pos - 1, closed))
                start = None
            score, floor = 0.0, pos
        score = fade * score + keep * x
        if score <= 0.0:  # max(0.0, score), which gives 0.0 for -0.0 too
            score = 0.0
        scores.append(score)
        if start is None:
            if score >= OPEN and tense[pos]:
                back = pos
                while back - 1 >= floor and scores[back - 1] >= CLOSE:
                    back -= 1
                start = next(p for p in range(back, pos + 1) if tense[p])
                quiet = 0
        else:
            quiet = 0 if tense[pos] else quiet + 1
            if quiet >= QUIET_TURNS and score < CLOSE:
                stretches.append((start, pos, "calm"))
                start, floor = None, pos + 1
    if start is not None:
        stretches.append((start, n - 1, "end"))
    return scores, stretches


# --- one episode ----------------------------------------------------------

def _points(cols: CodedColumns, scores: np.ndarray, first: int, last: int) -> list[Point]:
    """The points ``first..last``, read from the columns a slice at a time."""
    span = slice(first, last + 1)
    speakers, cues, ids = cols.speakers, [None, *cols.cues], cols.turn_id
    moves = [MOVES[min(m, NEUTRAL)] for m in cols.move[span].tolist()]
    times = [cols.time(p) if w != NO_TIME else None for p, w in zip(range(first, last + 1), cols.wall[span].tolist())]
    return [
        Point(p, index, ids[p], speakers[speaker], move, cues[cue + 1], SOURCES[source], time, score)
        for p, index, speaker, move, cue, source, time, score in zip(
            range(first, last + 1), cols.index[span].tolist(), cols.speaker[span].tolist(), moves,
            cols.cue[span].tolist(), cols.source[span].tolist(), times, scores[span].tolist())
    ]


def _ending(cols: CodedColumns, tense: Sequence[int], first: int, last: int,
            closed_by: ClosedBy) -> tuple[Ending, int]:
    """How the stretch ``first..last`` ended, and the position of the soften that ended it (-1: none)."""
    last_tense = max(p for p in range(first, last + 1) if tense[p])
    move, source = cols.move, cols.source
    softens = [p for p in range(last_tense + 1, last + 1) if move[p] == SOFTEN and source[p] == 0]
    if softens:
        closer = softens[0]
        who = cols.speaker[closer]
        answered = any(cols.speaker[p] != who for p in softens[1:])
        return (Ending.REPAIRED if answered else Ending.SOFTENED), closer
    if move[last_tense] == WITHDRAW and cols.cue_at(last_tense) == "exit":
        return Ending.EXIT, -1
    if source[last_tense] == 1 or closed_by == "gap":
        return Ending.SILENCE, -1
    if closed_by == "end":
        return Ending.EXIT, -1  # the chat stops while tense
    return Ending.UNRESOLVED, -1


def _since(later: datetime | None, earlier: datetime | None) -> timedelta | None:
    if later is None or earlier is None:
        return None
    seconds = _gap_seconds(later, earlier)
    return timedelta(seconds=seconds) if seconds >= 0 else None  # a backwards clock says nothing


def _since_at(cols: CodedColumns, later: int, earlier: int) -> timedelta | None:
    if later < 0 or earlier < 0 or cols.wall[later] == NO_TIME or cols.wall[earlier] == NO_TIME:
        return None
    seconds = cols.seconds_between(later, earlier)
    return timedelta(seconds=seconds) if seconds >= 0 else None


def _hot_moments(points: list[Point], cols: CodedColumns, peak: Point,
                 closer: Point | None) -> list[HotMoment]:
    found: dict[str, tuple[Point, str]] = {"peak": (peak, "the most intense moment of this stretch")}
    for before, answer in zip(points, points[1:]):
        if answer.speaker == before.speaker or answer.intensity <= before.intensity:
            continue
        if before.move is Move.PURSUE and answer.move is Move.WITHDRAW:
            found.setdefault("pursue_withdraw", (
                answer, "a pursuit was met by withdrawal, and the tension rose"))
        if before.move is Move.WITHDRAW and answer.move is Move.PURSUE:
            found.setdefault("withdraw_pursue", (
                answer, "a withdrawal was met by pursuit, and the tension rose"))
    first_soften = next((p for p in points if p.move is Move.SOFTEN and p.source == "turn"), None)
    if closer is not None and closer is first_soften:
        found["repair"] = (closer, "the first softening, and the one that ended the stretch")
    else:
        if first_soften is not None:
            found["first_soften"] = (first_soften, "the first softening")
        if closer is not None:
            found["repair"] = (closer, "the softening that ended the stretch")
    moments = [HotMoment(kind, p, cols.text[p.position] or "", why)  # type: ignore[arg-type]
               for kind, (p, why) in found.items()]
    return sorted(moments, key=lambda m: (m.point.position, m.kind))


# --- topic ----------------------------------------------------------------

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't
down during each even ever every few for from further get gets getting got had hadn't has hasn't have
haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
i'm i've if in into is isn't it it's its itself just let let's like me more most much must mustn't my
myself need no nor not now of off on once only or other ought our ours ourselves out over own really
right said same say says see shan't she she'd she'll she's should shouldn't so some still such than
that that's the their theirs them themselves then there there's these they they'd they'll they're
they've thing things think this those through to too under until up us very was wasn't we we'd we'll
we're we've were weren't what what's when when's where where's which while who who's whom why why's
will with won't would wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves
ok okay yeah yep nope lol haha hahaha omg hey hi hello oh um uh hmm gonna wanna gotta know want going
go goes went come came back one two well sure maybe fine whatever always never anything something
nothing everything really today tonight tomorrow yesterday time make made take took tell told
""".split())

#: Coarse topics and their keywords; a trailing ``*`` matches any word that begins so.
COARSE_TOPICS: dict[str, tuple[str, ...]] = {
    "money": ("money", "pay", "paid", "paying", "bill", "bills", "rent", "spending", "spent", "overspend*",
              "budget*", "debt*", "cost*", "expensive", "afford*", "bank*", "salary", "cash", "price*",
              "loan*", "mortgage", "savings", "buy", "buying", "bought", "purchase*", "credit", "dollars",
              "euros", "pounds", "bucks"),
    "chores": ("chore*", "dishes", "dishwasher", "laundry", "clean*", "vacuum*", "hoover*", "trash",
               "rubbish", "bins", "tidy*", "mess", "messy", "cook*", "groceries", "housework",
               "washing", "bathroom", "kitchen", "ironing"),
    "family/in-laws": ("mom", "mum", "mother", "dad", "father", "parents", "sister", "brother",
                       "family", "inlaws", "aunt", "uncle", "grandma", "grandpa", "cousin*", "law"),
    "time together": ("together", "alone", "date", "dates", "attention", "ignore*", "quality",
                      "cuddle*", "company", "lonely", "hang", "hanging", "evening", "evenings"),
    "phones/screens": ("phone*", "screen*", "instagram", "tiktok", "facebook", "scroll*", "game",
                       "games", "gaming", "netflix", "laptop", "online", "texting", "youtube",
                       "playstation", "xbox", "social", "media"),
    "jealousy/trust": ("jealous*", "trust*", "lie", "lied", "lies", "lying", "liar", "cheat*",
                       "flirt*", "secret*", "suspicious", "affair", "hiding"),
    "sex/intimacy": ("sex*", "intimacy", "intimate", "touch*", "kiss*", "affection*", "desire*",
                     "libido"),
    "work": ("work*", "job", "jobs", "boss", "office", "overtime", "meeting", "meetings", "shift",
             "shifts", "colleague*", "career", "deadline*", "client*"),
    "kids": ("kids", "kid", "children", "child", "son", "daughter", "baby", "babysitter", "school",
             "homework", "nursery", "daycare", "bedtime", "toddler", "nappy", "diaper*"),
    "plans/holidays": ("holiday*", "vacation*", "trip", "trips", "plan", "plans", "planning",
                       "weekend*", "christmas", "birthday", "flight*", "travel*", "booked",
                       "booking", "wedding", "party"),
}

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def words(text: str) -> list[str]:
    """Lower-cased content words: stop-words, contractions and words under 3 letters dropped."""
    found = _WORD.findall(text.lower().replace("\u2019", "'"))
    return [w for w in found if len(w) >= 3 and "'" not in w and w not in STOP_WORDS]


#: COARSE_TOPICS split once into exact words and prefixes (thousands of episodes read them).
_COARSE_SPLIT = [
    (name, frozenset(k for k in keywords if not k.endswith("*")), tuple(k[:-1] for k in keywords if k.endswith("*")))
    for name, keywords in COARSE_TOPICS.items()
]


_TOPICS_OF: dict[str, tuple[int, ...]] = {}  # word -> the coarse topics it counts for, remembered


def _topics_of(word: str) -> tuple[int, ...]:
    found = _TOPICS_OF.get(word)
    if found is None:
        if len(_TOPICS_OF) > 200_000:  # stay bounded on a huge vocabulary
            _TOPICS_OF.clear()
        found = _TOPICS_OF[word] = tuple(
            k for k, (_, exact, prefixes) in enumerate(_COARSE_SPLIT) if word in exact or word.startswith(prefixes)
        )
    return found


def _most_hit(hits: Sequence[int]) -> int:
    """The coarse topic with the most keyword hits (ties: the one listed first), or -1 when none has any."""
    best, most = -1, 0
    for k, count in enumerate(hits):
        if count > most:
            best, most = k, count
    return best


def _coarse_counts(tf: Mapping[str, int]) -> tuple[str, list[str]]:
    """The coarse topic whose keywords occur most often (ties: the one listed first), and those words."""
    hits = [0] * len(_COARSE_SPLIT)
    found: list[list[str]] = [[] for _ in _COARSE_SPLIT]
    for w, c in tf.items():
        for k in _topics_of(w):
            hits[k] += c
            found[k].append(w)
    best = _most_hit(hits)
    return ("other", []) if best < 0 else (_COARSE_SPLIT[best][0], sorted(found[best]))


def document_frequency(chat_texts: Sequence[str]) -> tuple[int, Counter[str]]:
    """How many turns of a chat there are, and in how many of them each word occurs."""
    return len(chat_texts), Counter(w for text in chat_texts for w in set(words(text)))


def episode_topic(episode_texts: Sequence[str], chat_texts: Sequence[str] = (), *,
                  chat_df: tuple[int, Counter[str]] | None = None) -> Topic:
    """Top words of an episode by TF-IDF against the turns of its whole chat, and a coarse topic.

    idf(w) = ln((1 + N) / (1 + df(w))) + 1 over the N turns of the chat (the
    episode's turns among them); tf is the count in the episode. Ties go in
    alphabetical order so the result is stable. ``chat_df`` (from
    :func:`document_frequency`) saves reading the chat again for each episode.
    """
    tokens = [w for text in episode_texts for w in words(text)]
    return _topic(tokens, chat_df if chat_df is not None else document_frequency(chat_texts or episode_texts))


def _topic(tokens: list[str], chat_df: tuple[int, Counter[str]]) -> Topic:
    n, df = chat_df
    tf = Counter(tokens)
    score = {w: c * (math.log((1 + n) / (1 + df.get(w, 0))) + 1) for w, c in tf.items()}
    keywords = sorted(score, key=lambda w: (-score[w], w))[:TOPIC_WORDS]
    coarse, matched = _coarse_counts(tf)
    return Topic(keywords, coarse, matched)


_NO_WORDS: tuple[int, ...] = ()


def _topic_ids(cols: CodedColumns, first: int, last: int, topics_of: dict[int, tuple[int, ...]],
               ) -> tuple[tuple[int, ...], str, tuple[int, ...]]:
    """:func:`_topic` of the episode ``first..last`` on word ids: keyword ids, coarse topic, matched ids.

    The same scores, the same order (ties by the word itself), computed once per episode from the
    ids kept in the columns instead of the words.
    """
    start = int(cols.token_ends[first - 1]) if first else 0
    tf = Counter(cols.tokens[start:int(cols.token_ends[last])].tolist())
    if not tf:
        return _NO_WORDS, "other", _NO_WORDS
    vocabulary = cols.vocabulary
    n, df = cols.document_frequency.get(int(cols.conversation[first])) or (0, Counter())
    score = {w: c * (math.log((1 + n) / (1 + df.get(w, 0))) + 1) for w, c in tf.items()}
    keywords = tuple(sorted(score, key=lambda w: (-score[w], vocabulary[w]))[:TOPIC_WORDS])
    hits = [0] * len(_COARSE_SPLIT)
    found: list[list[int]] = [[] for _ in _COARSE_SPLIT]
    for w, c in tf.items():
        kinds = topics_of.get(w)
        if kinds is None:
            kinds = topics_of[w] = _topics_of(vocabulary[w])
        for k in kinds:
            hits[k] += c
            found[k].append(w)
    best = _most_hit(hits)
    if best < 0:
        return keywords, "other", _NO_WORDS
    return keywords, _COARSE_SPLIT[best][0], tuple(sorted(found[best], key=vocabulary.__getitem__))


# --- the whole sequence ---------------------------------------------------

class Ragged(Sequence[tuple[int, ...]]):
    """Short tuples of ints (each episode's word ids) back to back in one array: 4 bytes an id,
    not a tuple and an int object each."""

    def __init__(self) -> None:
        self._values, self._ends = array("i"), array("q")

    def append(self, values: Sequence[int]) -> None:
        self._values.extend(values)
        self._ends.append(len(self._values))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        k = range(len(self))[k]
        return tuple(self._values[self._ends[k - 1] if k else 0:self._ends[k]])


@dataclass(frozen=True)
class EpisodeIndex:
    """Every episode of a report as arrays: enough to count, date and group them without making them.

    Positions are places in the coded sequence; -1 where there is none.
    """

    first: np.ndarray
    last: np.ndarray
    closed_by: list[ClosedBy]
    ending: list[Ending]
    closer: np.ndarray  # the soften that ended it
    peak: np.ndarray
    start_time: np.ndarray  # the first event with a time
    coarse: list[str]  # the coarse topic
    keywords: Sequence[tuple[int, ...]]  # word ids (into the columns' vocabulary)
    matched: Sequence[tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.first)


class Episodes(Sequence[Episode]):
    """The episodes of a report, each made from the columns when it is read (never all held at once)."""

    def __init__(self, cols: CodedColumns | None, scores: np.ndarray, index: EpisodeIndex | None) -> None:
        self._cols, self._scores, self._index = cols, scores, index

    def __len__(self) -> int:
        return 0 if self._index is None else len(self._index)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError("episode index out of range")
        return _episode(self._cols, self._scores, self._index, k % len(self))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Episode]:
        return (self[k] for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} episodes>"


def _episode(cols: CodedColumns, scores: np.ndarray, index: EpisodeIndex, k: int) -> Episode:
    first, last = int(index.first[k]), int(index.last[k])
    points = _points(cols, scores, first, last)
    closer_at, peak_at = int(index.closer[k]), int(index.peak[k])
    closer = points[closer_at - first] if closer_at >= 0 else None
    peak = points[peak_at - first]
    start_at = int(index.start_time[k])
    conversation = int(cols.conversation[first])
    vocabulary = cols.vocabulary
    return Episode(
        number=k + 1,
        conversation=cols.conversations[conversation],
        points=points,
        participants=list(dict.fromkeys(p.speaker for p in points)),
        ending=index.ending[k],
        closed_by=index.closed_by[k],
        peak=peak,
        closing_soften=closer,
        repair_from_start=_since_at(cols, closer_at, start_at),
        repair_from_peak=_since_at(cols, closer_at, peak_at),
        hot_moments=_hot_moments(points, cols, peak, closer),
        topic=Topic([vocabulary[w] for w in index.keywords[k]], index.coarse[k],
                    [vocabulary[w] for w in index.matched[k]]),
    )


def find_episodes(sequence: CodedSequence | CodedColumns) -> EpisodeReport:
    """The tense stretches of a coded sequence (one or more conversations, each in order).

    Takes ``CodedTurn`` objects or :class:`~.columns.CodedColumns` (a long
    chat's compact form); the report's ``episodes`` are made when read.
    Never raises on odd input: empty input, a single turn, only neutral turns,
    missing or backwards times all give a report whose ``notes`` and
    ``summary`` say what was found and what was skipped.
    """
    cols = sequence if isinstance(sequence, CodedColumns) else columns_of(sequence)
    notes: list[str] = []
    if not len(cols):
        return EpisodeReport(Episodes(None, np.zeros(0), None), 0, False, ["the input has no turns"])
    splits, backwards, untimed = _splits(cols)
    written = int(np.count_nonzero(cols.source == 0))
    timed = untimed < written
    unknown = int(np.count_nonzero(cols.move == UNKNOWN))
    if unknown:
        notes.append(f"{unknown} event(s) had a move outside the codebook and were read as neutral")
    if not timed:
        notes.append("no times: episodes are split by turn distance only, and repair times are not known")
    elif untimed:
        notes.append(f"{untimed} turn(s) have no time; quiet is measured from the nearest "
                     "timed turn before them")
    if backwards:
        notes.append(f"time runs backwards at {backwards} place(s) (a clock change or an out-of-order "
                     "export); those gaps split nothing and give no repair time")
    if len(np.unique(cols.speaker)) == 1:
        notes.append("only one person speaks here; any episode is one-sided")

    tense_mask = _tense_mask(cols)
    tense = tense_mask.tobytes()  # one byte an event, 0 or 1
    scores, stretches = _scan(cols, splits, tense)
    score_array = np.frombuffer(scores, np.float64)  # shares the scores' memory
    del scores
    tense_before = np.zeros(len(cols) + 1, np.int32 if len(cols) < 2**31 else np.int64)
    np.cumsum(tense_mask, out=tense_before[1:])  # tense events before each position
    del tense_mask
    quiet_moves = (NEUTRAL, UNKNOWN)
    move, source = cols.move, cols.source
    # arrays and shared strings, not an int object per field: a long chat has a hundred thousand episodes
    kept: dict[str, Any] = {name: array("q") for name in ("first", "last", "closer", "peak", "start_time")}
    kept.update(closed_by=[], ending=[], coarse=[], keywords=Ragged(), matched=Ragged())
    topics_of: dict[int, tuple[int, ...]] = {}
    blips = 0
    for first, last, closed_by in stretches:
        while last > first and source[last] == 0 and move[last] in quiet_moves:
            last -= 1  # trailing small talk is not part of the stretch
        if tense_before[last + 1] - tense_before[first] < MIN_TENSE:
            blips += 1
            continue
        ending, closer = _ending(cols, tense, first, last, closed_by)
        peak = first + int(np.argmax(score_array[first:last + 1]))  # the first of equal peaks
        clocked = np.flatnonzero(cols.wall[first:last + 1] != NO_TIME)[:1]  # the first event with a time
        start_time = first + int(clocked[0]) if len(clocked) else -1
        kept["first"].append(first)
        kept["last"].append(last)
        kept["closed_by"].append(closed_by)
        kept["ending"].append(ending)
        kept["closer"].append(closer)
        kept["peak"].append(peak)
        kept["start_time"].append(start_time)
        keywords, coarse, matched = _topic_ids(cols, first, last, topics_of)
        kept["coarse"].append(coarse)
        kept["keywords"].append(keywords)
        kept["matched"].append(matched)
    index = EpisodeIndex(
        first=np.frombuffer(kept["first"], np.int64), last=np.frombuffer(kept["last"], np.int64),
        closed_by=kept["closed_by"], ending=kept["ending"], closer=np.frombuffer(kept["closer"], np.int64),
        peak=np.frombuffer(kept["peak"], np.int64), start_time=np.frombuffer(kept["start_time"], np.int64),
        coarse=kept["coarse"], keywords=kept["keywords"], matched=kept["matched"],
    )
    if blips:
        notes.append(f"{blips} brief moment(s) of tension with fewer than {MIN_TENSE} pursue/withdraw "
                     "moves were not counted as episodes")
    if not len(index):
        notes.insert(0, "no tense stretches found")
    return EpisodeReport(Episodes(cols, score_array, index), len(cols), timed, notes, index)
