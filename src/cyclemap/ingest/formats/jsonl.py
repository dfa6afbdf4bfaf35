"""JSON Lines of turns: cyclemap's own interchange format (what ``parse`` writes).

One object per line with at least ``speaker`` and ``text``; optional ``time``
(ISO 8601), ``id``, ``kind``, ``reply_to`` and ``conversation``. Other keys
(for instance ``move`` from a coder) are ignored by the reader.

Two kinds of file that other tools write are read too:

* **Another name for the speaker** (``sender``, ``author``, ``from``, ``user``…,
  the CSV reader's names) when the first line has no ``speaker``.
* **A list of separate messages**: lines with a ``text`` and no speaker at all
  (each by an unnamed writer), or lines that all have one speaker, no time and
  no ``conversation``. Nobody answers anybody there and no clock orders them, so
  the turns before a message are not its context: each message is read as a
  conversation of its own (a warning says so). A move read from turns that were
  never a conversation would be invented, and a danger sign carried over from an
  unrelated message would be a false alarm.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, first_json_object
from .table import COLUMNS

#: The writer of a list of messages that names nobody.
UNNAMED = "unnamed"
#: Keys that make a speaker-less line a transcript segment (it needs a speaker), not a message.
_SEGMENT_KEYS = ("start", "end", "start_time", "end_time")


def _long_first_line(sample: Sample) -> bool:
    """A first line cut off by the sniffing limit that opens like a turn object."""
    head = sample.text.lstrip()
    return "\n" not in head and head.startswith("{") and '"speaker"' in head and '"text"' in head


@register
class JsonLinesReader(Reader):
    name = "jsonl"
    title = "JSON Lines of turns, as 'cyclemap parse' writes them"
    example = '{"time": "2024-03-02T19:04:00", "speaker": "Sam", "text": "you said you would call", "kind": "message"}'
    writable = True

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        first = first_json_object(sample.text)
        if first is None and _long_first_line(sample):
            return 0.6  # a first message longer than the sniffed head: judge by its keys
        if not first or not isinstance(first.get("text"), str):
            return 0.0
        # ConvoKit's utterances.jsonl also has "text"; it names the speaker "user" (its reader scores higher).
        if "speaker" in first:
            return 0.8
        if _speaker_key(first):
            return 0.5
        if not any(key in first for key in _SEGMENT_KEYS):
            return 0.35  # messages that name nobody; other readers of text-bearing lines come first
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        for _, turn, _ in read_lines(Source(path), options):
            yield turn

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        for turn in turns:
            handle.write(json.dumps(turn.to_json(), ensure_ascii=False) + "\n")


def _speaker_key(data: dict) -> str | None:
    """The key naming a line's speaker under another tool's name, or None."""
    return next((key for key in COLUMNS["speaker"] if isinstance(data.get(key), str)), None)


def _turn(source: Source, number: int, data: dict, key: str | None) -> Turn:
    """One line as a turn; ``key``: the speaker's key (None: a list that names nobody)."""
    if "text" not in data:
        raise source.error("missing field 'text'", line=number)
    if key is not None and key not in data:
        raise source.error(f"missing field '{key}'", line=number, hint="use null for system lines")
    if key != "speaker":
        data = {**data, "speaker": data[key] if key else UNNAMED}
    data.setdefault("id", str(number))
    try:
        return Turn.from_json(data)
    except ValueError as error:
        raise source.error(str(error), line=number) from None


def read_lines(source: Source, options: ReadOptions) -> Iterator[tuple[int, Turn, dict]]:
    """(line number, turn, the object as written) for each line, in order."""
    key: str | None = "speaker"  # where the lines name their speaker (decided by the first line)
    held: list[tuple[int, Turn, dict]] | None = []  # kept while the file may still be a list of separate messages
    speakers: set[str] = set()
    for index, (number, data) in enumerate(source.iter_objects()):
        if index == 0 and "speaker" not in data and "text" in data:
            key = _speaker_key(data)
        turn = _turn(source, number, data, key)
        if held is not None:
            if turn.time is None and turn.conversation is None and turn.offset is None:
                if turn.speaker is not None:
                    speakers.add(turn.speaker)
                if len(speakers) <= 1:
                    held.append((number, turn, data))
                    continue
            yield from held
            held = None
        yield number, turn, data
    if held and len(held) > 1:
        options.warn(f"{source.label}: one writer, no times and no conversations: "
                     "each line is read as a separate message")
        held = [(n, replace(t, conversation=f"message-{t.id}"), d) for n, t, d in held]
    yield from held or ()
