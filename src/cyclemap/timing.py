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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Literal

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


class _Baseline:
    """A person's recent reply delays and run lengths."""

    def __init__(self) -> None:
        self.delays: deque[float] = deque(maxlen=BASELINE_WINDOW)
        self.runs: deque[int] = deque(maxlen=BASELINE_WINDOW)

    def usual_delay(self) -> float:
        if len(self.delays) < MIN_BASELINE:
            return DEFAULT_REPLY_DELAY.total_seconds()
        return median(self.delays)

    def usual_run(self) -> int:
        if len(self.runs) < MIN_BASELINE:
            return MIN_BURST - 1
        ordered = sorted(self.runs)
        return ordered[min(len(ordered) - 1, int(BURST_QUANTILE * len(ordered)))]


def _describe(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def timing_events(turns: Sequence[Turn], moves: Sequence[Move | str]) -> Iterator[TimingEvent]:
    """Silences after pursuits and bursts of unanswered messages, in time order.

    ``moves`` gives each turn's move (same length as ``turns``). Turns without
    a time, system lines and media are skipped for timing; a conversation with
    no times yields nothing.
    """
    if len(turns) != len(moves):
        raise ValueError("one move per turn is needed")
    baselines: dict[str, _Baseline] = {}
    last: tuple[int, Turn, Move] | None = None  # previous timed message
    run_start: int | None = None
    run_length = 0
    for index, (turn, move) in enumerate(zip(turns, moves, strict=True)):
        if turn.time is None or turn.speaker is None or turn.kind == "system":
            continue
        move = Move(move)
        person = baselines.setdefault(turn.speaker, _Baseline())
        if last is not None and last[1].time is not None:
            previous_index, previous, previous_move = last
            gap = (turn.time - previous.time).total_seconds()
            if previous.speaker != turn.speaker:
                if gap >= 0:
                    usual = person.usual_delay()
                    threshold = max(SILENCE_FACTOR * usual, MIN_SILENCE.total_seconds())
                    if previous_move is Move.PURSUE and gap > threshold:
                        yield TimingEvent(
                            "silence", turn.speaker, previous_index, previous.time, turn.time,
                            f"{turn.speaker} replied after {_describe(gap)}; "
                            f"they usually reply within {_describe(usual)}",
                        )
                    person.delays.append(gap)
                owner = baselines.setdefault(previous.speaker or "", _Baseline())
                yield from _close_run(owner, previous.speaker or "", run_start, run_length, previous_index, turns)
                run_start, run_length = index, 1
            else:
                run_length += 1
        else:
            run_start, run_length = index, 1
        last = (index, turn, move)
    if last is not None and last[1].speaker is not None:
        yield from _close_run(baselines[last[1].speaker], last[1].speaker, run_start, run_length, last[0], turns)


def _close_run(
    person: _Baseline, speaker: str, start: int | None, length: int, end: int, turns: Sequence[Turn]
) -> Iterator[TimingEvent]:
    if start is None or length == 0:
        return
    usual = person.usual_run()
    if length >= MIN_BURST and length > usual:
        first, last = turns[start].time, turns[end].time
        assert first is not None and last is not None
        yield TimingEvent(
            "burst", speaker, end, first, last,
            f"{length} messages in a row with no reply; {speaker} usually sends at most {usual}",
        )
    person.runs.append(length)
