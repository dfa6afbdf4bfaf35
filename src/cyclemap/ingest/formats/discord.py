"""Discord channels and DMs exported by DiscordChatExporter as JSON.

DiscordChatExporter (Tyrrrz/DiscordChatExporter, ``--format Json``) writes
``{"guild": {...}, "channel": {...}, "dateRange": {...}, "exportedAt",
"messages": [...], "messageCount"}``, oldest message first. A message has
``id``, ``type`` (``Default``, ``Reply`` or a notice such as ``Call``,
``RecipientAdd``, ``ChannelPinnedMessage``, ``GuildMemberJoin``),
``timestamp`` (ISO 8601 with an offset), ``content``, ``author`` (``name``,
``nickname``, ``isBot`` ...), ``attachments`` (``fileName``), ``stickers``,
``embeds`` and ``reference`` (``messageId``) on replies. Notices carry the
exporter's own sentence in ``content`` ("Started a call that lasted 5 minutes.").

Shape learned from the exporter's ``JsonMessageWriter.cs`` and ``Message.cs``.
Other projects' tests often keep only ``{"messages": [...]}`` with the same
message objects (no guild, channel or type): read the same, a ``reference``
then marking a reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_HEAD = re.compile(r'^\{\s*"guild"\s*:\s*\{')
_CHANNEL = re.compile(r'"channel"\s*:\s*\{')
_MESSAGE_TYPES = ("Default", "Reply")
# Only the messages kept: '{"messages": [{... "timestamp": "2024-…", "author": {…}, "content" …'.
_BARE_HEAD = re.compile(r'^\{\s*"messages"\s*:\s*\[\s*\{')
_BARE_KEYS = (r'"author"\s*:\s*\{', r'"timestamp"\s*:\s*"\d{4}-', r'"content"\s*:')
_BARE_FIRST = re.compile(r'^[^\[]*\[\s*(\{.{0,1500}?\})\s*[,\]]', re.DOTALL)


def _speaker(author: Any) -> str:
    """The name the chat showed: the nickname (display name), else the user name."""
    if not isinstance(author, dict):
        return "Unknown"
    for key in ("nickname", "name"):
        if isinstance(author.get(key), str) and author[key]:
            return author[key]
    return str(author.get("id", "Unknown"))


def _time(message: dict[str, Any], source: Source, index: int) -> datetime | None:
    stamp = message.get("timestamp")
    if stamp is None:
        return None
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        raise source.error(f"message {index} has a timestamp that is not ISO 8601: {stamp!r}") from None


def _names(items: Any, key: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(item[key]) for item in items if isinstance(item, dict) and item.get(key)]


def message_turn(message: dict[str, Any], index: int, source: Source) -> Turn:
    turn_id = str(message.get("id", index))
    time = _time(message, source, index)
    speaker = strip_marks(_speaker(message.get("author")))
    content = strip_marks(message.get("content") or "")
    kind = message.get("type", "Default")
    if kind not in _MESSAGE_TYPES:
        # The exporter's sentence lacks its subject: "Pinned a message." -> "Sam pinned a message."
        text = f"{speaker} {content[:1].lower()}{content[1:]}" if content else f"{speaker}: {kind}"
        return Turn(turn_id, time, None, text, "system")
    reference = message.get("reference")
    reply_to = None
    replying = kind == "Reply" or "type" not in message  # a message kept without its type
    if replying and isinstance(reference, dict) and reference.get("messageId"):
        reply_to = str(reference["messageId"])
    if content:
        return Turn(turn_id, time, speaker, content, "message", reply_to)
    media = _names(message.get("attachments"), "fileName") + _names(message.get("stickers"), "name")
    if media:
        return Turn(turn_id, time, speaker, strip_marks(", ".join(media)), "media", reply_to)
    embeds = _names(message.get("embeds"), "url")
    if embeds:
        return Turn(turn_id, time, speaker, strip_marks(", ".join(embeds)), "media", reply_to)
    return Turn(turn_id, time, speaker, "", "message", reply_to)


@register
class DiscordReader(Reader):
    name = "discord"
    title = "Discord channel or DM exported by DiscordChatExporter as JSON"
    example = (
        '{"guild": {"id": "0", "name": "Direct Messages"}, "channel": {"name": "alex"}, "messages": [\n'
        ' {"id": "1", "type": "Default", "timestamp": "2023-01-02T20:01:12+01:00", "content": "home yet?",\n'
        '  "author": {"name": "alex", "nickname": "Alex"}}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        if _HEAD.match(text) and _CHANNEL.search(text) and '"messages"' in text:
            return 0.95
        first = _BARE_FIRST.match(text) if _BARE_HEAD.match(text) else None
        if first and all(re.search(key, first[1]) for key in _BARE_KEYS):
            return 0.9  # above the generic JSON reader, which would lose nicknames, stickers and replies
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        data = source.load_json()
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise source.error(
                "not a DiscordChatExporter JSON export: no 'messages' list",
                hint="export the channel again with --format Json",
            )
        if not data["messages"]:
            raise source.error("no messages in this export", hint="check the date range it was exported with")
        for index, message in enumerate(data["messages"], start=1):
            if not isinstance(message, dict):
                raise source.error(f"message {index} is not a JSON object")
            yield message_turn(message, index, source)
