"""Telegram Desktop's JSON export (``result.json``): one chat, or the full export.

Telegram Desktop writes ``result.json`` ("Export chat history" or "Export
Telegram data", format "Machine-readable JSON"):

- one chat: ``{"name", "type", "id", "messages": [...]}``;
- the full export: ``{"about", "personal_information", ..., "chats": {"about",
  "list": [chat, ...]}, "left_chats": {...}}``, each chat shaped like the above.

A message has ``id``, ``type`` ("message", "service" or "unsupported"),
``date`` (local time without a zone, e.g. ``2023-01-02T20:01:12``),
``date_unixtime`` (since 2021), ``from`` / ``from_id`` or, on service messages,
``actor`` / ``actor_id`` and ``action``. ``text`` is a string, or a list of
strings and entity objects ``{"type": "bold", "text": ...}`` whose texts
concatenate to the message as written. Media come as ``photo``, ``file`` with
``media_type``, ``sticker_emoji``, ``poll``, ``location_information`` ...

Shape learned from Telegram Desktop's own writer,
``Telegram/SourceFiles/export/output/export_output_json.cpp``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ...errors import InputError
from ...model import Turn
from .. import archive
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_MESSAGES_KEY = re.compile(r'"messages"\s*:\s*\[')
_UNIXTIME_KEY = re.compile(r'"date_unixtime"\s*:')
# Before 2021 Telegram wrote no date_unixtime: a local ISO date and a message type.
_OLD_MESSAGE = re.compile(r'"type"\s*:\s*"(?:message|service)"[^{}]*"date"\s*:\s*"\d{4}-\d\d-\d\dT')
# The chat's own type, which only Telegram writes.
_CHAT_TYPE = re.compile(
    r'"type"\s*:\s*"(?:personal_chat|bot_chat|saved_messages|replies|private_group|private_supergroup'
    r'|public_supergroup|private_channel|public_channel)"'
)
_FULL_EXPORT = re.compile(r'"personal_information"\s*:|"chats"\s*:\s*\{\s*"about"')
# A full export cut down to its chats (other projects' tests): '{"chats": {"list": [{… "messages": [' .
_CHATS_LIST = re.compile(r'^\{\s*"chats"\s*:\s*\{\s*"list"\s*:\s*\[\s*\{')

# How a service message's action reads after the actor's name.
_ACTIONS = {
    "phone_call": "called",
    "group_call": "started a group call",
    "pin_message": "pinned a message",
    "create_group": "created the group",
    "create_channel": "created the channel",
    "edit_group_title": "changed the group name to",
    "edit_group_photo": "changed the group photo",
    "delete_group_photo": "removed the group photo",
    "invite_members": "added",
    "remove_members": "removed",
    "join_group_by_link": "joined the group by link",
    "join_group_by_request": "joined the group",
    "clear_history": "cleared the history",
    "take_screenshot": "took a screenshot",
    "set_messages_ttl": "changed the auto-delete timer",
    "joined_telegram": "joined Telegram",
    "edit_chat_theme": "changed the chat theme",
    "set_chat_wallpaper": "changed the chat wallpaper",
}


# A chat's "messages" list on its own: a list whose first object is a Telegram message.
_BARE_LIST = re.compile(r'^\[\s*\{[^{}]{0,300}?"type"\s*:\s*"(?:message|service)"\s*,\s*"date"\s*:')


def _looks_like_telegram(text: str) -> bool:
    if _BARE_LIST.match(text):
        return bool(_UNIXTIME_KEY.search(text) or '"from_id"' in text)
    if _FULL_EXPORT.search(text) and '"about"' in text:
        return True
    if _CHATS_LIST.match(text) and _MESSAGES_KEY.search(text):
        return True
    return bool(_MESSAGES_KEY.search(text)) and any(
        pattern.search(text) for pattern in (_UNIXTIME_KEY, _OLD_MESSAGE, _CHAT_TYPE)
    )


def _result_json(names: tuple[str, ...]) -> str | None:
    """The shallowest ``result.json`` among a folder's or archive's files."""
    found = [name for name in names if PurePosixPath(name.replace("\\", "/")).name == "result.json"]
    return min(found, key=lambda name: name.count("/"), default=None)


def _source(path: Path) -> Source:
    """The file to read: the path itself, or the result.json in an export folder or zip."""
    if path.is_dir():
        names = tuple(str(p.relative_to(path)) for p in path.rglob("result.json"))
        member = _result_json(names)
        if member is None:
            raise InputError(
                path, "no result.json in this folder", hint="point at the Telegram export's result.json"
            )
        return Source(path / member)
    if archive.is_zip(path):
        member = _result_json(tuple(archive.member_names(path)))
        if member is None:
            raise InputError(
                path, "no result.json in this archive", hint="point at the Telegram export's result.json"
            )
        return Source(path, member)
    return Source(path)


def flatten_text(value: Any) -> str:
    """A message's ``text``, entities and all, as the plain text that was written."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    return ""


