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
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from ..codebook import Move
from .coded import CodedSequence, CodedTurn, move_of

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
    """All episodes of a coded sequence, with what could not be read."""

    episodes: list[Episode]
    events: int
    timed: bool
    notes: list[str]

    @property
    def summary(self) -> str:
        if not self.episodes:
            return "no tense stretches found" + ("" if self.events else " (the input has no turns)")
        endings = Counter(e.ending.value for e in self.episodes)
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


def _splits(seq: Sequence[CodedTurn]) -> tuple[list[bool], int, int]:
    """Where a new stretch must begin; also how often time ran backwards, and untimed turns."""
    splits = [False] * len(seq)
    last_time: datetime | None = None
    backwards = untimed = 0
    for pos, turn in enumerate(seq):
        if pos and turn.conversation != seq[pos - 1].conversation:
            splits[pos], last_time = True, None
        if turn.source != "turn":
            continue  # an event belongs with the turn it follows
        if turn.time is None:
            untimed += 1
            continue
        if last_time is not None:
            gap = _gap_seconds(turn.time, last_time)
            if gap < 0:
                backwards += 1
            elif gap >= GAP.total_seconds() or (
                gap >= NEW_DAY_GAP.total_seconds() and turn.time.date() != last_time.date()
            ):
                splits[pos] = True
        last_time = turn.time
    return splits, backwards, untimed


Stretch = tuple[int, int, ClosedBy]  # first and last position, what closed it


def _scan(seq: Sequence[CodedTurn], splits: list[bool]) -> tuple[list[float], list[Stretch]]:
    """Scores and the raw stretches."""
    scores: list[float] = []
    stretches: list[Stretch] = []
    start: int | None = None
    floor = 0  # the walk back never reaches into a closed stretch or across a split
    quiet = 0
    score = 0.0
    for pos, turn in enumerate(seq):
        if splits[pos]:
            if start is not None:
                closed: ClosedBy = "end" if turn.conversation != seq[pos - 1].conversation else "gap"
                stretches.append((start, pos - 1, closed))
                start = None
            score, floor = 0.0, pos
        score = max(0.0, (1 - ALPHA) * score + ALPHA * turn_tension(turn))
        scores.append(score)
        tense = _is_tense(turn)
        if start is None:
            if tense and score >= OPEN:
                back = pos
                while back - 1 >= floor and scores[back - 1] >= CLOSE:
                    back -= 1
                start = next(p for p in range(back, pos + 1) if _is_tense(seq[p]))
                quiet = 0
        else:
            quiet = 0 if tense else quiet + 1
            if quiet >= QUIET_TURNS and score < CLOSE:
                stretches.append((start, pos, "calm"))
                start, floor = None, pos + 1
    if start is not None:
        stretches.append((start, len(seq) - 1, "end"))
    return scores, stretches


# --- one episode ----------------------------------------------------------

def _point(seq: Sequence[CodedTurn], scores: list[float], pos: int) -> Point:
    t = seq[pos]
    return Point(pos, t.index, t.turn_id, t.speaker, _move(t) or Move.NEUTRAL, t.cue, t.source,
                 t.time, scores[pos])


def _ending(points: list[Point], closed_by: ClosedBy) -> tuple[Ending, Point | None]:
    last_tense = max(i for i, p in enumerate(points) if p.source != "turn" or p.move in TENSE)
    softens = [p for p in points[last_tense + 1:] if p.move is Move.SOFTEN and p.source == "turn"]
    if softens:
        closer = softens[0]
        answered = any(p.speaker != closer.speaker for p in softens[1:])
        return (Ending.REPAIRED if answered else Ending.SOFTENED), closer
    tense = points[last_tense]
    if tense.move is Move.WITHDRAW and tense.cue == "exit":
        return Ending.EXIT, None
    if tense.source == "silence" or closed_by == "gap":
        return Ending.SILENCE, None
    if closed_by == "end":
        return Ending.EXIT, None  # the chat stops while tense
    return Ending.UNRESOLVED, None


def _since(later: datetime | None, earlier: datetime | None) -> timedelta | None:
    if later is None or earlier is None:
        return None
    seconds = _gap_seconds(later, earlier)
    return timedelta(seconds=seconds) if seconds >= 0 else None  # a backwards clock says nothing


