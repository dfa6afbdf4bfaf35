"""Messages copied out of Telegram Desktop and pasted into a text file.

Selecting messages in Telegram Desktop and copying them gives one block per
message, the sender and the time on the first line::

    Sam, [25.06.2022 07:25]
    you said you would call

    Alex, [25.06.2022 07:51]
    [In reply to Sam]
    I was driving

What the reader decides:

* **Turns.** ``Name, [date time]`` opens a message; the lines under it up to
  the next one are its text (blank lines around it dropped). A first line
  ``[In reply to …]`` or ``[Forwarded from …]`` is Telegram's note, not the
  sender's words, and goes.
* **Dates** follow the computer's locale (``25.06.2022``, ``25/06/2022``,
  ``6/25/22 7:25 AM``). A field above 12 decides the order; otherwise
  ``--dayfirst``/``--monthfirst``; dotted dates are day-first; otherwise
  day-first, with a warning.
* **Media.** A message that is only Telegram's placeholder (``[Photo]``,
  ``[Sticker]``, ``[Voice message]`` …, in English or Russian) is ``media``.

Shape seen in a Telegram group tool's parser test (tgif).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

MAX_MESSAGE_CHARS = 1024 * 1024

_HEAD = re.compile(
    r"^(?P<name>\S.{0,120}?), \[(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<c>\d{2,4}),? "
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s?(?P<m>[AaPp][Mm]))?\]\s*$"
)
_NOTE = re.compile(r"^\[(?:In reply to|Forwarded from|В ответ|Переслано от)\b[^\]]*\]$", re.IGNORECASE)
_MEDIA = re.compile(
    r"\[(?:Photo|Video|Sticker|GIF|Voice message|Video message|Audio|File|Document|Contact|Location|Poll"
    r"|Фото|Видео|Стикер|Голосовое сообщение|Видеосообщение|Файл|Контакт|Геопозиция|Опрос)\]",
    re.IGNORECASE,
)


def _order(heads: list[re.Match[str]], options: ReadOptions, label: str) -> str:
    for found in heads:
        first, second = int(found["a"]), int(found["b"])
        if first > 12 >= second:
            return "dmy"
        if second > 12 >= first:
            return "mdy"
    if options.dayfirst is not None:
        return "dmy" if options.dayfirst else "mdy"
    if heads and heads[0]["sep"] == ".":  # "02.07.2024": no locale writes the month first with dots
        return "dmy"
    if heads:
        options.warn(f"{label}: every date fits both day-first and month-first; guessed day-first")
    return "dmy"


def _time(found: re.Match[str], order: str) -> datetime | None:
    a, b, c = int(found["a"]), int(found["b"]), found["c"]
    year = int(c) + 2000 if len(c) == 2 else int(c)
    day, month = (a, b) if order == "dmy" else (b, a)
    hour = int(found["h"])
    if found["m"] and hour <= 12:
        hour = hour % 12 + (12 if found["m"].lower() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, int(found["mi"]), int(found["s"] or 0))
    except ValueError:
        return None


def _turn(count: int, time: datetime | None, name: str, parts: list[str]) -> Turn:
    while parts and not parts[-1].strip():
        parts.pop()
    while parts and not parts[0].strip():
        parts.pop(0)
    if parts and _NOTE.match(parts[0].strip()):
        parts = parts[1:]
    text = "\n".join(parts).strip("\n")
    kind: TurnKind = "media" if _MEDIA.fullmatch(text.strip()) else "message"
    return Turn(str(count), time, name, text, kind)


def _turns(source: Source, options: ReadOptions) -> Iterator[Turn]:
    heads = []
    for _number, line in source.iter_lines():
        found = _HEAD.match(strip_marks(line).rstrip())
        if found:
            heads.append(found)
            if len(heads) >= 2000:
                break
    order = _order(heads, options, source.label)
    count = 0
    current: tuple[datetime | None, str] | None = None
    parts: list[str] = []
    size = 0
    for number, raw in source.iter_lines():
        line = strip_marks(raw).rstrip()
        found = _HEAD.match(line)
        if found is None:
            if current is None:
                if line.strip():
                    raise source.error(
                        "text before the first copied Telegram message",
                        line=number,
                        hint="each message starts with a line like 'Sam, [25.06.2022 07:25]'",
                    )
                continue
            parts.append(line)
            size += len(line) + 1
            if size > MAX_MESSAGE_CHARS:
                raise source.error("message longer than 1 MiB", line=number)
            continue
        time = _time(found, order)
        if time is None:
            raise source.error(
                f"impossible date {found['a']}.{found['b']}.{found['c']}",
                line=number,
                hint="pass --dayfirst or --monthfirst",
            )
        if current is not None:
            count += 1
            yield _turn(count, *current, parts)
        current, parts, size = (time, found["name"].strip()), [], 0
    if current is None:
        raise source.error("no copied Telegram message in this file")
    yield _turn(count + 1, *current, parts)


@register
class TelegramTextReader(Reader):
    name = "telegram-text"
    title = "Messages copied from Telegram Desktop ('Name, [25.06.2022 07:25]' then the text)"
    example = "Sam, [25.06.2022 07:25]\nyou said you would call\n\nAlex, [25.06.2022 07:51]\nI was driving"

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip or b"\x00" in sample.head[:4096]:
            return 0.0
        lines = [strip_marks(line).rstrip() for line in sample.text.splitlines()[:80]]
        content = [line for line in lines if line.strip()]
        if not content or not _HEAD.match(content[0]):
            return 0.0
        heads = sum(1 for line in content[:40] if _HEAD.match(line))
        return 0.7 if heads >= 2 or len(content) <= 3 else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path), options)
