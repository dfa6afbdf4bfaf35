"""CSV with speaker / text / time columns, the spreadsheet researchers already keep.

Column names are matched case-insensitively against common synonyms, so a
sheet with ``Author,Message,Timestamp`` reads as well as cyclemap's own
``id,time,speaker,text,kind,reply_to,conversation``.
"""

from __future__ import annotations

import _csv
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ...errors import InputError
from ...model import TURN_KINDS, Turn
from .. import message_list
from ..clocks import CLOCKS, read_clock
from ..columns import COLUMNS
from ..registry import Reader, Sample, register
from ..source import MAX_LINE_BYTES, ReadOptions, Source
from .english_months import ENGLISH_MONTHS

FIELDS = ("id", "time", "speaker", "text", "kind", "reply_to", "conversation")

# Phone exports (SMS apps' "Date,Time,Type,Number,Name,Message") give the day and the clock in two
# columns, and say who wrote a row with a direction word: the contact's name is on every row.
_CLOCK_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?\s?[Mm]\.?)?")
_OUTGOING = frozenset({"out", "outgoing", "sent", "outbox", "send", "sendbox", "me"})
_INCOMING = frozenset({"in", "incoming", "received", "inbox", "receive", "recv"})
_DIRECTION_HEADERS = ("type", "direction", "folder", "box", "kind")
_CONTACT_HEADERS = frozenset({"name", "contact", "contact name", "contact_name", "number", "address", "phone"})


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [name.strip().lower() for name in header]
    found: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[field] = lowered.index(name)
                break
    if "time" not in found:  # another tool's name for the clock ("ts", "sent_at" …), read leniently
        found.update({"clock": lowered.index(name) for name in reversed(CLOCKS) if name in lowered})
    return found


class _Dialect(csv.excel):
    """Excel's quoting rules with the delimiter the header uses."""


def _dialect(header_line: str) -> type[csv.Dialect]:
    # csv.Sniffer guesses quoting from one line and gets it wrong; only the
    # delimiter needs choosing.
    delimiter = max(",;\t", key=header_line.count)
    return type("HeaderDialect", (_Dialect,), {"delimiter": delimiter})


# Other tools' sheets write times their own way: "03/12/2024 21:04", "12/3/24,
# 9:04:11 PM", "Aug 30, 2024 10:42:49 PM", "30 Aug 2024 22:42", DiscordChatExporter's older
# "01-Jan-20 01:33 AM" (a two-digit year after a worded month is 20xx), or epoch numbers.
_CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:[.,]\d+)?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
_NUMERIC = re.compile(rf"(?P<a>\d{{1,4}})[./-](?P<b>\d{{1,2}})[./-](?P<c>\d{{2,4}}),?[\sT]+{_CLOCK}")
_WORDED = re.compile(
    rf"(?:(?P<mon>[A-Za-z]{{3,9}})\.? (?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})[ -](?P<mon2>[A-Za-z]{{3,9}})\.?)(?:,? |-)"
    rf"(?P<year>\d{{4}}|\d{{2}}),?\s+(?:at\s+)?{_CLOCK}"
)
_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?|\d{12,13}")


def _hour(hour: str, meridiem: str | None) -> int:
    value = int(hour)
    if meridiem and value <= 12:
        return value % 12 + (12 if meridiem.lower().startswith("p") else 0)
    return value


def _numeric(match: re.Match[str], dayfirst: bool) -> datetime:
    a, b, c = match.group("a"), match.group("b"), match.group("c")
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        year = int(c) + (2000 if len(c) == 2 else 0)
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
    return datetime(year, month, day, _hour(match.group("h"), match.group("ampm")), int(match.group("mi")), int(match.group("s") or 0))


def date_order(values: Iterable[str]) -> bool:
    """Whether a column's numeric dates are day-first: the first date with a field above 12 says."""
    for value in values:
        match = _NUMERIC.fullmatch(value.strip())
        if match and len(match.group("a")) <= 2:
            first, second = int(match.group("a")), int(match.group("b"))
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return True  # nothing says otherwise: most of the world writes the day first


