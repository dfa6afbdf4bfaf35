"""Events from timestamps, against each person's own baseline: ``silence`` and ``burst``.

A **silence** is no reply after a pursuit for far longer than the person who
should answer usually takes to answer. A **burst** is a run of messages by one
person with no reply that is longer than that person's own usual run. Both
compare a person with themself, over a trailing window of their recent
behaviour, so someone whose style is short and slow is never read as
withdrawing for being short and slow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from bisect import bisect_left, insort
from typing import Literal

from .clock import skipped_seconds
from .codebook import Move
from .model import Turn

#: How many of a person's recent replies (and runs) their baseline looks at.
BASELINE_WINDOW = 200
#: Replies seen before a person's own baseline is trusted; until then the default below.
MIN_BASELINE = 5
DEFAULT_REPLY_DELAY = timedelta(minutes=10)
#: A silence is a reply delay this many times the person's median delay ...
SILENCE_FACTOR = 6.0
#: ... and never shorter than this (a 5-minute pause is not a silence).
MIN_SILENCE = timedelta(minutes=45)
#: A burst has at least this many unanswered messages ...
MIN_BURST = 3
#: Until a person's own runs are known, a burst must be longer than this.
WARMUP_RUN = 4
#: ... and is longer than this share of the person's own runs.
BURST_QUANTILE = 0.9


@dataclass(frozen=True, slots=True)
class TimingEvent:
    """A silence or burst; ``after`` is the index of the turn it follows."""

    kind: Literal["silence", "burst"]
    speaker: str
    after: int
    start: datetime
    end: datetime
    evidence: str
    after_id: str | None = None  # the id of the turn it follows

    @property
    def move(self) -> Move:
        return Move.WITHDRAW if self.kind == "silence" else Move.PURSUE

    def to_json(self) -> dict:
        return {
            "event": self.kind,
            "speaker": self.speaker,
            "after": self.after,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "evidence": self.evidence,
        }


class _Window:
    """The last BASELINE_WINDOW reply delays, also kept sorted, so the median costs no sort."""

    def __init__(self) -> None:
        self.recent: deque[float] = deque()
        self.ordered: list[float] = []

    def append(self, value: float) -> None:
        if len(self.recent) == BASELINE_WINDOW:
            del self.ordered[bisect_left(self.ordered, self.recent.popleft())]
        self.recent.append(value)
        insort(self.ordered, value)

    def __len__(self) -> int:
        return len(self.recent)

    def __iter__(self):
        return iter(self.recent)

    def median(self) -> float:
        """As statistics.median: the middle value, or the mean of the two middle values."""
        ordered, n = self.ordered, len(self.ordered)
        return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


class _Baseline:
    """A person's recent reply delays and run lengths."""

    def __init__(self) -> None:
        self.delays = _Window()
        self.runs: deque[int] = deque(maxlen=BASELINE_WINDOW)
        self._usual_run: tuple[int, int] | None = None  # (runs seen, value), recomputed as runs come
        self._total_runs = 0

    def usual_delay(self) -> float:
        if len(self.delays) < MIN_BASELINE:
            return DEFAULT_REPLY_DELAY.total_seconds()
        return self.delays.median()

    def usual_run(self) -> int:
        if len(self.runs) < MIN_BASELINE:
            return WARMUP_RUN
        seen = self.total_runs
        if self._usual_run is None or seen - self._usual_run[0] >= 8:  # a quantile moves slowly
            ordered = sorted(self.runs)
            self._usual_run = (seen, ordered[min(len(ordered) - 1, int(BURST_QUANTILE * len(ordered)))])
        return self._usual_run[1]

    @property
    def total_runs(self) -> int:
        return self._total_runs

    def add_run(self, length: int) -> None:
        self.runs.append(length)
        self._total_runs += 1


