"""Slack workspace export (the ``.zip`` or its folder), or one day's file from it.

The export holds ``users.json`` (people), ``channels.json`` (and for direct
messages ``dms.json``) and one folder per conversation with a file per day::

    users.json          [{"id": "U01", "name": "sam", "real_name": "Sam Lee",
                          "profile": {"display_name": "Sam"}}, …]
    general/2024-01-15.json
                        [{"type": "message", "user": "U01", "text": "home yet?",
                          "ts": "1705345440.000200"}, …]

What the reader decides:

* **Which conversation.** With one folder it is read; with several the
  reader names them and ``--chat`` picks one (its name, or a unique part).
* **Turns.** Days in order, messages in ``ts`` order (seconds since 1970,
  UTC). A message with only files is ``media`` (the file names); joins,
  leaves, topic and purpose changes are ``system`` lines without a speaker;
  edit and deletion records are not turns (the export already shows the
  edited text).
* **Speakers.** The display name from ``users.json`` (else the real name,
  else the user name); in a lone day file, the ``user_profile`` a person's
  messages carry, or the name a mention gives them (``<@U01|sam>``), for all
  of their messages. A saved API answer (``{"ok": true, "messages": […]}``,
  newest first) is read like a day file.
  Bots keep their name. ``<@U01>`` in the text becomes ``@Sam``, a link
  ``<https://…|label>`` its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ...model import Turn, TurnKind
from .. import archive
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_DAY = re.compile(r"(?:^|/)(?P<day>\d{4}-\d{2}-\d{2})\.json$")
_SYSTEM = {"channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
           "channel_archive", "channel_unarchive", "group_join", "group_leave", "group_topic",
           "group_purpose", "group_name", "pinned_item", "unpinned_item"}
_SKIP = {"message_changed", "message_deleted", "tombstone", "message_replied"}
# What Slack's conversations.history answers, saved to a file: {"ok": true, "messages": [...]}.
_API_ANSWER = re.compile(r'^\{\s*"ok"\s*:\s*true\s*,\s*"messages"\s*:\s*\[')
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>")
_LINK = re.compile(r"<(?P<target>[^<>|\s]+)(?:\|(?P<label>[^<>]*))?>")
_SPECIAL = re.compile(r"<!(?P<what>here|channel|everyone)(?:\|[^>]*)?>")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _names(users: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        user = _dict(user)
        profile = _dict(user.get("profile"))
        for name in (profile.get("display_name"), user.get("real_name"), profile.get("real_name"), user.get("name")):
            if isinstance(name, str) and name.strip() and isinstance(user.get("id"), str):
                found[user["id"]] = strip_marks(name).strip()
                break
    return found


def _text(raw: str, names: dict[str, str]) -> str:
    text = _MENTION.sub(lambda m: "@" + (names.get(m["id"]) or m["name"] or m["id"]), raw)
    text = _SPECIAL.sub(lambda m: "@" + m["what"], text)
    text = _LINK.sub(lambda m: m["label"] or m["target"], text)
    return strip_marks(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def _speaker(message: dict[str, Any], names: dict[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in names:
        return names[user]
    profile = _dict(message.get("user_profile"))
    bot = _dict(message.get("bot_profile")).get("name")
    for name in (profile.get("display_name"), profile.get("real_name"), message.get("username"), bot, profile.get("name")):
        if isinstance(name, str) and name.strip():
            return strip_marks(name).strip()
    return user if isinstance(user, str) and user else "Unknown"


def _turn(message: dict[str, Any], names: dict[str, str], source: Source) -> Turn | None:
    if message.get("type", "message") != "message":
        return None
    subtype = message.get("subtype")
    if subtype in _SKIP:
        return None
    try:
        time = datetime.fromtimestamp(float(str(message.get("ts"))), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise source.error(f"unreadable message time 'ts': {message.get('ts')!r}",
                           hint="expected seconds since 1970, as Slack writes them") from None
    text = _text(message["text"], names) if isinstance(message.get("text"), str) else ""
    kind: TurnKind = "message"
    speaker: str | None = _speaker(message, names)
    if subtype in _SYSTEM:
        kind, speaker = "system", None
    elif not text.strip():
        files = [_dict(f).get("name") or _dict(f).get("title") for f in message.get("files") or []
                 if isinstance(f, dict)]
        if not files:
            return None  # nothing a person wrote or sent
        kind, text = "media", ", ".join(str(f or "file") for f in files)
    return Turn("", time, speaker, text, kind)


class _Export:
    """The files of one export, in a folder or a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zipped = archive.is_zip(path)
        if self.zipped:
            self.members = archive.member_names(path)
        else:
            self.members = sorted(str(p.relative_to(path).as_posix()) for p in path.rglob("*.json"))

    def source(self, member: str) -> Source:
        return Source(self.path, member) if self.zipped else Source(self.path / member)

    def users(self) -> dict[str, str]:
        found = [m for m in self.members if PurePosixPath(m).name == "users.json"]
        return _names(self.source(min(found, key=len)).load_json()) if found else {}

    def channels(self) -> dict[str, list[str]]:
        days: dict[str, list[str]] = {}
        for member in self.members:
            if _DAY.search(member):
                days.setdefault(str(PurePosixPath(member).parent), []).append(member)
        return {channel: sorted(files, key=lambda m: _DAY.search(m)["day"]) for channel, files in days.items()}  # type: ignore[index]


def _choose(channels: dict[str, list[str]], source: Source, options: ReadOptions) -> list[str]:
    names = sorted(channels)
    shown = "; ".join(PurePosixPath(n).name for n in names[:10]) + (f"; and {len(names) - 10} more" if len(names) > 10 else "")
    if options.chat:
        wanted = options.chat.casefold().lstrip("#")
        exact = [n for n in names if PurePosixPath(n).name.casefold() == wanted]
        found = exact or [n for n in names if wanted in PurePosixPath(n).name.casefold()]
        if len(found) == 1:
            return channels[found[0]]
        what = "several conversations match" if found else "no conversation matches"
        raise source.error(f"{what} {options.chat!r}; this export holds {shown}",
                           hint="pass more of one name with --chat")
    if len(names) == 1:
        return channels[names[0]]
    raise source.error(f"this Slack export holds {len(names)} conversations: {shown}",
                       hint="choose one with --chat NAME")


def _names_in(messages: list[dict[str, Any]]) -> dict[str, str]:
    """Without users.json: a person's name from their messages' profile, else from a mention."""
    found: dict[str, str] = {}
    for message in messages:
        user = message.get("user")
        if isinstance(user, str) and user not in found and message.get("user_profile"):
            name = _speaker({**message, "user": None, "username": None, "bot_profile": None}, {})
            if name != "Unknown":
                found[user] = name
    for message in messages:
        for mention in _MENTION.finditer(str(message.get("text") or "")):
            if mention["name"]:
                found.setdefault(mention["id"], strip_marks(mention["name"]).strip())
    return found


def _read_days(files: list[Source], names: dict[str, str]) -> Iterator[Turn]:
    count = 0
    for source in files:
        data = source.load_json()
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            data = data["messages"]  # a saved conversations.history answer
        if not isinstance(data, list):
            raise source.error("not a Slack day file: the top level is not a list of messages")
        messages = [m for m in data if isinstance(m, dict)]
        if len(files) == 1 and not names:
            names = _names_in(messages)
        messages.sort(key=lambda m: float(m["ts"]) if re.fullmatch(r"\d{1,12}(\.\d+)?", str(m.get("ts"))) else 0.0)
        for message in messages:
            turn = _turn(message, names, source)
            if turn is not None:
                count += 1
                turn.id = str(count)
                yield turn


@register
class SlackReader(Reader):
    name = "slack"
    title = "Slack workspace export (.zip or folder; --chat NAME for one channel), or one day's .json"
    example = (
        'users.json: [{"id": "U01", "profile": {"display_name": "Sam"}}]\n'
        'general/2024-01-15.json: [{"type": "message", "user": "U01", "text": "home yet?",\n'
        '                           "ts": "1705345440.000200"}]'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            names = {PurePosixPath(m.replace("\\", "/")).name for m in sample.members}
            days = any(_DAY.search(m.replace("\\", "/")) for m in sample.members)
            return 0.9 if days and "users.json" in names and names & {"channels.json", "dms.json", "groups.json", "mpims.json"} else 0.0
        text = sample.text.lstrip()
        if _API_ANSWER.match(text) and re.search(r'"ts"\s*:\s*"\d', text[:4096]):
            return 0.7  # above the generic JSON reader, which cannot read "ts"
        if not text.startswith("["):
            return 0.0
        head = text[:4096]
        if '"ts"' in head and '"type"' in head and re.search(r'"type"\s*:\s*"message"', head):
            return 0.8 if _DAY.search(sample.name) else 0.6
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        if path.is_dir() or archive.is_zip(path):
            export = _Export(path)
            channels = export.channels()
            if not channels:
                raise Source(path).error("no conversation folder with day files (YYYY-MM-DD.json) in this Slack export")
            files = _choose(channels, Source(path), options)
            return _read_days([export.source(m) for m in files], export.users())
        return _read_days([Source(path)], {})
