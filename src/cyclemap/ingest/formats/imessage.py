"""iMessage and SMS from a Mac or iPhone backup, as imessage-exporter writes text.

imessage-exporter (ReagentX/imessage-exporter, ``-f txt``) writes one file
per conversation. Each message is a block ended by a blank line::

    May 17, 2022  5:29:42 PM (Read by them after 1 hour, 49 seconds)
    Me
    Hello world
    attachments/AB/CD/IMG_0001.HEIC
    Tapbacks:
    Loved by Alex
    This message responded to an earlier message.

The first line is the local time (``%b %d, %Y %l:%M:%S %p``: the hour is
space-padded) and maybe a read receipt; the second the sender ("Me", a contact
name, a phone number or an e-mail address); then the body, attachments as
their paths, and the exporter's notes: tapbacks, "Sent with ...", edits
("Edited 5 seconds later: ..."), "This message responded to an earlier
message." Replies are also printed, indented by four spaces, inside the block
of the message they answer; those copies are skipped and used to link each
reply to its parent. Group events are one line: ``<time> You named the
conversation Dinner``.

Times are naive local, as written. "Me" becomes ``--owner`` when given.
Shape learned from imessage-exporter's ``exporters/txt.rs`` (and its tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
# "%b %d, %Y %l:%M:%S %p": "May 17, 2022  5:29:42 PM" (the hour is padded with a space).
_STAMP = (
    r"(?P<month>[A-Z][a-z]{2}) (?P<day>\d{1,2}), (?P<year>\d{4}) {1,2}"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2}) (?P<meridiem>[AP]M)"
)
_DATE_LINE = re.compile(rf"^{_STAMP}(?: \((?:Read|Delivered) by .*\))?$")
_ANNOUNCEMENT = re.compile(rf"^{_STAMP} (?!\((?:Read|Delivered) by )(?P<text>\S.*)$")
_INDENT = "    "
_REPLY_NOTE = "This message responded to an earlier message."
_NOTES = frozenset({_REPLY_NOTE, "This message was deleted from the conversation!"})
_EXPRESSIVE = re.compile(
    r"^Sent with (?:Confetti|Echo|Fireworks|Balloons|Heart|Lasers|Shooting Star|Shooting Start|Sparkles"
    r"|Spotlight|Slam|Loud|Gentle|Invisible Ink)$"
)
_EDITED = re.compile(r"^Edited .+? later: ")
_UNSENT = re.compile(r"^.+ (?:unsent this message part|deleted a message\.$)")
# An attachment is printed as its path (copied into the export, or in ~/Library).
_ATTACHMENT = re.compile(r"^(?:attachments/|/|~/|[A-Za-z]:\\)\S.*\.[A-Za-z0-9]{1,5}$|^Attachment missing!$")
_STICKER = re.compile(r"^(?:.+ )?Sticker from .+?: (?P<path>.+)$")


def parse_stamp(match: re.Match[str]) -> datetime | None:
    hour = int(match.group("hour")) % 12 + (12 if match.group("meridiem") == "PM" else 0)
    month = _MONTHS.get(match.group("month"))
    if month is None:
        return None
    try:
        return datetime(
            int(match.group("year")),
            month,
            int(match.group("day")),
            hour,
            int(match.group("minute")),
            int(match.group("second")),
        )
    except ValueError:
        return None


@dataclass
class _Block:
    """A top-level message (or group event) and the lines that followed it."""

    first: str
    lines: list[str] = field(default_factory=list)


def _starts_block(lines: list[str], index: int) -> bool:
    """Whether line ``index`` opens a message: after a blank line, a time line then a sender."""
    if index > 0 and lines[index - 1].strip():
        return False
    line = lines[index]
    if _DATE_LINE.match(line):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        return bool(following.strip()) and not following.startswith(" ")
    return bool(_ANNOUNCEMENT.match(line))


def _blocks(source: Source) -> Iterator[_Block]:
    numbered = [(number, strip_marks(line)) for number, line in source.iter_lines()]
    lines = [line for _, line in numbered]
    block: _Block | None = None
    for index, (number, line) in enumerate(numbered):
        if _starts_block(lines, index):
            if block is not None:
                yield block
            block = _Block(line)
        elif block is not None:
            block.lines.append(line)
        elif line.strip():
            raise source.error(
                "expected an imessage-exporter time line like 'May 17, 2022  5:29:42 PM'", line=number
            )
    if block is not None:
        yield block


def _nested_replies(lines: list[str]) -> list[tuple[datetime | None, str]]:
    """(time, sender) of the replies printed indented inside a message's block."""
    found = []
    for index, line in enumerate(lines[:-1]):
        if line.startswith(_INDENT):
            match = _DATE_LINE.match(line[len(_INDENT) :])
            sender = lines[index + 1]
            if match and sender.startswith(_INDENT) and sender.strip():
                found.append((parse_stamp(match), sender.strip()))
    return found


