"""Google Chat conversations from Google Takeout (``Google Chat/Groups/*/messages.json``).

Takeout writes one folder per direct message or space, with ``group_info.json``
(the members) and ``messages.json``::

    {"messages": [
      {"creator": {"name": "Sam", "email": "sam@example.com", "user_type": "Human"},
       "created_date": "Wednesday, April 15, 2015 at 12:51:08 AM UTC",
       "text": "home yet?", "topic_id": "…", "message_id": "…"},
      {"creator": {…}, "created_date": "…",
       "attached_files": [{"original_name": "IMG_1.jpg", "export_name": "File-IMG_1.jpg"}]}
    ]}

Messages are oldest first. ``created_date`` is written in English with the
zone (UTC); it becomes an aware time. A message with files and no text is
``media`` (its text the files' names); a deleted one (``deletion_metadata``)
is a ``system`` line that keeps its sender. Bots keep their name.

Shape learned from the Takeout samples in gvoice-sms-takeout-xml's test data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks
from .english_months import ENGLISH_MONTHS

_HEAD = re.compile(r'^\{\s*"messages"\s*:\s*\[\s*\{\s*"creator"\s*:\s*\{')
_DATE = re.compile(
    r"(?:[A-Za-z]+,\s*)?(?P<month>[A-Za-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})\s+at\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?[\s\u202f\u00a0]*(?P<meridiem>[AaPp][Mm])?\s*(?P<zone>UTC|GMT)?"
)
_MONTHS = ENGLISH_MONTHS


def parse_date(text: str) -> datetime | None:
    """'Wednesday, April 15, 2015 at 12:51:08 AM UTC' as an aware time, or None."""
    found = _DATE.search(strip_marks(text))
    if found is None or found["month"].lower() not in _MONTHS:
        return None
    hour = int(found["h"])
    if found["meridiem"] and hour <= 12:
        hour = hour % 12 + (12 if found["meridiem"].lower() == "pm" else 0)
    try:
        stamp = datetime(
            int(found["year"]), _MONTHS[found["month"].lower()], int(found["day"]),
            hour, int(found["m"]), int(found["s"] or 0),
        )
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if found["zone"] else stamp


def _speaker(creator: Any) -> str:
    if isinstance(creator, dict):
        for key in ("name", "email"):
            if isinstance(creator.get(key), str) and creator[key].strip():
                return creator[key].strip()
    return "Unknown"


def _turn(message: dict[str, Any], index: int, source: Source) -> Turn:
    when = message.get("created_date")
    time = parse_date(when) if isinstance(when, str) else None
    if time is None:
        raise source.error(
            f"message {index}: unreadable created_date {when!r}",
            hint="expected a date like 'Wednesday, April 15, 2015 at 12:51:08 AM UTC'",
        )
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    files = [
        f.get("original_name") or f.get("export_name") or "file"
        for f in message.get("attached_files") or []
        if isinstance(f, dict)
    ]
    kind: TurnKind = "message"
    if message.get("deletion_metadata"):
        kind, text = "system", text or "deleted a message"
    elif not text and files:
        kind, text = "media", ", ".join(str(f) for f in files)
    return Turn(str(index), time, _speaker(message.get("creator")), strip_marks(text), kind)


@register
class GoogleChatReader(Reader):
    name = "google-chat"
    title = "Google Chat from Google Takeout (Google Chat/Groups/…/messages.json)"
    example = (
        '{"messages": [{"creator": {"name": "Sam"},\n'
        '  "created_date": "Wednesday, April 15, 2015 at 8:51:08 PM UTC", "text": "home yet?"}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        return 0.9 if _HEAD.match(text) and '"created_date"' in text else 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        data = source.load_json()
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            raise source.error("not a Google Chat messages.json: no 'messages' list")
        if not data["messages"]:
            raise source.error("no messages in this conversation")
        for index, message in enumerate(data["messages"], start=1):
            if not isinstance(message, dict):
                raise source.error(f"message {index} is not a JSON object")
            yield _turn(message, index, source)