def _chat_name(chat: dict[str, Any]) -> str:
    if isinstance(chat.get("name"), str) and chat["name"]:
        return chat["name"]
    if chat.get("type") == "saved_messages":
        return "Saved Messages"
    return str(chat.get("id", "?"))


def _list_names(chats: list[dict[str, Any]], limit: int = 5) -> str:
    names = [_chat_name(chat) for chat in chats]
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _all_chats(data: dict[str, Any]) -> list[dict[str, Any]]:
    chats: list[dict[str, Any]] = []
    for key in ("chats", "left_chats"):
        section = data.get(key)
        if isinstance(section, dict) and isinstance(section.get("list"), list):
            chats.extend(chat for chat in section["list"] if isinstance(chat, dict))
    return chats


def _find_chats(chats: list[dict[str, Any]], wanted: str) -> list[dict[str, Any]]:
    """The chats ``wanted`` names: by exact name, then any case, then by id."""
    for same in (
        lambda chat: _chat_name(chat) == wanted,
        lambda chat: _chat_name(chat).casefold() == wanted.casefold(),
        lambda chat: str(chat.get("id")) == wanted,
    ):
        found = [chat for chat in chats if same(chat)]
        if found:
            return found
    return []


def choose_chat(data: Any, source: Source, options: ReadOptions) -> dict[str, Any]:
    """The one chat to read: the export itself, or the chat ``--chat`` names in a full export."""
    if isinstance(data, list) and data and all(isinstance(m, dict) for m in data[:50]):
        # A chat's "messages" list saved on its own (other tools keep such copies).
        return {"name": source.path.stem, "messages": data}
    if not isinstance(data, dict):
        raise source.error(
            "not a Telegram export: the top level is not a JSON object",
            hint="export again from Telegram Desktop as 'Machine-readable JSON'",
        )
    if "messages" in data:
        if options.chat and options.chat.casefold() != _chat_name(data).casefold():
            options.warn(
                f"--chat {options.chat!r} ignored: this export holds the single chat {_chat_name(data)!r}"
            )
        return data
    chats = _all_chats(data)
    if not chats:
        if "chats" in data or "personal_information" in data:
            raise source.error(
                "this full Telegram export holds no chats",
                hint="tick 'Personal chats' when exporting from Telegram Desktop",
            )
        raise source.error("not a Telegram export: no 'messages' list and no 'chats' list")
    if options.chat:
        found = _find_chats(chats, options.chat)
        if not found:
            raise source.error(
                f"no chat called {options.chat!r} in this export; it holds {_list_names(chats)}",
                hint="pass one of these names with --chat",
            )
        if len(found) > 1:  # two contacts saved under one name: reading either silently could mix people up
            ids = ", ".join(str(chat.get("id", "?")) for chat in found)
            raise source.error(
                f"{len(found)} chats in this export are called {options.chat!r}",
                hint=f"pass the chat's id with --chat instead: {ids}",
            )
        return found[0]
    if len(chats) == 1:
        return chats[0]
    raise source.error(
        f"this full Telegram export holds {len(chats)} chats: {_list_names(chats)}",
        hint="choose one with --chat NAME",
    )


def _time(message: dict[str, Any]) -> datetime | None:
    """``date`` as written (local, no zone); else ``date_unixtime`` as UTC."""
    date = message.get("date")
    if isinstance(date, str):
        try:
            return datetime.fromisoformat(date)
        except ValueError:
            pass
    stamp = message.get("date_unixtime")
    if isinstance(stamp, (str, int)) and str(stamp).isdigit():
        return datetime.fromtimestamp(int(stamp), tz=UTC)
    return None


def _file_name(value: Any) -> str | None:
    # A file left out of the export reads "(File not included. ...)".
    if isinstance(value, str) and value and not value.startswith("("):
        return PurePosixPath(value.replace("\\", "/")).name
    return None