def _time(value: str, dayfirst: bool = True) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        if _EPOCH.fullmatch(value):
            # milliseconds have 12 or 13 digits before any point; Slack's "1764180000.000100" is seconds
            seconds = float(value) / (1000 if len(value.split(".")[0]) >= 12 else 1)
            return datetime.fromtimestamp(seconds, tz=UTC)
        numeric = _NUMERIC.fullmatch(value)
        if numeric:
            return _numeric(numeric, dayfirst)
        worded = _WORDED.fullmatch(value)
        if worded:
            month = ENGLISH_MONTHS.get((worded.group("mon") or worded.group("mon2")).lower())
            if month is not None:
                year = int(worded.group("year"))
                return datetime(
                    year + 2000 if year < 100 else year, month, int(worded.group("day") or worded.group("day2")),
                    _hour(worded.group("h"), worded.group("ampm")), int(worded.group("mi")), int(worded.group("s") or 0),
                )
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"impossible time {value!r}") from None
    raise ValueError(f"time {value!r} is not in a known layout (e.g. 2024-03-02T19:04:00)")


#: The time parser, for other readers of loosely laid-out exports (:mod:`.json_messages`).
parse_time = _time


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
        if "speaker" not in found and sample.suffix in (".csv", ".tsv") and message_list.speakerless_text(header):
            return 0.35  # a sheet of messages that names nobody (a dataset of single messages)
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
            words = None if "speaker" in found else message_list.speakerless_text(header)
            unnamed = words is not None
            if words is not None:  # each row's words, and nobody named: an unnamed writer's messages
                found["text"] = header.index(words)
            missing = [name for name in ("speaker", "text") if name not in found and not unnamed]
            if missing:
                raise source.error(
                    f"no {' or '.join(missing)} column in the header", line=1,
                    hint=f"name the columns e.g. {', '.join(FIELDS)}",
                )
            day_column = _day_column(header, found)
            direction = _direction_column(header, found)
            dayfirst = self._dayfirst(source, {**found, "time": day_column} if day_column is not None else found, options)
            owner = options.owner or "Me"
            examples = message_list.labelled(header)  # a data set's sheet: a label on every row
            # a direction column (incoming/outgoing) is a phone's conversation: the owner writes too
            separate, examples = _message_list(source, found, unnamed, examples) if direction is None else (False, False)
            if separate:
                options.warn(message_list.warning(source.label, "row", examples))
            count = 0
            for row in csv_rows(rows, source):
                count += 1
                try:
                    turn = self._turn(_joined(row, found, day_column), found, count, source, rows.line_num, dayfirst)
                    if unnamed:
                        turn.speaker = message_list.UNNAMED
                    if separate:
                        turn = message_list.separate(turn, rows.line_num)
                    if direction is not None and direction < len(row):
                        turn = _directed(turn, row[direction], owner)
                    yield turn
                except InputError as error:
                    if len(row) > len(header):  # "Sam,Aug 30, 2024 9:04 PM,hi": the time's comma split it
                        raise source.error(
                            f"row has {len(row)} cells but the header {len(header)}",
                            line=rows.line_num,
                            hint="a comma inside an unquoted cell? put such cells in double quotes",
                        ) from None
                    raise error from None

    @staticmethod
    def _dayfirst(source: Source, found: dict[str, int], options: ReadOptions) -> bool:
        """The order of the time column's numeric dates, from a first pass over that column."""
        if options.dayfirst is not None:
            return options.dayfirst
        if "time" not in found:
            return True
        index = found["time"]

        def cells() -> Iterator[str]:
            with source.text_stream() as stream:
                head = stream.readline()
                try:
                    for row in csv.reader(stream, _dialect(head)):
                        if index < len(row):
                            yield row[index]
                except (csv.Error, UnicodeDecodeError):
                    return  # the second pass says what is wrong, with its line

        return date_order(cells())

    @staticmethod
    def _turn(row: list[str], found: dict[str, int], count: int, source: Source, line: int, dayfirst: bool = True) -> Turn:
        def cell(field: str) -> str | None:
            index = found.get(field)
            if index is None or index >= len(row):
                return None
            return row[index]

        if found["text"] >= len(row):
            raise source.error(
                f"row has {len(row)} cells; the text column is number {found['text'] + 1}", line=line,
                hint="a line break inside an unquoted cell? put such cells in double quotes",
            )
        kind = (cell("kind") or "message").strip() or "message"
        if kind not in TURN_KINDS:
            kind = "message"  # another tool's "type" column (e.g. "text", "photo")
        try:
            time = _time(cell("time") or "", dayfirst) if "clock" not in found else read_clock(cell("clock"), dayfirst)
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


