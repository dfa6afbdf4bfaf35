"""JSON Lines of turns: cyclemap's own interchange format (what ``parse`` writes).

One object per line with at least ``speaker`` and ``text``; optional ``time``
(ISO 8601), ``id``, ``kind``, ``reply_to`` and ``conversation``. Other keys
(for instance ``move`` from a coder) are ignored by the reader.

Three kinds of file that other tools write are read too:

* **Another name for the speaker** (``sender``, ``author``, ``from``, ``user``…,
  the CSV reader's names) when the first line has no ``speaker``; and, when a
  speaker is named, another name for the words (``utterance``, ``message``,
  ``content``…), as chat datasets write them.
* **A list of separate messages**: lines with no ``time`` or ``conversation``
  key at all (cyclemap's own files write those keys, as null, and stay one
  chat) whose speakers are one, none named (an "unnamed" writer), or six and
  more. Nobody answers anybody in one writer's list, and six or more people
  talking with no clock and no conversation named is a list gathered from
  many people, not one couple's talk. The turns before a message are not its
  context there, so each message is read as a conversation of its own (a
  warning says so): a move read from turns that were never a conversation
  would be invented, and a danger sign carried over from an unrelated
  message would be a false alarm (the rule is :mod:`..message_list`'s, shared
  with the CSV and JSON readers).
* **A chat model's lines** (``{"role", "content"}``, or ``{"messages": […]}``
  per line): :mod:`.chat_model`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ...errors import CyclemapError
from ...model import Turn
from ..clocks import LINE_CLOCKS, other_clock
from ..registry import Reader, Sample, register
from ..message_list import (
    LOG_KEYS,
    MANY_WRITERS,
    SEGMENT_KEYS,
    UNNAMED,
    is_message_list,
    labelled,
    separate as separate_turn,
    unanswered,
    warning,
)
from ..source import ReadOptions, Source, first_json_object
from . import chat_model
from .table import COLUMNS

__all__ = ["JsonLinesReader", "read_lines"]


def _long_first_line(sample: Sample) -> bool:
    """A first line cut off by the sniffing limit that opens like a turn object, or like a chat
    model's conversation (a long ShareGPT line)."""
    head = sample.text.lstrip()
    if "\n" in head or not head.startswith("{"):
        return False
    if '"speaker"' in head and '"text"' in head:
        return True
    return re.match(r'\{\s*(?:"[^"]{1,40}"\s*:\s*(?:"[^"]{0,200}"|\d+)\s*,\s*)?"(?:messages|conversations|turns)"'
                    r'\s*:\s*\[\s*\{\s*"(?:role|from)"', head) is not None


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
        if not first:
            return 0.0
        if chat_model.is_chat_line(first):
            return 0.6  # a chat model's messages ({"role", "content"}) or conversations ({"messages": […]})
        if "speaker" in first and "text" in first:
            return 0.8  # cyclemap's own lines; a text that is not a string is named when the line is read
        if _text_key(first) is None or any(key in first for key in LOG_KEYS):
            return 0.0
        # ConvoKit's utterances.jsonl also has "text"; it names the speaker "user" (its reader scores higher).
        if "speaker" in first:
            return 0.8
        if _speaker_key(first):
            return 0.5
        if not any(key in first for key in SEGMENT_KEYS):
            return 0.35  # messages that name nobody; other readers of text-bearing lines come first
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        for _, turn, _ in read_lines(Source(path), options):
            yield turn

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        for turn in turns:
            handle.write(json.dumps(turn.to_json(), ensure_ascii=False) + "\n")


def _text_key(data: dict) -> str | None:
    """The key holding a line's words: ``text``, or another tool's name when a speaker is named."""
    if isinstance(data.get("text"), str):
        return "text"
    if "speaker" not in data and _speaker_key(data) is None:
        return None  # words with nobody named: not a dataset's turn
    return next((key for key in COLUMNS["text"] if isinstance(data.get(key), str)), None)


