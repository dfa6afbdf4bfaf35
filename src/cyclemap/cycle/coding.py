"""From labelled turns to coded sequences: what every cycle analysis reads.

Only messages from people count (system lines and media are not moves). The
timing events a turn completes (a silence after a pursuit, a burst) are put
into the sequence right after the turn they follow, coded as the move the
codebook counts them as. Turns that already carry a move (coded input from a
researcher, or a person's correction) keep it.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from datetime import datetime

from ..codebook import Move
from .coded import CodedTurn
from .columns import CodedColumns, ColumnsBuilder


def _event_turn(event: dict, base: CodedTurn) -> CodedTurn:
    move = Move(event["counts_as"])
    silence = event["event"] == "silence"
    return CodedTurn(
        index=base.index, speaker=event["speaker"], move=move,
        cue=None if silence else "contact",
        time=datetime.fromisoformat(event["end"]) if silence else base.time,
        text=event["evidence"], conversation=base.conversation,
        source=event["event"], turn_id=base.turn_id,
    )


def coded_sequences(rows: Iterable) -> dict[str | None, list[CodedTurn]]:
    """Coded sequences by conversation from ``classify`` rows (LabelledTurn), in order.

    Events are placed by the position of the turn they follow (``after``), not by
    its id, so duplicate ids cannot misplace them; an event that follows a media
    or system line goes after the last message before it.
    """
    turns: dict[str | None, list[CodedTurn]] = {}
    events: dict[str | None, list[tuple[int, dict]]] = {}
    # turn position in its conversation -> coded position (-1: no message yet); 8 bytes a turn
    where: dict[str | None, array[int]] = {}
    for index, row in enumerate(rows):
        turn, label = row.turn, row.label
        conversation = turn.conversation
        sequence = turns.setdefault(conversation, [])
        positions = where.get(conversation)
        if positions is None:
            positions = where[conversation] = array("q")
        if turn.kind == "message" and turn.speaker is not None:
            sequence.append(CodedTurn(
                index=index, speaker=turn.speaker, move=label.move, cue=label.cue, time=turn.time,
                text=turn.text, conversation=conversation, turn_id=turn.id, confidence=label.confidence,
            ))
        positions.append(len(sequence) - 1)  # this message, or the last one before a media/system line
        for event in row.events:
            after = event["after"]
            if isinstance(after, int) and 0 <= after < len(positions) and positions[after] >= 0:
                events.setdefault(conversation, []).append((positions[after], event))
    merged: dict[str | None, list[CodedTurn]] = {}
    for conversation, sequence in turns.items():
        after: dict[int, list[dict]] = {}
        for position, event in events.get(conversation, []):
            after.setdefault(position, []).append(event)
        out: list[CodedTurn] = []
        for position, coded in enumerate(sequence):
            out.append(coded)
            out.extend(_event_turn(event, coded) for event in after.get(position, []))
        merged[conversation] = out
    return merged


def coded_columns(rows: Iterable, watch: Callable[[object], None] | None = None) -> CodedColumns:
    """What :func:`coded_sequences` gives, for every conversation back to back, as columns.

    Streaming: each row is read once and dropped; only its codes, time, words
    and text (in compact columns) stay. ``watch`` sees every row first (the
    analysis counts turns and safety findings there). The rows' conversations
    must be consecutive, as ``classify_stream`` gives them.
    """
    builder = ColumnsBuilder()
    where: dict[int, array[int]] = {}  # this conversation's turn positions -> global turn position (-1: none yet)
    last: dict[int, int] = {}
    for index, row in enumerate(rows):
        if watch is not None:
            watch(row)
        turn, label = row.turn, row.label
        conversation = builder.conversation_id(turn.conversation)
        positions = where.get(conversation)
        if positions is None:
            where.clear()  # conversations come one after another: an event never refers to an earlier one
            positions = where[conversation] = array("i")
            last[conversation] = -1
        if turn.kind == "message" and turn.speaker is not None:
            last[conversation] = builder.add_turn(
                index=index, speaker=turn.speaker, move=label.move, cue=label.cue, time=turn.time, text=turn.text,
                conversation=conversation, turn_id=turn.id, confidence=label.confidence,
            )
        positions.append(last[conversation])  # this message, or the last one before a media/system line
        for event in row.events:
            after = event["after"]
            if isinstance(after, int) and 0 <= after < len(positions) and positions[after] >= 0:
                silence = event["event"] == "silence"
                builder.add_raw_event(
                    positions[after], kind=event["event"], speaker=event["speaker"], move=event["counts_as"],
                    cue=None if silence else "contact", text=event["evidence"], conversation=conversation,
                    time=datetime.fromisoformat(event["end"]) if silence else None,
                )
    return builder.finish()
