"""JSON Lines in the chat-model shape: ``{"role", "content"}`` per line, or a conversation per line.

Chat tools and datasets for language models write two shapes::

    {"role": "user", "content": "why didn't you call?"}
    {"role": "assistant", "content": "I was in a meeting"}

    {"messages": [{"role": "system", "content": "…"}, {"role": "user", "content": "…"}, …]}

(ShareGPT writes ``{"conversations": [{"from": "human", "value": "…"}]}``, others
``{"turns": [{"role": "user", "text": "…"}]}``.) What a person expects:

* **Roles are the speakers** ("user", "assistant", "human", "gpt"), as written.
* **Instructions are not turns.** ``system`` and ``developer`` lines set up a model; ``tool`` and
  ``function`` lines are a program's answers. Nobody in the conversation said them, so they are
  left out, as are messages without words (a tool call).
* **One line of ``messages`` is one conversation**, named by the line's ``id`` when it has one.
* **Lines of single messages** are one conversation, unless they are a list of separate messages
  (:mod:`..message_list`: no time and no conversation, one writer or many), as for any JSON Lines.

A content written in parts (``[{"type": "text", "text": "…"}, {"type": "image_url", …}]``) keeps its
text parts; a message of pictures only is a media turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...model import Turn
from .. import message_list
from ..source import ReadOptions, Source

#: Roles a chat model's messages carry; the first of each pair is the key, the second the words.
_SHAPES = (("role", "content"), ("from", "value"), ("role", "text"))
ROLES = frozenset({"user", "assistant", "system", "developer", "tool", "function", "model", "human", "gpt",
                   "bot", "ai", "ipython"})
#: Roles whose lines nobody in the conversation said.
NOT_SPOKEN = frozenset({"system", "developer", "tool", "function", "ipython"})
#: Where a line keeps its conversation.
_LIST_KEYS = ("messages", "conversations", "turns")


def _shape(item: Any) -> tuple[str, str] | None:
    """(role key, words key) of a chat model's message, or None when ``item`` is not one."""
    if not isinstance(item, dict):
        return None
    for role, words in _SHAPES:
        if isinstance(item.get(role), str) and item[role].lower() in ROLES and words in item:
            return role, words
    return None


def _conversation(data: dict) -> list | None:
    """The line's list of messages, when it holds one in the chat-model shape."""
    for key in _LIST_KEYS:
        items = data.get(key)
        if isinstance(items, list) and items and _shape(items[0]) is not None:
            return items
    return None


def is_chat_line(data: dict) -> bool:
    """Whether a JSON line is a chat model's message or conversation (a line that names its
    ``speaker`` is cyclemap's own, whatever else it holds)."""
    return "speaker" not in data and (_shape(data) is not None or _conversation(data) is not None)


def _words(value: Any) -> tuple[str, str] | None:
    """(text, kind) of a message's content; None when it has nothing to show (a tool call)."""
    if isinstance(value, str):
        return value, "message"
    if isinstance(value, list):
        parts = [part for part in value if isinstance(part, (str, dict))]
        texts = [part if isinstance(part, str) else part.get("text") for part in parts]
        text = "".join(t for t in texts if isinstance(t, str))
        if text:
            return text, "message"
        if parts:
            return "", "media"  # pictures or files only
    return None


def _turn(item: dict, turn_id: str, conversation: str | None, like: tuple[str, str] | None = None) -> Turn | None:
    """A spoken message as a turn, or None (an instruction, a program's answer, no words). ``like``: the
    shape of the conversation's first message; a message in it takes any role ("agent", "customer")."""
    shape = _shape(item)
    if shape is None and like is not None and isinstance(item, dict) and isinstance(item.get(like[0]), str) \
            and like[1] in item:
        shape = like
    if shape is None:
        return None
    role = item[shape[0]]
    words = _words(item[shape[1]])
    if role.lower() in NOT_SPOKEN or words is None:
        return None
    return Turn(turn_id, None, role, words[0], words[1], conversation=conversation)  # type: ignore[arg-type]


Objects = Callable[[], Iterable[tuple[int, Any]]]


def _message_list(objects: Objects) -> bool:
    """Whether single-message lines are separate messages: read ahead once to count writers."""
    speakers: set[str] = set()
    count = 0
    for _, data in objects():
        shape = _shape(data)
        if shape is None or not message_list.unanswered(data):
            return False  # a line the reading names, or an ordered one
        if data[shape[0]].lower() not in NOT_SPOKEN:
            count += 1
            if len(speakers) < message_list.MANY_WRITERS:
                speakers.add(data[shape[0]])
    return message_list.is_message_list(count, len(speakers), ordered=False)


def read_chat_lines(source: Source, options: ReadOptions,
                    objects: Objects | None = None) -> Iterator[tuple[int, Turn, dict]]:
    """(line number, turn, the object it stands for) for each spoken message, in order; ``objects``:
    where they come from instead of the file's lines (the items of a JSON list)."""
    objects = objects or source.iter_objects
    separate: bool | None = None
    spoken = 0  # a file of instructions and tool answers only is no chat: said on one line, not read as empty
    for number, data in objects():
        if not isinstance(data, dict):
            raise source.error(f"item {number} is not a JSON object", line=number)
        items = _conversation(data)
        if items is not None:
            like = _shape(items[0])
            name = data.get("id", data.get("conversation_id"))
            conversation = str(name) if isinstance(name, (str, int)) and not isinstance(name, bool) else f"chat-{number}"
            for index, item in enumerate(items, start=1):
                turn = _turn(item, f"{number}.{index}", conversation, like)
                if turn is not None:
                    spoken += 1
                    yield number, turn, turn.to_json()
            continue
        if _shape(data) is None:
            raise source.error("not a chat message: no role and content, and no list of messages", line=number,
                               hint='each line needs e.g. {"role": "user", "content": "…"}')
        if separate is None:
            separate = _message_list(objects)
            if separate:
                options.warn(message_list.warning(source.label))
        thread = data.get("conversation", data.get("conversation_id"))
        turn = _turn(data, str(data.get("id", number)), str(thread) if isinstance(thread, (str, int)) else None)
        if turn is not None:
            spoken += 1
            yield number, message_list.separate(turn, number) if separate else turn, data
    if not spoken:
        raise source.error("no message anyone in the chat wrote: only system, developer or tool lines, "
                           "or no words",
                           hint="a chat model's file needs user or assistant messages with content")
