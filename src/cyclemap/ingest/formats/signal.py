"""Signal Desktop chats, as the two common exporters write them.

**sigtop** (tbvdm/sigtop, ``sigtop export-messages -f json``): one file per
conversation, a JSON array of Signal Desktop's own message objects, oldest
first: ``id``, ``conversationId``, ``type`` ("incoming", "outgoing" or a notice
such as "call-history", "group-v2-change", "keychange"), ``body``,
``sent_at`` (ms since 1970, UTC), ``source`` (the sender's phone number) or
``sourceServiceId`` / ``sourceUuid``, ``attachments`` (``fileName``,
``contentType``), ``sticker``, ``quote`` (``id``: the ``sent_at`` of the
quoted message) and ``reactions``. The objects hold no display names, so an
incoming message's speaker is its phone number (or Signal id) and an outgoing
one is ``--owner`` (default "Me"). Times are aware UTC.

**signal-export** (carderne/signal-export, ``sigexport DEST``): a folder per
chat with ``chat.md`` and, since 2.0, ``data.json``. ``chat.md`` lines read
``[2023-01-02 20:01:12] Alex: text`` (``[2019-12-24, 12:23]`` and
``[2019-12-24 12:23]`` in older versions) with two trailing spaces (a markdown
line break), a quoted reply as ``> `` lines before the body, reactions as
``(- Sam: 👍 -)`` and attachments as ``![name](./media/name)``. ``data.json``
holds one JSON object per line: ``date`` (ISO, local time), ``sender``,
``body``, ``quote``, ``sticker``, ``attachments``. Both say "Me" for the
exporting user (renamed by ``--owner``); times are naive local, as written.

Shapes learned from sigtop's ``signal/message.go``, ``signal/quote.go`` and
``cmd/sigtop/fmt_json.go``, and signal-export's ``sigexport/models.py``,
``create.py``, ``main.py`` and the older single-file ``sigexport.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, first_json_object, strip_marks

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# --- sigtop ---------------------------------------------------------------------

_SIGTOP_TYPE = re.compile(r'"type"\s*:\s*"(?:incoming|outgoing)"')
_NOTICES = {
    "call-history": "call",
    "group-v2-change": "group changed",
    "keychange": "safety number changed",
    "verified-change": "verification changed",
    "timer-notification": "disappearing messages timer changed",
    "profile-change": "profile changed",
    "change-number-notification": "changed their phone number",
}


def _sigtop_sender(message: dict[str, Any], owner: str) -> str:
    if message.get("type") == "outgoing":
        return owner
    for key in ("source", "sourceServiceId", "sourceUuid", "conversationId"):
        if isinstance(message.get(key), str) and message[key]:
            return message[key]
    return "Unknown"


def _sent_at(message: dict[str, Any]) -> int | None:
    for key in ("sent_at", "timestamp"):
        value = message.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _quote_target(message: dict[str, Any]) -> int | None:
    quote = message.get("quote")
    if isinstance(quote, dict) and str(quote.get("id") or "").isdigit():
        return int(quote["id"])  # older Signal versions wrote the number as a string
    return None


def _attachment_names(message: dict[str, Any]) -> list[str]:
    names = []
    for item in message.get("attachments") or []:
        if isinstance(item, dict):
            names.append(str(item.get("fileName") or item.get("contentType") or "attachment"))
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        names.append(str(sticker.get("emoji") or "sticker"))
    return names


def sigtop_turn(message: dict[str, Any], index: int, owner: str, ids_by_sent: dict[int, str]) -> Turn:
    turn_id = str(message.get("id") or index)
    sent = _sent_at(message)
    time = _EPOCH + timedelta(milliseconds=sent) if sent else None
    kind = message.get("type")
    if kind not in ("incoming", "outgoing"):
        notice = _NOTICES.get(str(kind), str(kind or "notice").replace("-", " "))
        return Turn(turn_id, time, None, notice, "system")
    speaker = strip_marks(_sigtop_sender(message, owner))
    if message.get("isErased") or message.get("deletedForEveryone"):
        return Turn(turn_id, time, None, f"{speaker} deleted a message", "system")
    target = _quote_target(message)
    reply_to = ids_by_sent.get(target) if target is not None else None
    body = message.get("body")
    if isinstance(body, str) and body:
        return Turn(turn_id, time, speaker, strip_marks(body), "message", reply_to)
    media = _attachment_names(message)
    if media:
        return Turn(turn_id, time, speaker, strip_marks(", ".join(media)), "media", reply_to)
    return Turn(turn_id, time, speaker, "", "message", reply_to)


@register
class SigtopReader(Reader):
    name = "signal-sigtop"
    title = "Signal Desktop chat exported by sigtop (export-messages -f json)"
    example = (
        '[\n{"id":"83da…","conversationId":"4d6c…","type":"incoming","body":"home yet?",\n'
        ' "sent_at":1672686072000,"source":"+15555550123","attachments":[]}\n]'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        if not text.startswith("["):
            return 0.0
        if '"conversationId"' in text and '"sent_at"' in text and _SIGTOP_TYPE.search(text):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        data = source.load_json()
        if not isinstance(data, list):
            raise source.error(
                "not a sigtop JSON export: the top level is not a list of messages",
                hint="export with: sigtop export-messages -f json",
            )
        if not data:
            raise source.error("no messages in this export")
        for index, message in enumerate(data, start=1):
            if not isinstance(message, dict):
                raise source.error(f"message {index} is not a JSON object")
            if "type" not in message or (_sent_at(message) is None and "received_at" not in message):
                raise source.error(f"message {index} has no type or no sent_at: not a Signal message")
        # A quote names the message it answers by that message's sent_at.
        ids_by_sent: dict[int, str] = {}
        for index, message in enumerate(data, start=1):
            sent = _sent_at(message)
            if sent is not None:
                ids_by_sent.setdefault(sent, str(message.get("id") or index))
        owner = options.owner or "Me"
        for index, message in enumerate(data, start=1):
            yield sigtop_turn(message, index, owner, ids_by_sent)


# --- signal-export ------------------------------------------------------------------

# "[2023-01-02 20:01:12] Alex: text", older "[2019-12-24, 12:23] Alex: text".
_MD_HEADER = re.compile(
    r"^\[(?P<date>\d{4}-\d{2}-\d{2}),? (?P<clock>\d{2}:\d{2}(?::\d{2})?)\] (?P<sender>[^:\n]+?): ?(?P<rest>.*)$"
)
_MD_NO_SECONDS = re.compile(r"^\[\d{4}-\d{2}-\d{2},? \d{2}:\d{2}\] ")
_MD_ATTACHMENTS = re.compile(r"(?:!?\[(?P<name>[^\]\n]*)\]\((?:\./|\.\./)[^)\n]*\)  )+\Z")
_MD_ATTACHMENT = re.compile(r"!?\[(?P<name>[^\]\n]*)\]\((?:\./|\.\./)[^)\n]*\)")
_MD_STICKER = re.compile(r"\n\(\( (?P<label>.*) \)\)\Z")
_MD_REACTIONS = re.compile(r"\n\(- .* -\)\Z")
_MD_DELETED = "(This message was deleted)"
# What signal-export writes in a chat's folder, best first (index.md before 2.0).
_CHAT_FILES = ("data.json", "chat.md", "index.md")
# signal-export writes a call as a message body of its own making.
_CALL = re.compile(r"^(?:Incoming|Outgoing|Missed) (?:(?:voice|video) )?call(?: \([^)\n]*\))?$")


def _owner_name(sender: str, options: ReadOptions) -> str:
    return options.owner if sender == "Me" and options.owner else sender


def _drop_quote(lines: list[str]) -> list[str]:
    """Drop the ``> quoted`` block signal-export writes before a reply's body."""
    if len(lines) > 2 and lines[0] == "" and lines[1] == "" and lines[2].startswith(">"):
        end = 2
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        if end < len(lines) and lines[end] == "":
            end += 1
        return lines[end:]
    return lines


