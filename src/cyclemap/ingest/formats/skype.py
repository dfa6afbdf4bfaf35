"""Skype's export (``messages.json``, from the ``.tar`` Skype or Teams Free hands out).

One JSON document holds every conversation of the account::

    {"userId": "8:live:sam", "exportDate": "2025-03-01T20:34",
     "conversations": [
       {"id": "8:live:alex", "displayName": "Alex", "threadProperties": null,
        "MessageList": [
          {"id": "1709551234567", "from": "8:live:alex", "displayName": "Alex",
           "originalarrivaltime": "2024-03-04T11:20:34.567Z", "messagetype": "RichText",
           "content": "home yet? <ss type=\\"smile\\">:)</ss>"}, …]}]}

Teams Free (where Skype accounts moved in 2025) writes the same layout.

What the reader decides:

* **Which conversation.** Conversations without messages are skipped; with
  one left it is read, with several ``--chat`` picks one by its name (or a
  unique part of it) or id, and without it the error lists them.
* **Order.** Skype lists messages newest first; turns come oldest first.
  Times are aware (UTC).
* **Speakers.** ``displayName``; a message without one takes the name the
  same account has elsewhere in the export, else its account name
  ("8:live:sam" gives "sam"). In a one-to-one conversation a message with no
  sender at all is the other person's.
* **Text.** Skype's markup goes: emoticons keep their text (``:)``), links
  their address, a quoted earlier message (``<quote>``) is left out (its
  words are someone else's), edit markers go, entities are decoded.
* **Kinds.** Photos, files, voice messages, contacts, locations and polls
  are ``media``; calls (``Event/Call``) are ``system`` lines that keep the
  caller when the export names one; member changes and notices are
  ``system`` lines of the chat; a deleted message (empty, with a
  ``deletetime``) is a ``system`` line that keeps its sender.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_HEAD = re.compile(r'^\{\s*"userId"\s*:')
_QUOTE = re.compile(r"<quote\b.*?</quote>", re.DOTALL | re.IGNORECASE)
_QUOTE_END = re.compile(r"</quote>", re.IGNORECASE)
_EDIT = re.compile(r"<e_m\b[^>]*>(?:</e_m>)?", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>|</div>\s*<div[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{1,2000}>")
_ORIGINAL_NAME = re.compile(r'<OriginalName\s+v="([^"]*)"', re.IGNORECASE)
_CALL = re.compile(r'<partlist[^>]*\btype="(?P<type>\w+)"', re.IGNORECASE)
_DURATION = re.compile(r"<duration>(?P<seconds>\d+)", re.IGNORECASE)
_EVENTS = {
    "threadactivity/addmember": "added a member",
    "threadactivity/deletemember": "removed a member",
    "threadactivity/topicupdate": "changed the topic",
    "threadactivity/pictureupdate": "changed the picture",
    "threadactivity/memberconsumptionhorizonupdate": "read the conversation",
}
_TEXT_TYPES = frozenset({"text", "richtext", "richtext/html", "richtext/markdown"})
_MEDIA_PREFIXES = ("richtext/media_", "richtext/uriobject", "richtext/location", "richtext/contacts", "richtext/files", "poll")


def _account(raw: Any) -> str | None:
    """'8:live:sam' -> '8:live:sam'; a Teams contact URL -> the id at its end."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    return raw.rsplit("/contacts/", 1)[-1].strip()


