"""CSV with speaker / text / time columns, the spreadsheet researchers already keep.

Column names are matched case-insensitively against common synonyms, so a
sheet with ``Author,Message,Timestamp`` reads as well as cyclemap's own
``id,time,speaker,text,kind,reply_to,conversation``.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from ...model import TURN_KINDS, Turn
from ..registry import Reader, Sample, register
from ..source import MAX_LINE_BYTES, ReadOptions, Source

COLUMNS: dict[str, tuple[str, ...]] = {
    "speaker": ("speaker", "author", "sender", "from", "name", "user", "participant", "sender_name"),
    "text": ("text", "message", "content", "body", "utterance", "msg"),
    "time": ("time", "timestamp", "date", "datetime", "sent", "created_at"),
    "id": ("id", "message_id", "utterance_id"),
    "kind": ("kind", "type"),
    "reply_to": ("reply_to", "in_reply_to", "parent"),
    "conversation": ("conversation", "conversation_id", "chat", "thread"),
}
FIELDS = ("id", "time", "speaker", "text", "kind", "reply_to", "conversation")


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [name.strip().lower() for name in header]
    found: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[field] = lowered.index(name)
                break
    return found


class _Dialect(csv.excel):
    """Excel's quoting rules with the delimiter the header uses."""


def _dialect(header_line: str) -> type[csv.Dialect]:
    # csv.Sniffer guesses quoting from one line and gets it wrong; only the
    # delimiter needs choosing.
    delimiter = max(",;\t", key=header_line.count)
    return type("HeaderDialect", (_Dialect,), {"delimiter": delimiter})


def _time(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    raise ValueError(f"time {value!r} is not ISO 8601 (YYYY-MM-DDTHH:MM:SS)")


@register
class CsvReader(Reader):
    name = "csv"
    title = "CSV with speaker, text and (optional) time columns; header row required"
    example = "time,speaker,text\n2024-03-02T19:04:00,Sam,you said you'd call\n2024-03-02T19:07:00,Alex,I was in a meeting"
    writable = True

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip or b"\x00" in sample.head[:4096]:
            return 0.0
        first = sample.text.split("\n", 1)[0]
        try:
            header = next(csv.reader([first], _dialect(first)))
        except (csv.Error, StopIteration):
            return 0.0
        found = _columns(header)
        if "speaker" in found and "text" in found:
            return 0.85 if sample.suffix in (".csv", ".tsv") else 0.6
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        csv.field_size_limit(min(MAX_LINE_BYTES, sys.maxsize))
        with source.text_stream() as stream:
            try:
                head = stream.readline()
            except UnicodeDecodeError:
                raise source.error("not valid UTF-8", line=1, hint="save the sheet as CSV UTF-8") from None
            rows = csv.reader(_chain(head, stream), _dialect(head))
            try:
                header = next(rows)
            except StopIteration:
                raise source.error("empty file; a header row with speaker and text columns is needed") from None
            found = _columns(header)
            missing = [name for name in ("speaker", "text") if name not in found]
            if missing:
                raise source.error(
                    f"no {' or '.join(missing)} column in the header", line=1,
                    hint=f"name the columns e.g. {', '.join(FIELDS)}",
                )
            count = 0
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise source.error(f"broken CSV: {error}", line=rows.line_num) from None
                except UnicodeDecodeError:
                    raise source.error("not valid UTF-8", line=rows.line_num + 1) from None
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                yield self._turn(row, found, count, source, rows.line_num)

    @staticmethod
    def _turn(row: list[str], found: dict[str, int], count: int, source: Source, line: int) -> Turn:
        def cell(field: str) -> str | None:
            index = found.get(field)
            if index is None or index >= len(row):
                return None
            return row[index]

        if found["text"] >= len(row):
            raise source.error(f"row has {len(row)} cells; the text column is number {found['text'] + 1}", line=line)
        kind = (cell("kind") or "message").strip() or "message"
        if kind not in TURN_KINDS:
            kind = "message"  # another tool's "type" column (e.g. "text", "photo")
        try:
            time = _time(cell("time") or "")
        except ValueError as error:
            raise source.error(str(error), line=line) from None
        speaker = cell("speaker")
        return Turn(
            id=(cell("id") or "").strip() or str(count),
            time=time,
            speaker=speaker if speaker else None,
            text=cell("text") or "",
            kind=kind,  # type: ignore[arg-type]
            reply_to=(cell("reply_to") or None),
            conversation=(cell("conversation") or None),
        )

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        writer = csv.writer(handle)  # RFC 4180 line ends, so a lone \r in a text is quoted
        writer.writerow(FIELDS)
        for turn in turns:
            writer.writerow([
                turn.id, turn.time.isoformat() if turn.time else "", turn.speaker or "", turn.text,
                turn.kind, turn.reply_to or "", turn.conversation or "",
            ])


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest
