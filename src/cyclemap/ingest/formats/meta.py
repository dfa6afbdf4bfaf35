"""Facebook Messenger and Instagram chats from Meta's "Download Your Information".

One reader for both apps, since Meta writes them the same way (and nothing in
a file says which app it came from). A conversation is a folder
(``messages/inbox/<name>_<id>/``) of ``message_1.json``, ``message_2.json`` ...,
each ``{"participants": [{"name"}], "messages": [...], "title", "thread_path"}``
with the messages **newest first**: ``sender_name``, ``timestamp_ms``,
``content``, ``photos`` / ``videos`` / ``audio_files`` / ``gifs`` / ``files``
(``[{"uri"}]``), ``sticker``, ``share``, ``reactions``, ``call_duration``,
``is_unsent`` and, in older exports, ``type`` (Generic, Share, Call, Subscribe,
Unsubscribe).

Those files carry text as UTF-8 bytes each written as a ``\\u00XX`` escape
("mojibake": ``Ã©`` for ``é``); :func:`repair_mojibake` undoes that, but only
in exports that have it: a string with any character above U+00FF cannot be
mojibake, and an export containing one is left untouched.

Messenger's end-to-end encrypted chats, downloaded separately, come as one
clean UTF-8 file: ``{"participants": ["A", "B"], "threadName", "messages":
[{"senderName", "timestamp", "text", "media": [{"uri"}], "isUnsent",
"reactions"}]}``; they are read the same way.

Times: ``timestamp_ms`` is an instant with no zone of the sender's clock, so
turns get aware UTC times (``+00:00``): the same on every machine.

Accepts a ``message_N.json`` (its sibling ``message_*.json`` files are merged
in), a conversation folder, or a single exported JSON file of this shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from ...errors import InputError
from ...model import Turn
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_PART_NAME = re.compile(r"^message_(\d+)\.json$")
_CLASSIC = re.compile(
    r'"sender_name"\s*:.*"timestamp_ms"\s*:|"timestamp_ms"\s*:.*"sender_name"\s*:', re.DOTALL
)
_E2EE = re.compile(r'"senderName"\s*:.*"timestamp"\s*:\s*\d', re.DOTALL)
# Instagram writes a reaction as a message of its own.
_REACTION_NOTICE = re.compile(r"^(?:Liked a message|Reacted .+ to your message)\s*$", re.DOTALL)
# Messenger's end-to-end encrypted download keeps an unsent message as this text.
_UNSENT_TEXT = re.compile(r"^\s*(?:User|You) unsent a message\.?\s*$")
_MEDIA_KEYS = ("photos", "videos", "audio_files", "gifs", "files", "media")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def repair_mojibake(text: str) -> str:
    """``'CafÃ©'`` -> ``'Café'``; text that is not mojibake comes back unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def has_mojibake(messages: Iterable[Any]) -> bool:
    """Whether an export writes its text as mojibake (old DYI) rather than clean UTF-8."""
    repairable = False
    for text in _strings(list(messages)):
        if any(ord(char) > 0xFF for char in text):
            return False  # real UTF-8 text: the export is clean
        if not repairable and not text.isascii() and repair_mojibake(text) != text:
            repairable = True
    return repairable


def _part_files(path: Path) -> list[Path]:
    """The ``message_N.json`` files of one conversation, message_1 first."""
    folder = path if path.is_dir() else path.parent
    parts = [p for p in folder.iterdir() if p.is_file() and _PART_NAME.match(p.name)]
    return sorted(parts, key=lambda p: int(_PART_NAME.match(p.name).group(1)))  # type: ignore[union-attr]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        parts = _part_files(path)
        if not parts:
            threads = sorted({p.parent.name for p in path.rglob("message_1.json")})
            if threads:
                shown = ", ".join(threads[:5]) + (f" and {len(threads) - 5} more" if len(threads) > 5 else "")
                raise InputError(
                    path,
                    f"this folder holds {len(threads)} conversations ({shown})",
                    hint="point at one conversation's folder or its message_1.json",
                )
            raise InputError(
                path,
                "no message_1.json in this folder",
                hint="point at a conversation folder from messages/inbox/",
            )
        return parts
    if _PART_NAME.match(path.name):
        return _part_files(path)
    return [path]


def _messages(data: Any, source: Source) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise source.error(
            "not a Messenger or Instagram export: no 'messages' list",
            hint="use the JSON format when downloading your information",
        )
    messages = data["messages"]
    for index, message in enumerate(messages, start=1):
        if not isinstance(message, dict):
            raise source.error(f"message {index} is not a JSON object")
        if _sender(message) is None or _stamp(message) is None:
            raise source.error(f"message {index} has no sender_name or no timestamp_ms")
    return messages


