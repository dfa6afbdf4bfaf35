"""The conversation model every part of cyclemap shares.

A :class:`Conversation` is a sequence of :class:`Turn` objects in time order
plus the people who took part. Readers produce turns; the classifier, the
cycle analysis, the report and the store consume them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

TurnKind = Literal["message", "media", "system"]
TURN_KINDS: tuple[str, ...] = get_args(TurnKind)

#: Other tools' words for a turn that is not a written message. Any other ``kind`` string is a
#: label of the file's own (a dataset's category of example, say "veiled-threat"), not a turn
#: kind: the turn is read as a message and the field left as it was.
OTHER_KINDS: dict[str, TurnKind] = {
    **dict.fromkeys(("image", "photo", "video", "audio", "voice", "sticker", "gif", "file", "attachment",
                     "document", "location", "contact"), "media"),
    **dict.fromkeys(("notice", "event", "service", "info", "status", "notification", "call"), "system"),
}


def turn_kind(value: object) -> TurnKind:
    """The turn kind a ``kind`` field names; ValueError for a value that is not a string."""
    if value is None or value == "":
        return "message"
    if not isinstance(value, str):
        raise ValueError(f"kind must be a string ({', '.join(TURN_KINDS)}), got {value!r}")
    word = value.strip().lower()
    if word in TURN_KINDS:
        return word  # type: ignore[return-value]
    return OTHER_KINDS.get(word, "message")


@dataclass(slots=True)
class Turn:
    """One message of a chat, or one speaker's contiguous utterance in a transcript.

    ``time`` is naive local time where the export has no zone, aware otherwise;
    ``speaker`` is None for system lines; ``text`` is exactly as written except
    that direction marks and byte-order marks are removed. ``offset`` is the
    start in seconds from the beginning of a recording, for transcripts that
    only know that (WebVTT, SRT, stamped plain text).
    """

    id: str
    time: datetime | None
    speaker: str | None
    text: str
    kind: TurnKind = "message"
    reply_to: str | None = None
    conversation: str | None = None
    offset: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``cyclemap parse`` (keys in a stable order)."""
        return {
            "id": self.id,
            "time": self.time.isoformat() if self.time is not None else None,
            "speaker": self.speaker,
            "text": self.text,
            "kind": self.kind,
            "reply_to": self.reply_to,
            "conversation": self.conversation,
            "offset": self.offset,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Turn:
        """The inverse of :meth:`to_json`; raises ValueError on a malformed object."""
        kind = turn_kind(data.get("kind"))
        raw_time = data.get("time")
        if raw_time is not None and not isinstance(raw_time, str):
            raise ValueError("time must be an ISO 8601 string or null")
        try:
            time = datetime.fromisoformat(raw_time) if raw_time else None
        except ValueError:
            raise ValueError(f"time {raw_time!r} is not ISO 8601") from None
        text = data.get("text")
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        speaker = data.get("speaker")
        reply_to = data.get("reply_to")
        conversation = data.get("conversation")
        offset = data.get("offset")
        if offset is not None and (isinstance(offset, bool) or not isinstance(offset, (int, float))):
            raise ValueError("offset must be a number of seconds or null")
        return cls(
            id=str(data.get("id", "")),
            time=time,
            speaker=None if speaker is None else str(speaker),
            text=text,
            kind=kind,
            reply_to=None if reply_to is None else str(reply_to),
            conversation=None if conversation is None else str(conversation),
            offset=None if offset is None else float(offset),
        )


@dataclass(slots=True)
class Participant:
    """A person who speaks in a conversation; any number of them, not only two."""

    name: str
    messages: int = 0


@dataclass
class Conversation:
    """Turns in conversation order and the participants, in order of first appearance."""

    turns: list[Turn] = field(default_factory=list)
    title: str | None = None
    source_format: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def participants(self) -> list[Participant]:
        people: dict[str, Participant] = {}
        for turn in self.turns:
            if turn.speaker is None:
                continue
            person = people.setdefault(turn.speaker, Participant(turn.speaker))
            if turn.kind != "system":
                person.messages += 1
        return list(people.values())

    def __len__(self) -> int:
        return len(self.turns)