def _hot_moments(points: list[Point], seq: Sequence[CodedTurn], peak: Point,
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
    moments = [HotMoment(kind, p, seq[p.position].text, why)  # type: ignore[arg-type]
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


def _coarse(tokens: list[str]) -> tuple[str, list[str]]:
    hits: list[list[str]] = [[] for _ in _COARSE_SPLIT]  # per topic, its words in order
    for w in tokens:
        for k in _topics_of(w):
            hits[k].append(w)
    best, best_hits = "other", []
    for (name, _, _), found in zip(_COARSE_SPLIT, hits):
        if len(found) > len(best_hits):  # ties go to the topic listed first
            best, best_hits = name, found
    return best, sorted(set(best_hits))


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
    coarse, matched = _coarse(tokens)
    return Topic(keywords, coarse, matched)


# --- the whole sequence ---------------------------------------------------

def find_episodes(sequence: CodedSequence) -> EpisodeReport:
    """The tense stretches of a coded sequence (one or more conversations, each in order).

    Never raises on odd input: empty input, a single turn, only neutral turns,
    missing or backwards times all give a report whose ``notes`` and
    ``summary`` say what was found and what was skipped.
    """
    seq = list(sequence)
    notes: list[str] = []
    if not seq:
        return EpisodeReport([], 0, False, ["the input has no turns"])
    splits, backwards, untimed = _splits(seq)
    written = sum(1 for t in seq if t.source == "turn")
    timed = untimed < written
    unknown = sum(1 for t in seq if _move(t) is None)
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
    if len({t.speaker for t in seq}) == 1:
        notes.append("only one person speaks here; any episode is one-sided")

    scores, stretches = _scan(seq, splits)
    # Each turn's words are read once: for the chat's document frequencies, and kept for the
    # turns inside a stretch (the episodes' topics need them again).
    inside = np.zeros(len(seq) + 1, np.int64)
    for first, last, _ in stretches:
        inside[first] += 1
        inside[last + 1] -= 1
    keep = np.cumsum(inside)[:-1] > 0
    kept: dict[int, list[str]] = {}
    shared: dict[str, str] = {}
    turns_by_chat: Counter[str | None] = Counter()
    df_by_chat: dict[str | None, Counter[str]] = {}
    for pos, t in enumerate(seq):
        if t.source == "turn":
            found = words(t.text)
            turns_by_chat[t.conversation] += 1
            df_by_chat.setdefault(t.conversation, Counter()).update(set(found))
            if keep[pos]:
                kept[pos] = [shared.setdefault(w, w) for w in found]  # one string per distinct word
    chat_df = {chat: (turns_by_chat[chat], df) for chat, df in df_by_chat.items()}

    episodes: list[Episode] = []
    blips = 0
    for first, last, closed_by in stretches:
        while last > first and seq[last].source == "turn" and _move(seq[last]) in (Move.NEUTRAL, None):
            last -= 1  # trailing small talk is not part of the stretch
        if sum(1 for p in range(first, last + 1) if _is_tense(seq[p])) < MIN_TENSE:
            blips += 1
            continue
        points = [_point(seq, scores, p) for p in range(first, last + 1)]
        ending, closer = _ending(points, closed_by)
        peak = max(points, key=lambda p: p.intensity)  # the first of equal peaks
        start_time = next((p.time for p in points if p.time is not None), None)
        tokens = [w for p in points if p.source == "turn" for w in kept[p.position]]
        episodes.append(Episode(
            number=len(episodes) + 1,
            conversation=seq[first].conversation,
            points=points,
            participants=list(dict.fromkeys(p.speaker for p in points)),
            ending=ending,
            closed_by=closed_by,
            peak=peak,
            closing_soften=closer,
            repair_from_start=_since(closer.time, start_time) if closer else None,
            repair_from_peak=_since(closer.time, peak.time) if closer else None,
            hot_moments=_hot_moments(points, seq, peak, closer),
            topic=_topic(tokens, chat_df.get(seq[first].conversation) or (0, Counter())),
        ))
    if blips:
        notes.append(f"{blips} brief moment(s) of tension with fewer than {MIN_TENSE} pursue/withdraw "
                     "moves were not counted as episodes")
    if not episodes:
        notes.insert(0, "no tense stretches found")
    return EpisodeReport(episodes, len(seq), timed, notes)