def _speaker_key(data: dict) -> str | None:
    """The key naming a line's speaker under another tool's name, or None."""
    return next((key for key in COLUMNS["speaker"] if isinstance(data.get(key), str)), None)


def _turn(source: Source, number: int, data: dict, key: str | None, words: str = "text") -> Turn:
    """One line as a turn; ``key``: the speaker's key (None: a list that names nobody);
    ``words``: the key of its text."""
    if words not in data:
        raise source.error(f"missing field {words!r}", line=number)
    if words != "text":
        data = {**data, "text": data[words]}
    if (key, words) != ("speaker", "text") and "conversation" not in data:  # another tool's name for the chat
        names = COLUMNS["conversation"]
        thread = next((data[name] for name in names if isinstance(data.get(name), (str, int))), None)
        if thread is not None:
            data = {**data, "conversation": thread}
    if key is not None and key not in data:
        raise source.error(f"missing field '{key}'", line=number, hint="use null for system lines")
    if key != "speaker":
        data = {**data, "speaker": data[key] if key else UNNAMED}
    if "time" not in data and (clock := other_clock(data, names=LINE_CLOCKS)) is not None:
        data = {**data, "time": clock.isoformat()}  # "timestamp", "created_at", "ts" …: other tools' names
    if "id" not in data:
        data = {**data, "id": str(number)}  # a copy: classify writes the line back as given
    try:
        return Turn.from_json(data)
    except ValueError as error:
        raise source.error(str(error), line=number) from None


def read_lines(source: Source, options: ReadOptions) -> Iterator[tuple[int, Turn, dict]]:
    """(line number, turn, the object as written) for each line, in order."""
    key: str | None = "speaker"  # where the lines name their speaker (decided by the first line)
    words = "text"  # where they keep their words (decided by the first line too)
    separate: bool | None = None  # each line a conversation of its own (decided on the first line)
    first = 0
    for number, data in source.iter_objects():
        if not first:
            if chat_model.is_chat_line(data):
                yield from chat_model.read_chat_lines(source, options)
                return
            first = number
            if "speaker" not in data and "text" in data:
                key = _speaker_key(data)
            if "text" not in data:
                key, words = ("speaker" if "speaker" in data else _speaker_key(data)), _text_key(data) or "text"
        elif key is None and ("speaker" in data or _speaker_key(data)):
            # the first line named nobody: reading on as an unnamed writer would drop these names
            raise source.error(f"this line names its speaker and line {first} does not", line=number,
                               hint="give every line a speaker, null for system lines")
        turn = _turn(source, number, data, key, words)
        if separate is None:
            separate, examples = _message_list(source, key, words) if unanswered(data) else (False, False)
            if separate:
                options.warn(warning(source.label, all_labelled=examples))
        if separate:
            turn = separate_turn(turn, number)
        yield number, turn, data


def _message_list(source: Source, key: str | None, words: str) -> tuple[bool, bool]:
    """Whether the file is two or more unanswered lines by one speaker (or none named), by
    so many speakers that they cannot be one couple's or family's talk (:func:`..message_list.separate_writers`),
    or all labelled examples of a data set; and whether they are all labelled (for the warning).

    Read ahead once (to the end where speakers vary, else stopping at the first line that breaks
    the rule), so a list of a million messages streams instead of being held until its end."""
    speakers: set[str] = set()
    lines = 0
    examples = True  # every line a labelled example so far
    try:
        for _, data in source.iter_objects():
            # keyed like the first line: its speaker key present, or (a list naming nobody) no speaker key at all
            keyed = key in data if key else not ("speaker" in data or _speaker_key(data) is not None)
            refused = words not in data or not keyed
            if refused or not unanswered(data):
                return False, False  # a line the reading refuses (its error comes alone), or an ordered one
            speaker = data[key] if key else UNNAMED
            if speaker is not None and len(speakers) < MANY_WRITERS:
                speakers.add(str(speaker))
            examples = examples and labelled(data)
            lines += 1
    except CyclemapError:
        return False, False  # the reading itself names the broken line
    return is_message_list(lines, len(speakers), ordered=False, all_labelled=examples), examples