def _final_text(lines: list[str]) -> list[str]:
    """An edited message is printed as its history; keep the last version."""
    if not lines:
        return lines
    last = max((i for i, line in enumerate(lines) if _EDITED.match(line)), default=None)
    if last is None:
        return lines
    return [_EDITED.sub("", lines[last], count=1), *lines[last + 1 :]]


def body_parts(lines: list[str]) -> tuple[list[str], list[str], bool]:
    """Split a block's body into (text lines, attachment names, is a reply)."""
    text: list[str] = []
    media: list[str] = []
    is_reply = False
    in_tapbacks = False
    for line in lines:
        if in_tapbacks:
            in_tapbacks = bool(line.strip())
            continue
        if line.startswith(_INDENT):
            continue  # a reply shown in context, or a tapback's detail
        if line in ("Tapbacks:", "Reactions:"):
            in_tapbacks = True
        elif line == _REPLY_NOTE:
            is_reply = True
        elif line in _NOTES or _EXPRESSIVE.match(line) or line.startswith("Transcription: "):
            continue
        elif _STICKER.match(line):
            media.append("sticker")
        elif _ATTACHMENT.match(line):
            media.append(PurePosixPath(line.replace("\\", "/")).name)
        else:
            text.append(line)
    while text and not text[-1].strip():
        text.pop()
    return text, media, is_reply


def _event_turn(turn_id: str, event: re.Match[str], owner: str | None) -> Turn:
    """A group event, written on one line after the time."""
    text = event.group("text")
    if owner and text.startswith("You "):
        text = f"{owner} {text[4:]}"  # the exporter's word for the phone's owner
    return Turn(turn_id, parse_stamp(event), None, text, "system")


def _message_turn(
    turn_id: str, block: _Block, owner: str, parents: dict[tuple[datetime | None, str], str]
) -> Turn:
    """A message block as a turn; ``parents`` maps a reply's (time, sender) to the message it answers."""
    time = parse_stamp(_DATE_LINE.match(block.first))  # type: ignore[arg-type]
    sender = block.lines[0].strip()
    for reply in _nested_replies(block.lines[1:]):
        parents.setdefault(reply, turn_id)
    lines, media, is_reply = body_parts(block.lines[1:])
    lines = _final_text(lines)
    reply_to = parents.get((time, sender)) if is_reply else None
    speaker = owner if sender == "Me" else sender
    if len(lines) == 1 and _UNSENT.match(lines[0]):
        return Turn(turn_id, time, None, f"{speaker} unsent a message", "system")
    if not lines and media:
        return Turn(turn_id, time, speaker, ", ".join(media), "media", reply_to)
    return Turn(turn_id, time, speaker, "\n".join(lines), "message", reply_to)


@register
class IMessageReader(Reader):
    name = "imessage"
    title = "iMessage/SMS conversation exported by imessage-exporter as text (-f txt)"
    example = (
        "May 17, 2022  5:29:42 PM\nAlex\nhome yet?\n\n"
        "May 17, 2022  5:31:02 PM (Read by them after 1 minute)\nMe\non the bus"
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        lines = sample.text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            return 0.0
        if _DATE_LINE.match(lines[first]) and _starts_block(lines, first):
            return 0.9
        # A file may open with a group event; then a message must follow.
        if _ANNOUNCEMENT.match(lines[first]) and any(_DATE_LINE.match(line) for line in lines):
            return 0.6
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        parents: dict[tuple[datetime | None, str], str] = {}
        count = 0
        for count, block in enumerate(_blocks(source), start=1):
            event = None if _DATE_LINE.match(block.first) else _ANNOUNCEMENT.match(block.first)
            if event:
                yield _event_turn(str(count), event, options.owner)
            else:
                yield _message_turn(str(count), block, options.owner or "Me", parents)
        if count == 0:
            raise source.error("no messages in this imessage-exporter file")
