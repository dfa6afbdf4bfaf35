"""What a model says about one turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..codebook import Move, check_label


_CHECKED: set[tuple[object, object, tuple[str, ...]]] = set()


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a label was given: words of the turn (with their span) or a timing fact."""

    reason: str
    text: str = ""
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class MoveLabel:
    """One turn's move and cue (None for neutral), confidence in [0, 1], evidence, safety flags."""

    move: Move
    cue: str | None = None
    confidence: float = 1.0
    evidence: tuple[Evidence, ...] = ()
    safety: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        key = (self.move, self.cue, self.safety)
        if key not in _CHECKED:  # labels repeat; check each combination once
            # A person's correction or hand-coded input may name the move alone: a cue,
            # when given, must belong to the move, but it is not required.
            check_label(self.move.value if isinstance(self.move, Move) else self.move, self.cue, self.safety,
                        require_cue=False)
            _CHECKED.add(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "move": str(self.move),
            "cue": self.cue,
            "confidence": round(self.confidence, 4),
            "evidence": [item.to_json() for item in self.evidence],
            "safety": list(self.safety),
        }
