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
  for one ("image", "system" …) is used; anything else is a message.
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
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .table import COLUMNS, date_order, parse_time

_KEYS: dict[str, tuple[str, ...]] = {
    **COLUMNS,
    # A display name before an account id ("sender": "+1555…", "sender_name": "John").
    "speaker": ("sender_name", "author_name", "display_name", "from_name", *COLUMNS["speaker"]),
    "time": (*COLUMNS["time"], "ts", "sent_at", "created", "time_sent", "sent_time"),
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
    if not any(_looks_like_message(item) for item in items[:20]):
        raise source.error(
            "these JSON objects name no sender and text",
            hint="each message needs a sender (e.g. 'sender', 'author', 'from') and its words ('text', 'message')",
        )
    dayfirst = options.dayfirst
    if dayfirst is None:
        dayfirst = date_order(v for item in items[:5000] if isinstance(item, dict)
                              and isinstance(v := _field(item, "time"), str))
    count = 0
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise source.error(f"message {index} is not a JSON object")
        text = _text(_field(item, "text"))
        speaker = _name(_field(item, "speaker"))
        if text is None and speaker is None:
            continue  # not a message (a date divider, a placeholder object)
        try:
            time = _time(_field(item, "time"), dayfirst)
            kind = turn_kind(_field(item, "kind")) if isinstance(_field(item, "kind"), str) else "message"
        except (ValueError, OverflowError, OSError) as error:
            raise source.error(f"message {index}: {error}") from None
        if any(item.get(key) is True for key in _FROM_ME):
            speaker = options.owner or speaker or "Me"
        if speaker is None and kind == "message":
            kind = "system"
        count += 1
        raw_id = _field(item, "id")
        turn_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else str(count)
        yield Turn(turn_id, time, speaker, text or "", kind)
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
        return 0.5 if _looks_like_message(first) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path), options)
