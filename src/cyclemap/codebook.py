"""The move codebook (labelling standard v1.1) as the one vocabulary of cyclemap.

Every label that enters or leaves the library is checked against these
names. The standard itself lives in the project's shared CODEBOOK.md; the
names and the move each cue belongs to are fixed there and mirrored here.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Mapping

CODEBOOK_VERSION = "1.1"


class Move(StrEnum):
    """The one move every turn makes."""

    PURSUE = "pursue"
    WITHDRAW = "withdraw"
    SOFTEN = "soften"
    NEUTRAL = "neutral"


class SafetyFlag(StrEnum):
    """Danger in the relationship; a separate field, never replaced by a move."""

    VIOLENCE = "violence"
    CONTROL = "control"
    SELF_HARM = "self_harm"
    FEAR = "fear"


class Pattern(StrEnum):
    """The shape that dominates a conversation, period or topic."""

    PURSUE_WITHDRAW = "pursue-withdraw"
    MUTUAL_PURSUIT = "mutual-pursuit"
    MUTUAL_WITHDRAWAL = "mutual-withdrawal"
    SOFTENED = "softened"
    CALM = "calm"


class TimingEvent(StrEnum):
    """Events derived from timestamps against each person's own baseline."""

    SILENCE = "silence"
    BURST = "burst"


# Cue -> the move it belongs to, in the codebook's order.
CUES: Mapping[str, Move] = MappingProxyType(
    {
        # pursue (protest)
        "criticize": Move.PURSUE,
        "demand": Move.PURSUE,
        "interrogate": Move.PURSUE,
        "reassure_seek": Move.PURSUE,
        "complain_response": Move.PURSUE,
        "contact": Move.PURSUE,
        "escalate": Move.PURSUE,
        # withdraw (distance)
        "shutdown": Move.WITHDRAW,
        "deflect": Move.WITHDRAW,
        "exit": Move.WITHDRAW,
        "minimize": Move.WITHDRAW,
        "defend": Move.WITHDRAW,
        "appease": Move.WITHDRAW,
        # soften (reach)
        "vulnerable": Move.SOFTEN,
        "name_overwhelm": Move.SOFTEN,
        "name_cycle": Move.SOFTEN,
        "reassure": Move.SOFTEN,
        "repair": Move.SOFTEN,
        "validate": Move.SOFTEN,
        "invite": Move.SOFTEN,
    }
)

# Events from timing count as these moves in the sequential analysis.
TIMING_EVENT_MOVES: Mapping[TimingEvent, tuple[Move, str | None]] = MappingProxyType(
    {
        TimingEvent.SILENCE: (Move.WITHDRAW, None),
        TimingEvent.BURST: (Move.PURSUE, "contact"),
    }
)


def cues_of(move: Move | str) -> tuple[str, ...]:
    """The cues that belong to ``move`` (none for ``neutral``)."""
    move = Move(move)
    return tuple(cue for cue, owner in CUES.items() if owner is move)


class LabelError(ValueError):
    """A move, cue or flag that is not in the codebook, or a cue of another move."""


def check_label(
    move: str,
    cue: str | None,
    flags: list[str] | tuple[str, ...] = (),
    *,
    require_cue: bool = True,
) -> None:
    """Raise :class:`LabelError` unless ``move``/``cue``/``flags`` follow the codebook.

    A non-neutral move needs one of its own cues (unless ``require_cue`` is
    False, for data coded by move only); ``neutral`` takes no cue.
    """
    try:
        parsed = Move(move)
    except ValueError:
        raise LabelError(
            f"unknown move {move!r}; expected one of {', '.join(m.value for m in Move)}"
        ) from None
    if parsed is Move.NEUTRAL:
        if cue:
            raise LabelError(f"'neutral' takes no cue, got {cue!r}")
    else:
        if not cue:
            if require_cue:
                raise LabelError(f"move {move!r} needs a cue: one of {', '.join(cues_of(parsed))}")
        elif CUES.get(cue) is not parsed:
            raise LabelError(
                f"cue {cue!r} does not belong to move {move!r}; "
                f"expected one of {', '.join(cues_of(parsed))}"
            )
    for flag in flags:
        try:
            SafetyFlag(flag)
        except ValueError:
            raise LabelError(
                f"unknown safety flag {flag!r}; expected one of "
                f"{', '.join(f.value for f in SafetyFlag)}"
            ) from None