def markdown_body(chunk: str) -> tuple[str, list[str]]:
    """A chat.md message's body as written, and the names of what it attached.

    signal-export appends, in order: two spaces (a markdown line break),
    reactions, a sticker and the attachments; peel them off from the end.
    """
    names: list[str] = []
    attached = _MD_ATTACHMENTS.search(chunk)
    if attached:
        names = [m.group("name") for m in _MD_ATTACHMENT.finditer(attached.group(0))]
        chunk = chunk[: attached.start()]
    sticker = _MD_STICKER.search(chunk)
    if sticker:
        names.append(sticker.group("label"))
        chunk = chunk[: sticker.start()]
    reactions = _MD_REACTIONS.search(chunk)
    if reactions:
        chunk = chunk[: reactions.start()]
    chunk = chunk.removesuffix("  ")
    return chunk, names


def _export_turn(index: int, time: datetime, sender: str, text: str, names: list[str]) -> Turn:
    """A signal-export message once the exporter's decorations are gone."""
    if _CALL.match(text):
        return Turn(str(index), time, None, f"{sender}: {text}", "system")
    if not text.strip() and names:
        return Turn(str(index), time, sender, strip_marks(", ".join(names)), "media")
    return Turn(str(index), time, sender, strip_marks(text), "message")


def _md_turn(index: int, header: re.Match[str], body_lines: list[str], options: ReadOptions) -> Turn:
    time = datetime.fromisoformat(f"{header.group('date')}T{header.group('clock')}")
    sender = strip_marks(_owner_name(header.group("sender"), options))
    lines = [header.group("rest"), *body_lines]
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the blank line print() leaves after each message
    if lines == [_MD_DELETED]:
        return Turn(str(index), time, None, f"{sender} deleted a message", "system")
    text, names = markdown_body("\n".join(_drop_quote(lines)))
    return _export_turn(index, time, sender, text, names)


