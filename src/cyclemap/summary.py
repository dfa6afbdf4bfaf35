"""Who wrote how much and when: the first look at a conversation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .model import Turn


@dataclass
class PersonSummary:
    name: str
    messages: int = 0
    media: int = 0
    words: int = 0
    first: datetime | None = None
    last: datetime | None = None
    hours: Counter[int] = field(default_factory=Counter)

    @property
    def busiest_hour(self) -> int | None:
        return self.hours.most_common(1)[0][0] if self.hours else None


@dataclass
class ChatSummary:
    turns: int = 0
    system: int = 0
    first: datetime | None = None
    last: datetime | None = None
    people: dict[str, PersonSummary] = field(default_factory=dict)


def _naive(moment: datetime) -> datetime:
    # Mixed aware and naive times cannot be compared; compare wall-clock times.
    return moment.replace(tzinfo=None)


def summarize(turns: Iterable[Turn]) -> ChatSummary:
    """One streaming pass over the turns; memory grows with people, not messages."""
    result = ChatSummary()
    for turn in turns:
        result.turns += 1
        if turn.time is not None:
            moment = _naive(turn.time)
            result.first = moment if result.first is None else min(result.first, moment)
            result.last = moment if result.last is None else max(result.last, moment)
        if turn.kind == "system" or turn.speaker is None:
            result.system += 1
            continue
        person = result.people.setdefault(turn.speaker, PersonSummary(turn.speaker))
        if turn.kind == "media":
            person.media += 1
        else:
            person.messages += 1
            person.words += len(turn.text.split())
        if turn.time is not None:
            moment = _naive(turn.time)
            person.first = moment if person.first is None else min(person.first, moment)
            person.last = moment if person.last is None else max(person.last, moment)
            person.hours[moment.hour] += 1
    return result

