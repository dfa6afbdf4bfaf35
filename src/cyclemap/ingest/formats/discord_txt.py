"""DiscordChatExporter's plain-text export (``--format PlainText``, a ``.txt``).

A ruled preamble naming the server and channel, then one block per message::

    ==============================================================
    Guild: Direct Messages
    Channel: Private / sam
    ==============================================================

    [1/15/2024 9:04 PM] sam
    you said you would call

    [1/15/2024 9:09 PM] alex
    I was driving
    {Attachments}
    https://…/attachments/…/photo.png

    ==============================================================
    Exported 2 message(s)
    ==============================================================

What the reader decides:

* **Turns.** ``[time] author`` opens a message; the lines under it up to the
  next one are its text. ``{Attachments}``, ``{Embed}``, ``{Stickers}`` and
  ``{Reactions}`` blocks are not words: a message with only attachments or
  stickers is ``media`` (its text the file names), reactions are dropped.
  Discord's own notices ("Started a call.", "Pinned a message.") are
  ``system`` lines that keep who did it.
* **No preamble.** Other tools' tests often keep only the message blocks
  (``[1/15/2024 10:30 AM] alice`` then its text): read the same, when every
  ``[time] author`` line has a time this reader knows and no ``Name: text``
  after it (which is WhatsApp's layout).
* **Times.** Written in the exporting computer's locale: ``15-Jan-24 09:04 PM``
  (older versions), ``1/15/2024 9:04 PM``, ``15/01/2024 21:04``,
  ``2024-01-15 21:04``. Slashed dates are month-first unless a field above 12
  or ``--dayfirst`` says otherwise. Times are naive local times.
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

_RULE = re.compile(r"^={20,}\s*$")
_HEAD = re.compile(r"^\[(?P<time>[^\[\]\n]{6,40})\] (?P<author>\S.{0,200})$")
_BLOCK = re.compile(r"^\{(Attachments|Embed|Stickers|Reactions)\}\s*$")
_NOTICES = re.compile(
    r"^(Started a call|Pinned a message|Added .+ to the group|Left the group|Removed .+ from the group|"
    r"Changed the (channel|group) (name|icon))",
)
_FORMATS_DMY = ("%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M %p", "%d/%m/%y %H:%M", "%d/%m/%Y %H:%M:%S")
_FORMATS_MDY = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%y %I:%M %p", "%m/%d/%Y %I:%M:%S %p")
_FORMATS_OTHER = (
    "%d-%b-%y %I:%M %p", "%d-%b-%y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M",
    "%A, %B %d, %Y %I:%M %p", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%S",
)


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    text = " ".join(text.replace("\u202f", " ").split())
    for layout in formats:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def _layouts(stamps: list[str], options: ReadOptions) -> tuple[str, ...]:
    """Month-first unless a stamp or --dayfirst says day-first."""
    if options.dayfirst is not None:
        first = _FORMATS_DMY if options.dayfirst else _FORMATS_MDY
        return first + _FORMATS_OTHER
    if all(_parse(s, _FORMATS_MDY + _FORMATS_OTHER) for s in stamps):
        return _FORMATS_MDY + _FORMATS_OTHER
    return _FORMATS_DMY + _FORMATS_OTHER


def _turn(count: int, time: datetime, author: str, lines: list[str]) -> Turn:
    words: list[str] = []
    files: list[str] = []
    block: str | None = None
    for line in lines:
        found = _BLOCK.match(line.strip())
        if found:
            block = found[1]
            continue
        if block is None:
            words.append(line)
        elif block in ("Attachments", "Stickers") and line.strip():
            files.append(line.strip().rsplit("/", 1)[-1])
    while words and not words[-1].strip():
        words.pop()
    text = strip_marks("\n".join(words))
    kind: TurnKind = "message"
    if not text.strip() and files:
        kind, text = "media", ", ".join(files)
    elif _NOTICES.match(text):
        kind = "system"
    return Turn(str(count), time, author, text, kind)


def headerless(lines: list[str]) -> bool:
    """Whether ``lines`` are message blocks without the ruled preamble: the first line
    opens a message, every ``[time] author`` line has a time this reader knows and no
    ``Name: text`` after it (WhatsApp's layout), and each is followed by its text."""
    content = [line for line in lines if line.strip()]
    heads = [i for i, line in enumerate(content) if _HEAD.match(line)]
    if len(heads) < 2 or heads[0] != 0:
        return False
    for i in heads:
        head = _HEAD.match(content[i])
        assert head is not None
        known = _parse(head["time"], _FORMATS_MDY + _FORMATS_DMY + _FORMATS_OTHER)
        if ": " in head["author"] or known is None:
            return False
    followed = sum(1 for i in heads if i + 1 < len(content) and not _HEAD.match(content[i + 1]))
    return followed * 2 >= len(heads)


def _blocks(source: Source) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, time text, author, lines) per message, the preamble and closing rules skipped."""
    rules = 0
    current: tuple[int, str, str] | None = None
    lines: list[str] = []
    size = 0
    for number, raw in source.iter_lines():
        line = strip_marks(raw).rstrip("\r")
        if rules == 0 and current is None and _HEAD.match(line):
            rules = 2  # no preamble: the file starts with the first message
        if _RULE.match(line):
            rules += 1
            continue
        if rules < 2 or rules % 2 == 1:
            continue  # inside the preamble, or the closing "Exported N message(s)" box
        head = _HEAD.match(line)
        if head is not None:
            if current is not None:
                yield (*current, lines)
            current, lines, size = (number, head["time"], head["author"].strip()), [], 0
        elif current is not None:
            lines.append(line)
            size += len(line) + 1
            if size > MAX_MESSAGE_CHARS:
                raise source.error(f"message longer than {MAX_MESSAGE_CHARS:,} characters", line=current[0])
    if current is not None:
        yield (*current, lines)


@register
class DiscordTextReader(Reader):
    name = "discord-txt"
    title = "DiscordChatExporter plain text (.txt)"
    example = (
        "==============================================================\n"
        "Guild: Direct Messages\nChannel: Private / sam\n"
        "==============================================================\n\n"
        "[1/15/2024 9:04 PM] sam\nyou said you would call"
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = sample.text.splitlines()[:6]
        if len(lines) >= 3 and _RULE.match(lines[0]) and lines[1].startswith("Guild: "):
            return 0.95
        body = [strip_marks(line) for line in sample.text.splitlines()[:80]]
        if len(sample.head) >= 64 * 1024:
            body = body[:-1]  # the sample may end mid-line
        return 0.92 if headerless(body) else 0.0  # above WhatsApp's 0.9 for "[time] text" notices

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        stamps = [stamp for _, stamp, _, _ in _blocks(source)]
        if not stamps:
            raise source.error("no DiscordChatExporter message ('[time] author') in the file")
        layouts = _layouts(stamps, options)
        count = 0
        for number, stamp, author, lines in _blocks(source):
            time = _parse(stamp, layouts)
            if time is None:
                raise source.error(f"unreadable time {stamp!r}", line=number,
                                   hint="pass --dayfirst or --monthfirst if the dates are ambiguous")
            count += 1
            yield _turn(count, time, author, lines)