def read_markdown(source: Source, options: ReadOptions) -> Iterator[Turn]:
    header: re.Match[str] | None = None
    body: list[str] = []
    count = header_line = 0

    def turn() -> Turn:
        try:
            return _md_turn(count, header, body, options)
        except ValueError as error:  # found by fuzzing: a date like 2019-13-24 matches the pattern
            raise source.error(f"impossible date or time ({error})", line=header_line) from None

    for number, raw in source.iter_lines():
        line = raw.lstrip("\ufeff") if number == 1 else raw
        match = _MD_HEADER.match(line)
        if match:
            if header is not None:
                count += 1
                yield turn()
            header, body, header_line = match, [], number
        elif header is None:
            if line.strip():
                raise source.error(
                    "expected a signal-export line like '[2023-01-02 20:01:12] Name: text'", line=number
                )
        else:
            body.append(line)
    if header is not None:
        count += 1
        yield turn()
    if count == 0:
        raise source.error("no messages in this signal-export chat")


def _json_line_turn(data: dict[str, Any], index: int, options: ReadOptions) -> Turn:
    time = datetime.fromisoformat(str(data["date"]))
    sender = strip_marks(_owner_name(str(data.get("sender") or "No-Sender"), options))
    if data.get("deleted"):
        return Turn(str(index), time, None, f"{sender} deleted a message", "system")
    body = str(data.get("body") or "")
    body = body.removesuffix("  ")  # the exporter's markdown line break
    names = [str(item.get("name")) for item in data.get("attachments") or [] if isinstance(item, dict)]
    sticker = data.get("sticker")
    if isinstance(sticker, dict):
        names.append(str(sticker.get("emoji") or "sticker"))
    return _export_turn(index, time, sender, body, names)


def read_json_lines(source: Source, options: ReadOptions) -> Iterator[Turn]:
    count = 0
    for number, data in source.iter_objects():
        if "date" not in data or "sender" not in data:
            raise source.error(
                "each line must be a signal-export message with 'date' and 'sender'", line=number
            )
        try:
            turn = _json_line_turn(data, count + 1, options)
        except ValueError:
            raise source.error(f"date {data['date']!r} is not ISO 8601", line=number) from None
        count += 1
        yield turn
    if count == 0:
        raise source.error("no messages in this signal-export chat")


def _sniff_text(text: str, name: str) -> float:
    first = first_json_object(text, lines=3)
    if first is not None:
        return 0.9 if {"date", "sender", "body"} <= first.keys() else 0.0
    lines = text.splitlines()
    line = next((line for line in lines if line.strip()), "")
    if not _MD_HEADER.match(line):
        return 0.0
    # "[2023-01-02 20:01:12] Name: text" is also how WhatsApp on iOS writes in some
    # languages; signal-export's tells are its minute-only stamps (before 2.0) and
    # the markdown line break (two trailing spaces) it appends to every message.
    line_breaks = any(line.endswith("  ") for line in lines[:200])
    if name in ("chat.md", "index.md") or line_breaks:
        return 0.95  # surer than a WhatsApp reader can be of the same bracketed lines
    return 0.8 if _MD_NO_SECONDS.match(line) else 0.3


@register
class SignalExportReader(Reader):
    name = "signal-export"
    title = "Signal Desktop chat exported by signal-export (chat.md, data.json or the chat's folder)"
    example = "[2023-01-02 20:01:12] Alex: home yet?  \n\n[2023-01-02 20:03:40] Me: on the bus  "

    def sniff(self, sample: Sample) -> float:
        if sample.is_zip:
            return 0.0
        if sample.is_dir:
            for member in _CHAT_FILES:
                if member in sample.members:
                    head = sample.member_head(member).decode("utf-8", errors="replace").lstrip("\ufeff")
                    return 0.85 if _sniff_text(head, member) >= 0.8 else 0.0
            return 0.0
        return _sniff_text(sample.text, sample.name)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        if path.is_dir():
            for member in _CHAT_FILES:
                if (path / member).is_file():
                    path = path / member
                    break
            else:
                raise InputError(
                    path,
                    "no data.json, chat.md or index.md in this folder",
                    hint="point at one chat's folder in the signal-export output",
                )
        source = Source(path)
        with source.open_binary() as handle:
            first = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
        if first.startswith("{"):
            return read_json_lines(source, options)
        return read_markdown(source, options)
