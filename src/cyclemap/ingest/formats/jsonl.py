"""JSON Lines of turns: cyclemap's own interchange format (what ``parse`` writes).

One object per line with at least ``speaker`` and ``text``; optional ``time``
(ISO 8601), ``id``, ``kind``, ``reply_to`` and ``conversation``. Other keys
(for instance ``move`` from a coder) are ignored by the reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, first_json_object


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
        if not first or "text" not in first:
            return 0.0
        # ConvoKit's utterances.jsonl also has "text"; it names the speaker "user".
        if "speaker" in first:
            return 0.8
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        for number, data in source.iter_objects():
            if "text" not in data:
                raise source.error("missing field 'text'", line=number)
            if "speaker" not in data:
                raise source.error("missing field 'speaker'", line=number, hint="use null for system lines")
            data.setdefault("id", str(number))
            try:
                yield Turn.from_json(data)
            except ValueError as error:
                raise source.error(str(error), line=number) from None

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        for turn in turns:
            handle.write(json.dumps(turn.to_json(), ensure_ascii=False) + "\n")
