"""Lists of separate messages: rows that nobody answers, read each as a conversation of its own.

A file of messages (a dataset of single messages, a test set of safety
messages) is not one chat. When its rows have no time and no conversation
(under any tool's name) and are written by one person, by nobody named, or by
so many people that they cannot be one couple's or family's talk, the turns
before a message are not its context: a move read from them would be
invented, and a danger sign carried over from an unrelated message would be a
false alarm. Every reader of rows (JSON Lines, CSV, a JSON list) asks
:func:`is_message_list` and, when it says so, gives each row a conversation of
its own (:func:`separate`) and warns once (:func:`warning`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..codebook import CUES, Move
from ..model import Turn
from .clocks import CLOCKS
from .columns import COLUMNS

#: The writer of a list of messages that names nobody.
UNNAMED = "unnamed"
#: Unanswered rows by this many speakers or more are a list of messages, not one conversation.
MANY_WRITERS = 6
#: Keys that make a speaker-less row a transcript segment (it needs a speaker), not a message.
SEGMENT_KEYS = ("start", "end", "start_time", "end_time")
#: Keys that order or group rows, under cyclemap's names and other tools' (a "timestamp" is a clock too).
ORDER_KEYS = (*COLUMNS["time"], *CLOCKS, *COLUMNS["conversation"])
#: Keys of structured server logs (python-json-logger, bunyan, pino, logstash): their "name"/"user" and
#: "message" are a logger and an event, not a speaker and words.
LOG_KEYS = ("level", "levelname", "severity", "loglevel", "log_level", "hostname", "pid", "logger",
            "logger_name", "@timestamp", "@version")
#: Keys of a labelled data set (a test set of safety messages: "label": "malicious"); rows that all carry
#: one, with no clock and no conversation, are examples gathered one by one (unless two people wrote
#: them: see :func:`is_message_list`).
LABEL_KEYS = ("label", "labels", "intent")
#: Where a row that names nobody keeps its words. Only "text": a lone "message" or "content" is a
#: log event or a request far more often than something a person wrote to another.
SPEAKERLESS_TEXT = ("text",)


def unanswered(data: Mapping[str, object], clocks: Iterable[str] = ()) -> bool:
    """A row with no time or conversation key (cyclemap's names, other tools', or ``clocks``) and
    no offset: nothing orders or groups it.

    Keys absent, not null: what 'cyclemap parse' writes ("conversation": null) stays one chat."""
    if data.get("offset") is not None:
        return False
    return not any(key in data for key in (*ORDER_KEYS, *clocks))


def speakerless_text(keys: Iterable[str]) -> str | None:
    """The key (as written, any case) of the words of a row that names nobody, or None when such a
    row is no message: no ``text``, or a server log's or a transcript segment's keys beside it."""
    written = {key.strip().lower(): key for key in keys if isinstance(key, str)}
    if any(key in written for key in (*LOG_KEYS, *SEGMENT_KEYS)):
        return None
    return next((written[name] for name in SPEAKERLESS_TEXT if name in written), None)


def separate_writers(count: int) -> bool:
    """Whether unanswered rows (no time, no conversation) by ``count`` speakers are separate messages:
    one writer's (nobody answers), or :data:`MANY_WRITERS` or more (a list gathered from many people;
    a conversation of that many, with no clock and no name, is no one's chat export)."""
    return count <= 1 or count >= MANY_WRITERS


def labelled(row: Mapping[str, object] | Iterable[str]) -> bool:
    """Whether a row carries a data set's label (:data:`LABEL_KEYS`, any case). Given the row's values
    too, a label that is a codebook move or cue ("pursue", "criticize") does not count: that is a coded
    conversation (a therapist's transcript, coded turn by turn), whose turns need each other."""
    values = row if isinstance(row, Mapping) else dict.fromkeys(row)
    found = [value for key, value in values.items() if isinstance(key, str) and key.strip().lower() in LABEL_KEYS]
    return bool(found) and not any(coded(value) for value in found)


def coded(value: object) -> bool:
    """Whether a label is one of the codebook's moves or cues."""
    return isinstance(value, str) and value.strip().lower() in _CODEBOOK_LABELS


_CODEBOOK_LABELS = frozenset({*(move.value for move in Move), *CUES})


def is_message_list(rows: int, speakers: int, ordered: bool, all_labelled: bool = False) -> bool:
    """Whether ``rows`` rows by ``speakers`` people are separate messages: two or more, none ordered
    or grouped (``ordered``: some row has a time or a conversation), by one writer, none or many,
    or every row labelled (``all_labelled``: a data set's examples) by other than two writers: two who
    take turns are more likely a couple's conversation labelled turn by turn, and reading it as separate
    messages would take every turn's context away."""
    examples = all_labelled and speakers != 2
    return not ordered and rows > 1 and (examples or separate_writers(speakers))


def separate(turn: Turn, number: int) -> Turn:
    """The turn as a conversation of its own, named after its row (its line, its place in the list)."""
    return replace(turn, conversation=f"message-{number}")


def warning(label: str, unit: str = "line", all_labelled: bool = False) -> str:
    """The one warning a message list gets; ``unit``: what a row is called in this format."""
    why = "labelled examples with no times and no conversations" if all_labelled else (
        "no times, no conversations and one writer or many")
    return f"{label}: {why}: each {unit} is read as a separate message"
