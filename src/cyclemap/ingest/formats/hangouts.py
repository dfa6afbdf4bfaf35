"""Google Hangouts from Google Takeout (``Takeout/Hangouts/Hangouts.json``).

One file holds every conversation of the account::

    {"conversations": [
      {"conversation": {"conversation_id": {"id": "Ugx…"},
                        "conversation": {"type": "STICKY_ONE_TO_ONE", "name": "…",
                                         "participant_data": [
                                           {"id": {"gaia_id": "1", "chat_id": "1"}, "fallback_name": "Sam"}]}},
       "events": [
         {"sender_id": {"gaia_id": "1", "chat_id": "1"}, "timestamp": "1414000000000000",
          "event_type": "REGULAR_CHAT_MESSAGE",
          "chat_message": {"message_content": {
              "segment": [{"type": "TEXT", "text": "home yet?"}, {"type": "LINE_BREAK", "text": "\\n"}],
              "attachment": [{"embed_item": {"type": ["PLUS_PHOTO"]}}]}}}]}]}

Exports before 2015 wrap the same objects as ``{"conversation_state": [{"conversation_state":
{"conversation": {…}, "event": […]}}]}``; both are read.

What the reader decides:

* **Which conversation.** With one conversation it is read; with several the
  reader names them (their title, or their people) and ``--chat`` picks one by
  a unique part of its name or its id.
* **Turns.** Events in time order (``timestamp`` is microseconds since 1970,
  UTC). A chat message or a texted SMS is a ``message``; one with only a photo
  or other attachment is ``media``; a call (``HANGOUT_EVENT``) is a ``system``
  line that keeps its caller; adding, removing people and renaming are
  ``system`` lines without a speaker.
* **Speakers.** ``fallback_name`` of the participant whose id sent the event;
  failing that their phone number, then "Unknown".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...model import Turn, TurnKind
from ..registry import Reader, Sample, register
from ..source import ReadOptions, Source, strip_marks

_CALLS = {"START_HANGOUT": "started a call", "END_HANGOUT": "ended a call"}
_NOTICES = {"ADD_USER": "added people", "REMOVE_USER": "removed people", "RENAME_CONVERSATION": "renamed the chat"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _conversations(data: Any, source: Source) -> list[tuple[dict[str, Any], list[Any]]]:
    """(conversation, events) pairs in either layout Takeout used."""
    if not isinstance(data, dict):
        raise source.error("not a Hangouts.json: the top level is not a JSON object")
    found: list[tuple[dict[str, Any], list[Any]]] = []
    for item in _list(data.get("conversations")):
        outer = _dict(_dict(item).get("conversation"))
        found.append((_dict(outer.get("conversation")) or outer, _list(_dict(item).get("events"))))
    for item in _list(data.get("conversation_state")):
        state = _dict(_dict(item).get("conversation_state"))
        found.append((_dict(state.get("conversation")), _list(state.get("event"))))
    if not found:
        raise source.error("not a Hangouts.json: no 'conversations' list")
    return found


def _key(ident: Any) -> str:
    ident = _dict(ident)
    return str(ident.get("gaia_id") or ident.get("chat_id") or "")


def _people(conversation: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for person in _list(conversation.get("participant_data")):
        person = _dict(person)
        name = person.get("fallback_name")
        if not isinstance(name, str) or not name.strip():
            name = _dict(person.get("phone_number")).get("e164")
        if isinstance(name, str) and name.strip():
            names[_key(person.get("id"))] = strip_marks(name).strip()
    return names


def _title(conversation: dict[str, Any]) -> str:
    name = conversation.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    people = sorted(set(_people(conversation).values()))
    return " & ".join(people) if people else str(_dict(conversation.get("id")).get("id") or "unnamed")


def _choose(pairs: list[tuple[dict[str, Any], list[Any]]], source: Source,
            options: ReadOptions) -> tuple[dict[str, Any], list[Any]]:
    titles = [_title(conversation) for conversation, _ in pairs]
    listed = "; ".join(titles[:8]) + (f"; and {len(titles) - 8} more" if len(titles) > 8 else "")
    if options.chat:
        wanted = options.chat.casefold()
        exact = [i for i, (c, _) in enumerate(pairs)
                 if wanted in (titles[i].casefold(), str(_dict(c.get("id")).get("id", "")).casefold())]
        partial = exact or [i for i, title in enumerate(titles) if wanted in title.casefold()]
        if len(partial) == 1:
            return pairs[partial[0]]
        what = "several chats match" if partial else "no chat matches"
        raise source.error(f"{what} {options.chat!r}; this export holds {listed}",
                           hint="pass more of one name with --chat")
    if len(pairs) == 1:
        return pairs[0]
    raise source.error(f"this Hangouts export holds {len(pairs)} chats: {listed}",
                       hint="choose one with --chat NAME (a unique part of it is enough)")


def _text(message: dict[str, Any]) -> tuple[str, list[str]]:
    content = _dict(message.get("message_content"))
    parts: list[str] = []
    for segment in _list(content.get("segment")):
        segment = _dict(segment)
        if segment.get("type") == "LINE_BREAK":
            parts.append("\n")
        elif isinstance(segment.get("text"), str):
            parts.append(segment["text"])
    media: list[str] = []
    for attachment in _list(content.get("attachment")):
        kinds = _list(_dict(_dict(attachment).get("embed_item")).get("type"))
        media.append(str(kinds[0]).lower().replace("_", " ").removeprefix("plus ") if kinds else "attachment")
    return strip_marks("".join(parts)), media


def _time(event: dict[str, Any], index: int, source: Source) -> datetime:
    stamp = event.get("timestamp")
    try:
        return datetime.fromtimestamp(int(str(stamp)) / 1_000_000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise source.error(f"event {index}: unreadable timestamp {stamp!r}",
                           hint="expected microseconds since 1970, as Takeout writes them") from None


def _turn(event: dict[str, Any], index: int, names: dict[str, str], source: Source) -> Turn | None:
    kind_of = event.get("event_type")
    speaker = names.get(_key(event.get("sender_id"))) or "Unknown"
    kind: TurnKind = "message"
    if isinstance(event.get("chat_message"), dict):
        text, media = _text(event["chat_message"])
        if not text.strip() and media:
            kind, text = "media", ", ".join(media)
        elif not text.strip():
            return None  # an empty message carries nothing a person said
    elif isinstance(event.get("hangout_event"), dict):
        what = _dict(event["hangout_event"]).get("event_type")
        kind, text = "system", _CALLS.get(str(what), "call")
    elif kind_of in _NOTICES:
        return Turn(str(index), _time(event, index, source), None, _NOTICES[str(kind_of)], "system")
    else:
        return None
    return Turn(str(index), _time(event, index, source), speaker, text, kind)


@register
class HangoutsReader(Reader):
    name = "hangouts"
    title = "Google Hangouts from Google Takeout (Hangouts.json)"
    example = (
        '{"conversations": [{"conversation": {"conversation": {"participant_data": [\n'
        '  {"id": {"gaia_id": "1"}, "fallback_name": "Sam"}]}},\n'
        '  "events": [{"sender_id": {"gaia_id": "1"}, "timestamp": "1414000000000000",\n'
        '    "chat_message": {"message_content": {"segment": [{"type": "TEXT", "text": "home yet?"}]}}}]}]}'
    )

    def sniff(self, sample: Sample) -> float:
        if sample.is_dir or sample.is_zip:
            return 0.0
        text = sample.text.lstrip()
        if not text.startswith("{"):
            return 0.0
        head = text[:4096]
        if '"conversations"' in head and ('"conversation_id"' in head or '"participant_data"' in head):
            return 0.9
        if '"conversation_state"' in head and ('"continuation_end_timestamp"' in head or '"conversation_id"' in head):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        source = Source(path)
        conversation, events = _choose(_conversations(source.load_json(), source), source, options)
        names = _people(conversation)
        ordered = sorted(
            (e for e in events if isinstance(e, dict)),
            key=lambda e: int(str(e.get("timestamp"))) if str(e.get("timestamp")).isdigit() else 0,
        )
        count = 0
        for index, event in enumerate(ordered, start=1):
            turn = _turn(event, index, names, source)
            if turn is not None:
                count += 1
                turn.id = str(count)
                yield turn
        if count == 0:
            raise source.error(f"no messages in the chat {_title(conversation)!r}")
