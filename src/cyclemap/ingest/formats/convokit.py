"""ConvoKit's ``utterances.jsonl``: the field's shared corpus format, read and written.

ConvoKit keeps times as Unix timestamps. Writing a naive local time would lose
that it had no zone, so cyclemap also stores the exact ISO time and the turn
kind under ``meta`` and prefers them when reading its own files back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ...model import TURN_KINDS, Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, first_json_object


def _time(data: dict[str, Any]) -> datetime | None:
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    exact = meta.get("cyclemap_time")
    if isinstance(exact, str):
        return datetime.fromisoformat(exact)
    stamp = data.get("timestamp")
    if stamp is None or stamp == "":
        return None
    if isinstance(stamp, bool) or not isinstance(stamp, (int, float, str)):
        raise ValueError("timestamp must be a Unix time")
    try:
        return datetime.fromtimestamp(float(stamp), UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"timestamp {stamp!r} is not a Unix time") from None


@register
class ConvoKitReader(Reader):
    name = "convokit"
    title = "ConvoKit utterances.jsonl, the corpus format of the ConvoKit toolkit"
    example = '{"id": "u1", "speaker": "Sam", "conversation_id": "u1", "reply_to": null, "timestamp": 1709406240, "text": "..."}'
    writable = True

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        first = first_json_object(sample.text)
        if first is not None and "text" in first and "conversation_id" in first and ("speaker" in first or "user" in first):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        for number, data in source.iter_objects():
            if "text" not in data or not isinstance(data["text"], str):
                raise source.error("each line must be an utterance object with a 'text' string", line=number)
            speaker = data.get("speaker", data.get("user"))
            meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
            kind = meta.get("kind") if meta.get("kind") in TURN_KINDS else "message"
            try:
                time = _time(data)
            except ValueError as error:
                raise source.error(str(error), line=number) from None
            reply_to = data.get("reply_to")
            conversation = data.get("conversation_id")
            yield Turn(
                id=str(data.get("id", number)),
                time=time,
                speaker=None if speaker is None else str(speaker),
                text=data["text"],
                kind=kind,
                reply_to=None if reply_to is None else str(reply_to),
                conversation=None if conversation is None else str(conversation),
            )

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        first_id: str | None = None
        for turn in turns:
            first_id = first_id or turn.id
            stamp = None
            meta: dict[str, Any] = {"kind": turn.kind}
            if turn.time is not None:
                moment = turn.time if turn.time.tzinfo else turn.time.replace(tzinfo=UTC)
                stamp = moment.timestamp()
                meta["cyclemap_time"] = turn.time.isoformat()
            row = {
                "id": turn.id,
                "speaker": turn.speaker,
                "conversation_id": turn.conversation or first_id,
                "reply_to": turn.reply_to,
                "timestamp": stamp,
                "text": turn.text,
                "meta": meta,
                "vectors": [],
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
