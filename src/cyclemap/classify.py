"""Classify a stream of turns: every turn's move, cue, confidence, evidence and safety flags,
plus the timing events its timestamps complete, in bounded memory.

Turns arrive in conversation order (a chat export, or JSON Lines whose turns of
one conversation are consecutive). Each conversation is labelled in blocks; a
block re-reads the few turns before it as context, so the labels do not depend
on where a block starts.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .codebook import LabelError, Move, check_label
from .errors import UsageError
from .ingest import ReadOptions, detect, get_reader, read_turns
from .ingest.formats import jsonl
from .ingest.source import Source
from .model import Turn
from .moves.blocks import runner_for
from .moves.cache import LabelCache
from .moves.context import CONTEXT
from .moves.label import MoveLabel
from .moves.labeller import Correction, Labeller
from .timing import TimingTracker

BLOCK = 2048
#: Blocks labelled but not yet written out, at most (bounded memory while the helper process works).
MAX_PENDING = 10


@dataclass
class LabelledTurn:
    """A turn as read, with its label and the timing events it completes."""

    turn: Turn
    label: MoveLabel
    raw: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The output line's object: the turn as given (or as read), then its label and events.

        The same as ``turn.to_json()`` updated with ``label.to_json()``, written out
        because it runs once per turn of every classified chat.
        """
        if self.raw is not None:
            row = dict(self.raw)
        else:
            turn = self.turn
            row = {
                "id": turn.id, "time": _isoformat(turn.time), "speaker": turn.speaker, "text": turn.text,
                "kind": turn.kind, "reply_to": turn.reply_to, "conversation": turn.conversation,
                "offset": turn.offset,
            }
        label = self.label
        row["move"] = label.move.value if isinstance(label.move, Move) else str(label.move)
        row["cue"] = label.cue
        row["confidence"] = round(label.confidence, 4)
        row["evidence"] = [
            {"reason": e.reason, "text": e.text, "start": e.start, "end": e.end} for e in label.evidence
        ]
        row["safety"] = list(label.safety)
        row["events"] = self.events
        return row

    def to_json_line(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, the same characters.

        A turn read from a chat (not JSON Lines) is written from a template, each value by the
        encoder's own C functions; ``tests/test_classify_speed.py`` holds it to ``json.dumps``.
        """
        if self.raw is not None:
            return _ENCODER.encode(self.to_json())
        turn, label, value = self.turn, self.label, _value
        move = label.move.value if isinstance(label.move, Move) else str(label.move)
        evidence = ", ".join([
            f'{{"reason": {value(e.reason)}, "text": {value(e.text)}, "start": {value(e.start)}, "end": {value(e.end)}}}'
            for e in label.evidence
        ])
        return (
            f'{{"id": {value(turn.id)}, "time": {value(_isoformat(turn.time))}, "speaker": {value(turn.speaker)}, '
            f'"text": {value(turn.text)}, "kind": {value(turn.kind)}, "reply_to": {value(turn.reply_to)}, '
            f'"conversation": {value(turn.conversation)}, "offset": {value(turn.offset)}, "move": {value(move)}, '
            f'"cue": {value(label.cue)}, "confidence": {value(round(label.confidence, 4))}, "evidence": [{evidence}], '
            f'"safety": {_ENCODER.encode(list(label.safety)) if label.safety else "[]"}, '
            f'"events": {_ENCODER.encode(self.events) if self.events else "[]"}}}'
        )


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_STRING = json.encoder.encode_basestring  # what the encoder above writes a str with (ensure_ascii=False)


def _value(v: Any) -> str:
    """One JSON value as ``_ENCODER`` writes it: strings, None and ints directly, anything else by the encoder."""
    kind = type(v)
    if kind is str:
        return _STRING(v)
    if v is None:
        return "null"
    if kind is int:
        return int.__repr__(v)
    if kind is float and v == v and v not in (_INFINITY, -_INFINITY):  # NaN and infinities: the encoder's words
        return float.__repr__(v)
    return _ENCODER.encode(v)


_INFINITY = float("inf")
_last_time: list = [None, None]  # the last time formatted and its text: messages often share a minute


def _isoformat(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    last = _last_time[0]
    # reused only for equal naive times (aware ones may be equal instants written differently)
    if not (moment.tzinfo is None and last is not None and last.tzinfo is None and moment == last):
        _last_time[:] = [moment, moment.isoformat()]
    return _last_time[1]


def input_turns(path: Path, format: str = "auto", options: ReadOptions | None = None) -> Iterator[tuple[Turn, dict | None]]:
    """Turns of any supported chat; for JSON Lines input, also the object as given (kept in the output)."""
    reader = detect(path) if format == "auto" else get_reader(format)
    if reader.name != "jsonl":
        for turn in read_turns(path, reader.name, options):
            yield turn, None
        return
    source = Source(path)
    for number, turn, data in jsonl.read_lines(source, options or ReadOptions()):
        if data.get("move"):  # coded input: the code must be the codebook's
            try:
                check_label(data["move"], data.get("cue") or None, data.get("safety") or [], require_cue=False)
            except (ValueError, LabelError) as error:
                raise source.error(str(error), line=number) from None
        yield turn, data


def coded_move(raw: dict) -> Correction:
    """The move a coded input row already carries (checked when the row was read)."""
    safety = raw.get("safety")
    return Correction(
        Move(raw["move"]), raw.get("cue") or None, reason="coded input",
        safety=tuple(safety) if isinstance(safety, list) else None,
    )


def load_corrections(path: Path) -> dict[tuple[str | None, str], Correction]:
    """A corrections file: JSON Lines of {"turn": id, "move", "cue"?, "conversation"?, "note"?}."""
    found: dict[tuple[str | None, str], Correction] = {}
    source = Source(path)
    for number, data in source.iter_objects():
        if "turn" not in data or "move" not in data:
            raise source.error("each correction needs 'turn' (the turn's id) and 'move'", line=number)
        cue = data.get("cue") or None
        try:
            check_label(data["move"], cue, require_cue=False)
        except LabelError as error:
            raise source.error(str(error), line=number) from None
        conversation = data.get("conversation")
        key = (None if conversation is None else str(conversation), str(data["turn"]))
        found[key] = Correction(Move(data["move"]), cue, str(data.get("note", "")))
    return found


class _Stream:
    """One conversation being labelled: a block of new turns and the context before it."""

    def __init__(self, conversation: str | None) -> None:
        self.conversation = conversation
        self.context: list[tuple[Turn, dict | None]] = []  # the turns before the block, >= CONTEXT messages
        self.block: list[tuple[Turn, dict | None]] = []
        self.tracker = TimingTracker()
        self.index = 0  # position of the block's first turn in the conversation
        self.held: LabelledTurn | None = None  # the end of the conversation may complete a burst on it


def _trim_context(window: list[tuple[Turn, dict | None]]) -> list[tuple[Turn, dict | None]]:
    """The tail of ``window`` that holds CONTEXT message turns (media and system lines are not context)."""
    position, messages = len(window), 0
    while position > 0 and messages < CONTEXT:
        position -= 1
        if window[position][0].kind == "message":
            messages += 1
    return window[position:]


def classify_stream(
    pairs: Iterable[tuple[Turn, dict | None]],
    labeller: Labeller,
    corrections: Mapping[tuple[str | None, str], Correction] | None = None,
    progress: Callable[[int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Iterator[LabelledTurn]:
    """Label turns as they come, conversation by conversation, block by block, in bounded memory.

    A block re-reads the turns before it as context, so labels do not depend on
    where a block starts. A correction given without a conversation applies to
    the turn of that id in any conversation; corrections that match no message
    turn are reported through ``warn`` at the end.
    """
    corrections = corrections or {}
    used: set[tuple[str | None, str]] = set()
    finished: set[str | None] = set()
    stream: _Stream | None = None
    runner = runner_for(labeller)
    # Blocks handed to the runner, oldest first: ("block", stream, turns, handle, ...) or ("close", stream).
    # A block's labels may come later (from the helper process); its rows go out in input order.
    pending: deque[tuple] = deque()

    def submit(stream: _Stream, full: bool) -> None:
        window = stream.context + stream.block
        skip = len(stream.context)
        wanted = {}
        for i, (turn, raw) in enumerate(window):
            if corrections:
                key = (turn.conversation, turn.id)
                if key not in corrections:
                    key = (None, turn.id)
                if key in corrections and turn.kind == "message":
                    wanted[(0, i)] = corrections[key]
                    used.add(key)
                    continue
            if raw is not None and raw.get("move"):
                wanted[(0, i)] = coded_move(raw)
        turns = [turn for turn, _ in window]
        handle = runner.submit(turns, wanted, skip, full)
        pending.append(("block", stream, window[skip:], handle, stream.index, (turns, wanted, skip)))
        stream.index += len(stream.block)
        stream.context = _trim_context(window)
        stream.block = []

    def finish(item: tuple) -> Iterator[LabelledTurn]:
        if item[0] == "close":
            stream = item[1]
            if stream.held is not None:
                stream.held.events.extend(_event_json(e) for e in stream.tracker.finish())
                yield stream.held
            return
        _, stream, block, handle, index, job = item
        labels = runner.result(handle, *job)
        feed = stream.tracker.feed
        for offset, ((turn, raw), label) in enumerate(zip(block, labels, strict=True)):
            row = LabelledTurn(turn, label, raw)
            events = feed(index + offset, turn, label.move)
            if events:
                row.events.extend(_event_json(e) for e in events)
            if stream.held is not None:
                yield stream.held
            stream.held = row
        if progress:
            progress(len(block))

    def drain(everything: bool) -> Iterator[LabelledTurn]:
        """Rows of the blocks labelled so far, in order (waiting for the oldest only when too many are held)."""
        if everything:  # the end: label here what the helper has not started, rather than wait for it
            for position in range(len(pending) - 1, -1, -1):
                item = pending[position]
                if item[0] == "block" and runner.steal(item[3]):
                    pending[position] = (*item[:3], runner.label_here(*item[5]), *item[4:])
        while pending:
            item = pending[0]
            if item[0] == "block" and not item[3].done():
                if not everything and len(pending) <= MAX_PENDING:
                    return  # more input to read meanwhile
                if not runner.wait(item[3]):  # rather than wait on for the helper, label the block here
                    runner.steal(item[3])
                    pending[0] = (*item[:3], runner.label_here(*item[5]), *item[4:])
            yield from finish(pending.popleft())

    def close(stream: _Stream) -> None:
        if stream.block:
            submit(stream, False)
        pending.append(("close", stream))
        finished.add(stream.conversation)

    turns = iter(pairs)
    while True:
        try:
            turn, raw = next(turns)
        except StopIteration:
            break
        except Exception:
            # The input broke off (a malformed line): the rows labelled before it still go out first,
            # as many as one process would have written.
            yield from drain(True)
            raise
        if stream is None or turn.conversation != stream.conversation:
            if stream is not None:
                close(stream)
                yield from drain(False)
            if turn.conversation in finished:
                # Its earlier turns were labelled without these: context and timing would be wrong.
                yield from drain(True)
                raise UsageError(
                    f"the turns of conversation {turn.conversation!r} are not consecutive "
                    f"(turn {turn.id!r} comes back to it)",
                    hint="sort the input by conversation, keeping each conversation's order",
                )
            stream = _Stream(turn.conversation)
        stream.block.append((turn, raw))
        if len(stream.block) >= BLOCK:
            submit(stream, True)
            yield from drain(False)
    if stream is not None:
        close(stream)
    yield from drain(True)
    unused = [key for key in corrections if key not in used]
    if unused and warn is not None:
        names = ", ".join(repr(turn_id) for _, turn_id in unused[:5])
        warn(f"{len(unused)} correction(s) matched no message turn (turn {names}); they were not applied")


def is_corrected(label: MoveLabel) -> bool:
    return any(item.reason == "corrected by a person" for item in label.evidence)


class CorrectionExporter:
    """Writes corrected turns as labelled training rows (the corpus's JSON Lines shape), streaming.

    Each row carries the turn's own fields, the corrected ``move``/``cue``, and the
    CONTEXT turns before it (speaker, text, time), which a model needs to learn from it.
    """

    def __init__(self, handle) -> None:
        self.handle = handle
        self.window: list[LabelledTurn] = []
        self.written = 0

    def feed(self, row: LabelledTurn) -> None:
        if is_corrected(row.label):
            context = [
                {"speaker": r.turn.speaker, "text": r.turn.text, "time": r.turn.time.isoformat() if r.turn.time else None}
                for r in self.window
                if r.turn.conversation == row.turn.conversation
            ]
            record = {
                "conversation": row.turn.conversation, "turn": row.turn.id, "speaker": row.turn.speaker,
                "text": row.turn.text, "time": row.turn.time.isoformat() if row.turn.time else None,
                "move": str(row.label.move), "cue": row.label.cue, "safety": list(row.label.safety),
                "context": context, "source": "correction",
            }
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.written += 1
        self.window.append(row)
        del self.window[:-CONTEXT]


def _event_json(event) -> dict[str, Any]:
    data = event.to_json()
    data["after_turn"] = event.after_id
    data["counts_as"] = event.move.value
    return data


def open_cache(enabled: bool) -> LabelCache | None:
    return LabelCache() if enabled else None


__all__ = ["LabelledTurn", "classify_stream", "CorrectionExporter", "input_turns", "load_corrections", "open_cache"]
