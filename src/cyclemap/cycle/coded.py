"""The input of every cycle analysis: a conversation as a sequence of coded moves.

A coded sequence holds one :class:`CodedTurn` per message that a partner
wrote, in order, with its move (from the classifier, a person's correction,
or a researcher's own codes), and the timing events (``silence``, ``burst``)
inserted where they happened, coded as the move the codebook counts them as.
System lines and media are not part of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..codebook import Move


@dataclass(frozen=True, slots=True)
class CodedTurn:
    """One coded event of a conversation."""

    index: int  # position of the turn in its conversation (for events: the turn they follow)
    speaker: str
    move: Move
    cue: str | None
    time: datetime | None
    text: str
    conversation: str | None = None
    source: Literal["turn", "silence", "burst"] = "turn"
    turn_id: str | None = None
    confidence: float = 1.0


CodedSequence = Sequence[CodedTurn]

_MOVES: dict[str, Move] = {m.value: m for m in Move}  # a StrEnum member finds itself here too


_VALUES: dict[str, str] = {m.value: m.value for m in Move}


def move_value(value: object) -> str:
    """``Move(value).value`` as a plain string, fast (ValueError outside the codebook)."""
    try:
        return _VALUES[value]  # type: ignore[index]
    except (KeyError, TypeError):
        return Move(value).value


def move_of(value: object) -> Move:
    """``Move(value)`` (ValueError outside the codebook), without the enum's slow call for the
    millions of events a long chat has."""
    try:
        return _MOVES[value]  # type: ignore[index]
    except (KeyError, TypeError):
        return Move(value)


def speakers(sequence: CodedSequence) -> list[str]:
    """Partners in order of first appearance."""
    return list(dict.fromkeys(t.speaker for t in sequence))