def _message_list(source: Source, found: dict[str, int], unnamed: bool, examples: bool = False) -> tuple[bool, bool]:
    """Whether the rows are separate messages (:func:`.message_list.is_message_list`): no time or
    conversation column, and one writer, nobody named, many, or a label column (``examples``). A
    first pass counts the rows and writers (up to six), so the turns still stream. Also returns whether
    the rows are a data set's examples (a label column none of whose labels is the codebook's)."""
    if "time" in found or "clock" in found or "conversation" in found:
        return False, False
    index = found.get("speaker")
    speakers: set[str] = set()
    count = 0
    with source.text_stream() as stream:
        head = stream.readline()
        labels = [i for i, name in enumerate(next(csv.reader([head], _dialect(head)), []))
                  if name.strip().lower() in message_list.LABEL_KEYS]
        try:
            for row in csv.reader(stream, _dialect(head)):
                if not any(cell.strip() for cell in row):
                    continue
                count += 1
                if examples and any(i < len(row) and message_list.coded(row[i]) for i in labels):
                    examples = False  # coded by the codebook: one conversation's turns, not examples
                if not unnamed and index is not None and index < len(row) and row[index].strip():
                    if len(speakers) < message_list.MANY_WRITERS:
                        speakers.add(row[index])
        except (csv.Error, UnicodeDecodeError):
            return False, False  # the reading says what is wrong, with its line
    return message_list.is_message_list(count, len(speakers), ordered=False, all_labelled=examples), examples


def _day_column(header: list[str], found: dict[str, int]) -> int | None:
    """The "Date" column when the time column found is a separate "Time" column (clock only)."""
    lowered = [name.strip().lower() for name in header]
    if "time" not in found or lowered[found["time"]] != "time" or "date" not in lowered:
        return None
    return lowered.index("date")


def _joined(row: list[str], found: dict[str, int], day_column: int | None) -> list[str]:
    """The row with "2016-11-02" and "17:24:12" joined in the time cell."""
    index = found.get("time")
    if day_column is None or index is None or index >= len(row) or day_column >= len(row):
        return row
    clock = row[index].strip()
    if not _CLOCK_ONLY.fullmatch(clock):
        return row
    joined = list(row)
    joined[index] = f"{row[day_column].strip()} {clock}"
    return joined


def _direction_column(header: list[str], found: dict[str, int]) -> int | None:
    """The direction column, when the speaker column is the contact's name (not a "from"/"sender" column,
    which names whoever wrote the row: "Sam" there stays Sam, not the owner's default "Me")."""
    lowered = [name.strip().lower() for name in header]
    if "speaker" in found and lowered[found["speaker"]] not in _CONTACT_HEADERS:
        return None
    return next((lowered.index(name) for name in _DIRECTION_HEADERS if name in lowered), None)


def _directed(turn: Turn, value: str, owner: str) -> Turn:
    """A row the owner sent is theirs, whatever the contact-name column says."""
    word = value.strip().lower()
    if word in _OUTGOING:
        turn.speaker, turn.kind = owner, "message"
    elif word in _INCOMING:
        turn.kind = "message"
    return turn


def csv_rows(rows: _csv.Reader, source: Source) -> Iterator[list[str]]:
    """The non-blank rows of a ``csv.reader``; a broken row or bytes that are not UTF-8 stop with a
    one-line error naming the line (the reader's ``line_num``)."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise source.error(f"broken CSV: {error}", line=rows.line_num) from None
        except UnicodeDecodeError:
            raise source.error("not valid UTF-8", line=rows.line_num + 1) from None
        if any(cell.strip() for cell in row):
            yield row


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest
