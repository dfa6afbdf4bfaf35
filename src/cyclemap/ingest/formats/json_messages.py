"""A JSON document of messages, as chat tools and analysers dump them.

Many tools save a chat as one JSON document with a list of message objects,
each naming its sender and its words in their own keys::

    {"participants": ["Taylor", "Jordan"],
     "messages": [{"ts": "2025-12-01T10:00:00Z", "sender": "Taylor", "text": "dinner this week?"},
                  {"ts": "2025-12-01T15:30:00Z", "sender": "Jordan", "text": "maybe, I am busy"}]}

The list may also be the whole document, or sit under ``chat``,
``conversation``, ``history``, ``data`` or ``items``.

What the reader decides:

* **Keys.** The same names the CSV reader knows (:data:`.table.COLUMNS`:
  ``sender``/``author``/``from``/``user``…, ``text``/``message``/``content``…,
  ``time``/``timestamp``/``date``…) plus ``ts``, ``sent_at`` and
  ``created``. A sender written as an object gives its ``name``.
* **Times.** ISO 8601, the CSV reader's other layouts, or epoch seconds or
  milliseconds (numbers or digit strings). Numeric dates take one order for
  the whole document (``--dayfirst``/``--monthfirst`` decide when given).
* **The owner.** A message marked ``is_from_me`` (``from_me``, ``isFromMe``
  …) is ``--owner``'s when given.
* **Kinds.** A ``kind``/``type`` naming a turn kind or another tool's word
  for one ("image", "system" …) is used; anything else is a message. A message
  without words that carried ``attachments`` (``files``, ``photos`` …) is media,
  named by its first file.
* **Conversations.** A message's ``chat``/``conversation``/``thread`` (or ``chat_id``,
  ``chat_jid``…) names its conversation, so a dump of several chats stays several.
* **Lists of separate messages** (no time, no conversation; one writer, nobody named or many,
  e.g. a dataset's ``[{"text": …, "label": …}]``) read each item as a conversation of its own,
  with a warning (:mod:`..message_list`).
* **Order** is as written.

Apps with their own layout (Telegram, Messenger, Discord, Slack, Google
Chat …) have their own readers, which detection prefers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...model import Turn, turn_kind
from .. import message_list
from . import chat_model
from ..clocks import CLOCKS, other_clock
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .table import COLUMNS, date_order, parse_time

_KEYS: dict[str, tuple[str, ...]] = {
    **COLUMNS,
    # A display name before an account id ("sender": "+1555…", "sender_name": "John").
    # Last, an account number when nothing names the person (Telethon's messages: "sender_id": 10).
    "speaker": ("sender_name", "author_name", "display_name", "from_name", *COLUMNS["speaker"], "sender_id", "from_id"),
    "time": COLUMNS["time"],  # then other tools' names (clocks.CLOCKS), where a non-date is skipped
    # A dump of several chats names each message's chat (an iMessage database's "chat", a bridge's "chat_jid").
    "conversation": (*COLUMNS["conversation"], "chat_id", "thread_id", "chat_jid"),
}
# Exports of one's own phone mark the owner's messages instead of naming them.
_FROM_ME = ("is_from_me", "from_me", "isFromMe", "fromMe", "is_me", "outgoing")
# Chat datasets keep a dialogue under its own name: {"dialog_id": …, "context": [{"speaker", "utterance"}]}.
_LIST_KEYS = ("messages", "chat", "conversation", "history", "data", "items",
              "dialog", "dialogue", "utterances", "turns", "context", "log")
_OPEN = re.compile(r'^\[\s*\{|^\{.{0,2000}?"(?:' + "|".join(_LIST_KEYS) + r')"\s*:\s*\[\s*\{', re.DOTALL)


def _field(item: dict[str, Any], field: str) -> Any:
    for key in _KEYS[field]:
        if key in item:
            return item[key]
        for written in item:  # "Sender", "Text": keys in any case
            if written.lower() == key:
                return item[written]
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = next((value[k] for k in ("name", "display_name", "displayName", "username") if k in value), None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return strip_marks(value).strip() or None if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    if isinstance(value, list):  # a message written in parts
        value = "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in value
                        if isinstance(part, (str, dict)))
    return strip_marks(value) if isinstance(value, str) else None


def _list(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
    return None


def _looks_like_message(item: Any) -> bool:
    return isinstance(item, dict) and _name(_field(item, "speaker")) is not None and _text(_field(item, "text")) is not None


# Where chat tools' dumps list what a message carried besides words (Discord's "attachments" …).
_ATTACHMENT_KEYS = ("attachments", "files", "photos", "videos", "media", "stickers", "audio_files")


def _attachment(item: dict[str, Any]) -> str | None:
    """The file name of the first thing a message carried (``""`` when unnamed), or None if nothing."""
    for key in _ATTACHMENT_KEYS:
        found = item.get(key)
        if isinstance(found, list) and found:
            first = found[0]
            where = next((first[k] for k in ("filename", "fileName", "name", "url", "uri")
                          if isinstance(first, dict) and isinstance(first.get(k), str)), "")
            return where.rsplit("/", 1)[-1].split("?", 1)[0]
    return None


def _unnamed_message(item: Any) -> bool:
    """An item of a list that names nobody: its words under "text", no log or segment keys."""
    if not isinstance(item, dict):
        return False
    words = message_list.speakerless_text(item)
    return words is not None and _text(item[words]) is not None


def _message_list(items: list[Any], unnamed: bool, examples: bool = False) -> bool:
    """Whether the items are separate messages (:func:`.message_list.is_message_list`): none has a
    time or a conversation, and one writer, nobody named, or many wrote them, or each is a labelled
    example (``examples``)."""
    messages = [item for item in items if isinstance(item, dict)]
    ordered = any(not message_list.unanswered({key.lower(): value for key, value in item.items()},
                                                (*_KEYS["time"], *CLOCKS, *_KEYS["conversation"]))
                  for item in messages)
    speakers = set() if unnamed else {name for item in messages if (name := _name(_field(item, "speaker")))}
    return message_list.is_message_list(len(messages), len(speakers), ordered, examples)


def _time(value: Any, dayfirst: bool) -> datetime | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 100_000_000_000 else value  # milliseconds
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):  # not "[Errno 75] Value too large for defined data type"
            raise ValueError(f"time {value!r} is not a date (out of range)") from None
    if isinstance(value, str):
        return parse_time(value, dayfirst)
    raise ValueError(f"time {value!r} is neither text nor a number")


def _turns(source: Source, options: ReadOptions) -> Iterator[Turn]:
    items = _list(source.load_json())
    if items is None:
        raise source.error("no list of messages in this JSON document")
    if items and isinstance(items[0], dict) and chat_model.is_chat_line(items[0]):
        # a chat model's messages or conversations, as JSON Lines would hold them one a line
        yield from (turn for _, turn, _ in chat_model.read_chat_lines(source, options, lambda: enumerate(items, 1)))
        return
    unnamed = not any(_looks_like_message(item) for item in items[:20])
    if unnamed and not any(_unnamed_message(item) for item in items[:20]):
        raise source.error(
            "these JSON objects name no sender and text",
            hint="each message needs a sender (e.g. 'sender', 'author', 'from') and its words ('text', 'message')",
        )
    examples = all(message_list.labelled(item) for item in items if isinstance(item, dict))
    # messages marked as the owner's (is_from_me …) are a phone's conversation: the owner writes too
    owned = any(isinstance(item, dict) and item.get(key) is True for item in items for key in _FROM_ME)
    separate = not owned and _message_list(items, unnamed, examples)
    if separate:
        options.warn(message_list.warning(source.label, "item", examples))
    dayfirst = options.dayfirst
    if dayfirst is None:
        dayfirst = date_order(v for item in items[:5000] if isinstance(item, dict)
                              and isinstance(v := _field(item, "time"), str))
    count = 0
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise source.error(f"message {index} is not a JSON object")
        if unnamed:  # a list of messages that names nobody: every item's "text" is an unnamed writer's
            words = message_list.speakerless_text(item)
            text = _text(item[words]) if words else None
            speaker = message_list.UNNAMED if text is not None else None
        else:
            text, speaker = _text(_field(item, "text")), _name(_field(item, "speaker"))
        if text is None and speaker is None:
            continue  # not a message (a date divider, a placeholder object)
        try:
            time = _time(_field(item, "time"), dayfirst) or other_clock(item, dayfirst)
            kind = turn_kind(_field(item, "kind")) if isinstance(_field(item, "kind"), str) else "message"
        except (ValueError, OverflowError, OSError) as error:
            raise source.error(f"message {index}: {error}") from None
        if any(item.get(key) is True for key in _FROM_ME):
            speaker = options.owner or speaker or "Me"
        if speaker is None and kind == "message":
            kind = "system"
        elif not text and kind == "message" and (attached := _attachment(item)) is not None:
            text, kind = attached, "media"  # a picture or a file sent without words
        count += 1
        raw_id = _field(item, "id")
        turn_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else str(count)
        thread = _field(item, "conversation")
        conversation = str(thread) if isinstance(thread, (str, int)) and not isinstance(thread, bool) else None
        turn = Turn(turn_id, time, speaker, text or "", kind, conversation=conversation)
        yield message_list.separate(turn, index) if separate else turn
    if count == 0:
        raise source.error("no messages in this JSON document")


@register
class JsonMessagesReader(Reader):
    name = "json-messages"
    title = "A JSON list of messages with sender, text and time keys (chat tools' dumps)"
    example = '{"messages": [{"ts": "2025-12-01T10:00:00Z", "sender": "Taylor", "text": "dinner this week?"}]}'

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        found = _OPEN.match(text)
        if found is None:
            return 0.0
        try:
            first, _ = json.JSONDecoder().raw_decode(text, found.end() - 1)
        except (json.JSONDecodeError, RecursionError):
            return 0.0
        if _looks_like_message(first) or isinstance(first, dict) and chat_model.is_chat_line(first):
            return 0.5
        return 0.35 if _unnamed_message(first) else 0.0  # messages that name nobody: other readers come first

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path), options)