def media_placeholder(message: dict[str, Any]) -> str | None:
    """What stands in for a message's media when it has no text; None when it has none."""
    if message.get("media_type") == "sticker" or "sticker_emoji" in message:
        emoji = message.get("sticker_emoji")
        return emoji if isinstance(emoji, str) and emoji else "sticker"
    for key in ("photo", "file"):
        if key in message:
            kind = message.get("media_type") if key == "file" else "photo"
            return _file_name(message[key]) or str(kind or "file").replace("_", " ")
    kind = message.get("media_type")
    if isinstance(kind, str) and kind:  # some tools drop "file" but keep its type
        return kind.replace("_", " ")
    poll = message.get("poll")
    if isinstance(poll, dict):
        return str(poll.get("question") or "poll")
    if message.get("place_name"):
        return str(message["place_name"])
    for key, word in (
        ("location_information", "location"),
        ("contact_information", "contact"),
        ("game_title", "game"),
        ("invoice_information", "invoice"),
    ):
        if key in message:
            return word
    return None


def describe_service(message: dict[str, Any]) -> str:
    """A service message as a sentence: who did what ("Alex called (missed, 0 s)")."""
    actor = message.get("actor") or message.get("from")
    if isinstance(message.get("information_text"), str):
        return message["information_text"]
    if not message.get("action") and isinstance(message.get("text"), str) and message["text"].strip():
        return message["text"]  # no action named (a cut-down export): the event as its text says it
    action = str(message.get("action") or "service message")
    words = [str(actor)] if actor else []
    words.append(_ACTIONS.get(action, action.replace("_", " ")))
    if message.get("title"):
        words.append(f"«{message['title']}»")
    members = message.get("members")
    if isinstance(members, list) and members:
        if action == "create_group":
            words.append("with")
        words.append(", ".join(str(member or "Deleted Account") for member in members))
    details = []
    if message.get("discard_reason") in ("missed", "busy"):
        details.append(str(message["discard_reason"]))
    for key in ("duration_seconds", "duration"):
        if isinstance(message.get(key), int):
            details.append(f"{message[key]} s")
    sentence = " ".join(words)
    return f"{sentence} ({', '.join(details)})" if details else sentence


def message_turn(message: dict[str, Any], index: int) -> Turn | None:
    """One exported message as a turn; None for what cannot be shown ("unsupported")."""
    kind = message.get("type")
    if kind == "unsupported":
        return None
    turn_id = str(message.get("id", index))
    time = _time(message)
    if kind == "service":
        return Turn(turn_id, time, None, strip_marks(describe_service(message)), "system")
    speaker = message.get("from") or (
        str(message["from_id"]) if message.get("from_id") else "Deleted Account"
    )
    text = flatten_text(message.get("text", message.get("text_entities")))
    reply = message.get("reply_to_message_id")
    # "reply_to_peer_id": the message answered is in another chat (a channel post), not this one.
    reply_to = None if reply is None or message.get("reply_to_peer_id") else str(reply)
    placeholder = media_placeholder(message)
    if not text and placeholder is not None:
        return Turn(turn_id, time, strip_marks(str(speaker)), strip_marks(placeholder), "media", reply_to)
    return Turn(turn_id, time, strip_marks(str(speaker)), strip_marks(text), "message", reply_to)


@register
class TelegramReader(Reader):
    name = "telegram"
    title = "Telegram Desktop export (result.json), one chat or the full export (--chat NAME)"
    example = (
        '{"name": "Alex", "type": "personal_chat", "id": 4242, "messages": [\n'
        ' {"id": 1, "type": "message", "date": "2023-01-02T20:01:12", "from": "Alex", "text": "home yet?"}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            member = _result_json(sample.members)
            if member is None:
                return 0.0
            head = sample.member_head(member).decode("utf-8", errors="replace")
            return 0.9 if _looks_like_telegram(head) else 0.0
        text = sample.text.lstrip()
        if text.startswith("["):
            return 0.85 if _BARE_LIST.match(text) and _looks_like_telegram(text) else 0.0
        if not text.startswith("{"):
            return 0.0
        return 0.95 if _looks_like_telegram(text) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = _source(path)
        chat = choose_chat(source.load_json(), source, options)
        messages = chat.get("messages")
        if not isinstance(messages, list):
            raise source.error(f"chat {_chat_name(chat)!r} has no 'messages' list")
        if not messages:
            raise source.error(f"chat {_chat_name(chat)!r} has no messages")
        skipped = 0
        for index, message in enumerate(messages, start=1):
            if not isinstance(message, dict):
                raise source.error(f"message {index} is not a JSON object")
            turn = message_turn(message, index)
            if turn is None:
                skipped += 1
            else:
                yield turn
        if skipped:
            options.warn(f"{source.label}: left out {skipped} message(s) Telegram exported as 'unsupported'")