def _sender(message: dict[str, Any]) -> str | None:
    sender = message.get("sender_name", message.get("senderName"))
    return sender if isinstance(sender, str) else None


def _stamp(message: dict[str, Any]) -> int | None:
    stamp = message.get("timestamp_ms", message.get("timestamp"))
    return stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else None


def in_time_order(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Undo a file's newest-first order, then sort stably (equal times keep their order)."""
    if len(messages) > 1 and (_stamp(messages[0]) or 0) > (_stamp(messages[-1]) or 0):
        messages = messages[::-1]
    return sorted(messages, key=lambda message: _stamp(message) or 0)


def _media_names(message: dict[str, Any]) -> list[str]:
    names = []
    for key in _MEDIA_KEYS:
        items = message.get(key)
        if isinstance(items, list):
            for item in items:
                uri = item.get("uri") if isinstance(item, dict) else None
                names.append(PurePosixPath(uri).name if isinstance(uri, str) and uri else key.rstrip("s"))
    if isinstance(message.get("sticker"), dict):
        names.append("sticker")
    return names


def _share_text(message: dict[str, Any]) -> str | None:
    share = message.get("share")
    if isinstance(share, dict):
        for key in ("link", "share_text"):
            if isinstance(share.get(key), str) and share[key]:
                return share[key]
    return None


def _system_text(message: dict[str, Any], sender: str, content: str | None) -> str | None:
    """The sentence for a notice that nobody typed; None for an ordinary message."""
    if message.get("is_unsent") or message.get("isUnsent") or (content and _UNSENT_TEXT.match(content)):
        return f"{sender} unsent a message"
    kind = message.get("type")
    if kind == "placeholder" and content:  # the app's own notice ("You can now message and call …")
        return content
    if kind == "Call" or "call_duration" in message:
        return content or f"{sender} called"
    if kind in ("Subscribe", "Unsubscribe"):
        if content:
            return content
        users = ", ".join(
            str(user.get("name")) for user in message.get("users", []) if isinstance(user, dict)
        )
        return f"{sender} {'added' if kind == 'Subscribe' else 'removed'} {users}".rstrip()
    if content and _REACTION_NOTICE.match(content):
        notice = content.strip()
        return f"{sender} {notice[0].lower()}{notice[1:]}"
    return None


def message_turn(message: dict[str, Any], index: int, fix: Any) -> Turn:
    """One message as a turn; ``fix`` repairs mojibake (or leaves text alone)."""
    sender = strip_marks(fix(_sender(message) or ""))
    time = _EPOCH + timedelta(milliseconds=_stamp(message) or 0)
    raw = message.get("content", message.get("text"))
    content = strip_marks(fix(raw)) if isinstance(raw, str) else None
    system = _system_text(message, sender, content)
    if system is not None:
        return Turn(str(index), time, None, system, "system")
    if content:
        return Turn(str(index), time, sender, content, "message")
    media = _media_names(message)
    if media:
        return Turn(str(index), time, sender, strip_marks(fix(", ".join(media))), "media")
    share = _share_text(message)
    if share:
        return Turn(str(index), time, sender, strip_marks(fix(share)), "media")
    return Turn(str(index), time, sender, "", "message")


@register
class MetaReader(Reader):
    name = "meta"
    title = "Facebook Messenger or Instagram (Meta 'Download Your Information' JSON, message_1.json)"
    example = (
        '{"participants": [{"name": "Sam"}, {"name": "Alex"}], "messages": [\n'
        ' {"sender_name": "Alex", "timestamp_ms": 1672686072000, "content": "home yet?"}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_zip:
            return 0.0
        if sample.is_dir:
            if "message_1.json" not in sample.members:
                return 0.0
            head = sample.member_head("message_1.json").decode("utf-8", errors="replace")
            return 0.9 if _CLASSIC.search(head) or _E2EE.search(head) else 0.0
        text = sample.text.lstrip()
        if not text.startswith("{") or not re.search(r'"messages"\s*:\s*\[', text):
            return 0.0
        if _CLASSIC.search(text):
            return 0.95
        return 0.9 if _E2EE.search(text) else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        messages: list[dict[str, Any]] = []
        # message_1 holds the newest messages: read the oldest file first.
        for file in reversed(_files(path)):
            source = Source(file)
            messages.extend(in_time_order(_messages(source.load_json(), source)))
        if not messages:
            raise InputError(path, "no messages in this conversation")
        messages = sorted(messages, key=lambda message: _stamp(message) or 0)
        fix = repair_mojibake if has_mojibake(messages) else (lambda text: text)
        for index, message in enumerate(messages, start=1):
            yield message_turn(message, index, fix)