def _short(account: str) -> str:
    return account.rsplit(":", 1)[-1].lstrip(".") or account


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _clean(content: str) -> str:
    # Only up to the last "</quote>": a "<quote" with no end after it made the lazy search quadratic.
    end = max((found.end() for found in _QUOTE_END.finditer(content)), default=0)
    text = _QUOTE.sub("", content[:end]) + content[end:]
    text = _EDIT.sub("", text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return strip_marks(html.unescape(text)).strip()


def _conversation_name(conversation: dict[str, Any]) -> str:
    name = conversation.get("displayName")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return _short(str(conversation.get("id") or "?"))


def _with_messages(data: Any, source: Source) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise source.error("not a Skype export: no 'conversations' list")
    found = [
        c for c in data["conversations"]
        if isinstance(c, dict) and isinstance(c.get("MessageList"), list) and c["MessageList"]
    ]
    if not found:
        raise source.error("no conversation in this Skype export holds a message")
    return found


def _choose(conversations: list[dict[str, Any]], source: Source, options: ReadOptions) -> dict[str, Any]:
    if options.chat:
        wanted = options.chat.casefold()
        for same in (
            lambda c: _conversation_name(c).casefold() == wanted or str(c.get("id")).casefold() == wanted,
            lambda c: wanted in _conversation_name(c).casefold(),
        ):
            matches = [c for c in conversations if same(c)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise source.error(
                    f"--chat {options.chat!r} names {len(matches)} conversations: "
                    + ", ".join(repr(_conversation_name(c)) for c in matches[:5]),
                    hint="pass more of the name, or the conversation's id",
                )
        raise source.error(
            f"no conversation called {options.chat!r} in this Skype export",
            hint="it holds " + ", ".join(repr(_conversation_name(c)) for c in conversations[:5]),
        )
    if len(conversations) == 1:
        return conversations[0]
    names = ", ".join(repr(_conversation_name(c)) for c in conversations[:5])
    more = f" and {len(conversations) - 5} more" if len(conversations) > 5 else ""
    raise source.error(
        f"this Skype export holds {len(conversations)} conversations: {names}{more}",
        hint="choose one with --chat NAME",
    )


def _names(messages: list[Any]) -> dict[str, str]:
    """Each account's display name, wherever the export gives it."""
    names: dict[str, str] = {}
    for message in messages:
        if isinstance(message, dict):
            account = _account(message.get("from"))
            shown = message.get("displayName")
            if account and isinstance(shown, str) and shown.strip():
                names[account] = shown.strip()
    return names


def _call(content: str) -> str:
    found = _CALL.search(content)
    what = found["type"].lower() if found else ""
    if what == "missed":
        return "missed call"
    if what == "ended":
        seconds = _DURATION.search(content)
        return f"call ended ({seconds['seconds']} s)" if seconds else "call ended"
    return "call started" if what == "started" else "call"


def _turn(
    message: dict[str, Any], index: int, names: dict[str, str], one_to_one: str | None
) -> tuple[datetime | None, int, Turn] | None:
    kind_word = str(message.get("messagetype") or "").strip()
    lowered = kind_word.casefold()
    content = message.get("content") if isinstance(message.get("content"), str) else ""
    account = _account(message.get("from"))
    shown = message.get("displayName")
    speaker: str | None = shown.strip() if isinstance(shown, str) and shown.strip() else None
    if speaker is None and account:
        speaker = names.get(account) or _short(account)
    if speaker is None and one_to_one and lowered in _TEXT_TYPES:
        speaker = one_to_one  # the owner's own messages always carry "from"
    kind: TurnKind = "message"
    properties = message.get("properties") if isinstance(message.get("properties"), dict) else {}
    if lowered in _TEXT_TYPES:
        text = _clean(content)
        if not text:
            if not properties.get("deletetime"):
                return None
            kind, text = "system", "deleted a message"
    elif lowered.startswith(_MEDIA_PREFIXES):
        original = _ORIGINAL_NAME.search(content)
        kind = "media"
        text = html.unescape(original.group(1)) if original and original.group(1) else kind_word.rsplit("/", 1)[-1]
    elif lowered == "event/call":
        kind, text = "system", _call(content)
    else:  # ThreadActivity/AddMember, Notice, …: the chat's own events
        kind, speaker = "system", None
        text = _clean(content) if lowered == "notice" else _EVENTS.get(lowered, kind_word.rsplit("/", 1)[-1] or "notice")
    if speaker is None and kind == "message":
        speaker = "Unknown"
    turn_id = str(message.get("id") or index)
    time = _time(message.get("originalarrivaltime"))
    return time, index, Turn(turn_id, time, speaker, text, kind)


def _turns(source: Source, options: ReadOptions) -> Iterator[Turn]:
    conversation = _choose(_with_messages(source.load_json(), source), source, options)
    messages = conversation["MessageList"]
    names = _names(messages)
    cid = str(conversation.get("id") or "")
    one_to_one = _conversation_name(conversation) if cid.startswith("8:") or _members(conversation) == 2 else None
    read = []
    for index, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            raise source.error(f"message {index} of {_conversation_name(conversation)!r} is not a JSON object")
        found = _turn(message, index, names, one_to_one)
        if found is not None:
            read.append(found)
    if not read:
        raise source.error(f"conversation {_conversation_name(conversation)!r} holds no readable message")
    # Newest first in the export; a message without a time keeps its place next to its neighbour.
    undated = any(time is None for time, _, _ in read)
    if not undated:
        read.sort(key=lambda item: (_naive_utc(item[0]), -item[1]))
    elif len(read) > 1 and read[0][1] < read[-1][1]:
        read.reverse()
    for _time_, _index, turn in read:
        yield turn


def _naive_utc(time: datetime | None) -> datetime:
    """Comparable whether or not the export wrote a zone."""
    if time is None:
        return datetime.min
    return time.astimezone(UTC).replace(tzinfo=None) if time.tzinfo else time


def _members(conversation: dict[str, Any]) -> int | None:
    thread = conversation.get("threadProperties")
    count = thread.get("membercount") if isinstance(thread, dict) else None
    try:
        return int(count) if count is not None else None
    except (TypeError, ValueError, OverflowError):  # "membercount": 1e999 is infinity
        return None


@register
class SkypeReader(Reader):
    name = "skype"
    title = "Skype or Teams Free export (messages.json), one conversation (--chat NAME)"
    example = (
        '{"userId": "8:live:sam", "conversations": [{"id": "8:live:alex", "displayName": "Alex",\n'
        ' "MessageList": [{"from": "8:live:alex", "displayName": "Alex", "messagetype": "RichText",\n'
        '   "originalarrivaltime": "2024-03-04T11:20:34.567Z", "content": "home yet?"}]}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        if _HEAD.match(text) and '"conversations"' in text:
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        return _turns(Source(path), options)