def _describe(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


class TimingTracker:
    """Feeds on one conversation's turns in order and says which timing events they complete.

    Streaming: memory grows with the number of people, not of turns.
    """

    def __init__(self) -> None:
        self.baselines: dict[str, _Baseline] = {}
        self.last: tuple[int, Turn, Move] | None = None  # previous timed message
        self.run_start: int | None = None
        self.run_length = 0
        self.run_first: datetime | None = None

    def feed(self, index: int, turn: Turn, move: Move | str) -> list[TimingEvent]:
        """Events that ``turn`` (at position ``index``) completes."""
        if turn.time is None or turn.speaker is None or turn.kind == "system":
            return []
        events: list[TimingEvent] = []
        person = self.baselines.get(turn.speaker)
        if person is None:
            person = self.baselines[turn.speaker] = _Baseline()
        if self.last is not None and self.last[1].time is not None:
            previous_index, previous, previous_move = self.last
            gap = _seconds(turn.time, previous.time)
            if previous.speaker != turn.speaker:
                if gap >= 0:
                    # only a reply to a pursuit can be a silence; skip the median otherwise
                    usual = person.usual_delay() if previous_move == Move.PURSUE else 0.0
                    threshold = max(SILENCE_FACTOR * usual, MIN_SILENCE.total_seconds())
                    # A wall-clock gap across the night the clocks go forward may hold an hour that never passed.
                    if (previous_move == Move.PURSUE and gap > threshold
                            and gap - skipped_seconds(previous.time, turn.time) > threshold):
                        events.append(TimingEvent(
                            "silence", turn.speaker, previous_index, previous.time, turn.time,
                            f"{turn.speaker} replied after {_describe(gap)}; "
                            f"they usually reply within {_describe(usual)}",
                            previous.id,
                        ))
                    person.delays.append(gap)
                events.extend(self._close_run(previous.speaker or "", previous_index, previous.time, previous.id))
                self.run_start, self.run_length, self.run_first = index, 1, turn.time
            else:
                self.run_length += 1
        else:
            self.run_start, self.run_length, self.run_first = index, 1, turn.time
        self.last = (index, turn, move)
        return events

    def finish(self) -> list[TimingEvent]:
        """Events the end of the conversation completes (a burst nobody answered)."""
        if self.last is None or self.last[1].speaker is None or self.last[1].time is None:
            return []
        return self._close_run(self.last[1].speaker, self.last[0], self.last[1].time, self.last[1].id)

    def _close_run(self, speaker: str, end: int, last_time: datetime, end_id: str | None = None) -> list[TimingEvent]:
        person = self.baselines.get(speaker)
        if person is None:
            person = self.baselines[speaker] = _Baseline()
        if self.run_start is None or self.run_length == 0 or self.run_first is None:
            return []
        usual = person.usual_run()
        length = self.run_length
        person.add_run(length)
        if length >= MIN_BURST and length > usual:
            return [TimingEvent(
                "burst", speaker, end, self.run_first, last_time,
                f"{length} messages in a row with no reply; {speaker} usually sends at most {usual}",
                end_id,
            )]
        return []


def _seconds(later: datetime, earlier: datetime) -> float:
    try:
        return (later - earlier).total_seconds()
    except TypeError:  # one aware, one naive: compare wall clocks
        return (later.replace(tzinfo=None) - earlier.replace(tzinfo=None)).total_seconds()


def timing_events(turns: Sequence[Turn], moves: Sequence[Move | str]) -> list[TimingEvent]:
    """Silences after pursuits and bursts of unanswered messages in one conversation.

    ``moves`` gives each turn's move (same length as ``turns``). Turns without
    a time and system lines are skipped; a conversation with no times has none.
    """
    if len(turns) != len(moves):
        raise ValueError("one move per turn is needed")
    tracker = TimingTracker()
    events: list[TimingEvent] = []
    for index, (turn, move) in enumerate(zip(turns, moves, strict=True)):
        events.extend(tracker.feed(index, turn, move))
    events.extend(tracker.finish())
    return sorted(events, key=lambda e: (e.after, e.kind))
