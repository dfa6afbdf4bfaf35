"""Why there is no cycle to draw when cyclemap could not read most messages: emoji, or another language.

The analysis document counts the messages whose words were not read (``source.turns_not_read``)
without saying why. When those are most of the chat, the report should say plainly what they
were, because the two reasons call for different next steps: a chat written mostly in emoji says
nothing cyclemap can read as a move, while one in another language may be read in a future version.
So the callers that still hold the messages (the CLI's ``analyze``, the web app's import) count the
emoji-only ones here, for the report only; the analysis document itself is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..ingest import ReadOptions
from ..model import Turn
from ..moves.readable import unreadable

#: The count the report reads (in ``source``), beside the analysis' ``turns_not_read``.
KEY = "turns_only_emoji"


def written(doc: dict[str, Any]) -> int:
    """How many messages were labelled with a move (the analysis' own total)."""
    return sum(sum(counts.values()) for counts in (doc.get("moves") or {}).values())


def most_unread(doc: dict[str, Any]) -> bool:
    """Whether cyclemap could not read the words of more than half the messages (then no pattern is read)."""
    unread = int((doc.get("source") or {}).get("turns_not_read") or 0)
    return bool(unread) and 2 * unread > written(doc)


def mostly_emoji(doc: dict[str, Any]) -> bool:
    """Whether more than half the messages are emoji only."""
    emoji = int((doc.get("source") or {}).get(KEY) or 0)
    return bool(emoji) and 2 * emoji > written(doc)


def only_emoji(text: str) -> bool:
    found = unreadable(text or "")
    return found is not None and found.kind == "emoji"


def count_only_emoji(turns: Iterable[Turn]) -> int:
    """Messages (with a speaker) that are emoji and nothing else."""
    return sum(1 for turn in turns if turn.speaker and only_emoji(turn.text))


def with_emoji_count(doc: dict[str, Any], turns: Callable[[], Iterable[Turn]]) -> dict[str, Any]:
    """``doc`` with ``source.turns_only_emoji`` added when most messages were not read; else ``doc`` itself.

    ``turns`` is called only then (re-reading a chat costs a little; most chats never need it).
    """
    if not most_unread(doc) or KEY in (doc.get("source") or {}):
        return doc
    return {**doc, "source": {**(doc.get("source") or {}), KEY: count_only_emoji(turns())}}


#: The plain words, for every place that says why there is no cycle map.
EMOJI_HEADING = "Most messages here are emoji only"
EMOJI_KIND = ("Most of these messages are emoji only. cyclemap reads the words of a message to tell the move "
              "it makes, and an emoji on its own does not say which move it is, so there is no cycle to draw "
              "here. That says nothing about how the two of you get on; it is only what this program can read.")
EMOJI_LINE = "The cycle: none read - most messages are emoji only, which cyclemap cannot read as moves"


def emoji_counted(doc: dict[str, Any], path: Path, format: str = "auto", options: ReadOptions | None = None) -> dict[str, Any]:
    """:func:`with_emoji_count` for a chat file, read again quietly (its warnings were shown already)."""
    from ..classify import input_turns

    quiet = replace(options or ReadOptions(), warn=lambda _message: None)
    return with_emoji_count(doc, lambda: (turn for turn, _given in input_turns(Path(path), format, quiet)))
