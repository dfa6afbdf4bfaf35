"""Reading labelled turns (the corpus, a coder's file) and prediction files, strictly.

A labelled file is JSON Lines, one turn per line, with ``speaker``, ``text``
and ``move``, optionally ``cue``, ``safety`` (a list of flags), ``conversation``,
``time``, ``hard_negative`` and ``kind``. Anything that would make a score wrong
(an unknown label, a missing field, a broken line) stops with the line named.

``kind`` is either a turn's kind (``message``, ``media``, ``system``) or, in the
safety sets (``corpus/safety/*.jsonl``), the kind of example a line is:
:data:`EXAMPLE_KINDS` says what each such kind means for the turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..codebook import LabelError, check_label
from ..errors import InputError
from ..ingest.message_list import is_message_list, labelled, separate, unanswered
from ..ingest.source import Source
from ..model import Turn


#: Kinds of example (the safety sets' ``kind``), each read as a chat message, with whether it is a
#: hard negative (a turn that looks dangerous and is not). A line's own ``hard_negative``, when
#: given, must agree: a set whose two fields disagree would score the screen wrongly.
EXAMPLE_KINDS: dict[str, bool] = {"positive": False, "hard_negative": True}


@dataclass(frozen=True, slots=True)
class LabelledTurn:
    turn: Turn
    move: str
    cue: str | None
    safety: tuple[str, ...]
    hard_negative: bool
    line: int


def _objects(path: Path) -> Iterator[tuple[int, dict]]:
    source = Source(path)
    try:
        with source.text_stream() as stream:
            head = stream.read(4096).lstrip("\ufeff \t\r\n")
    except (OSError, UnicodeDecodeError):
        head = ""  # the reading below names what is wrong, with its line
    if head and not head.startswith("{"):
        # a CSV sheet or a JSON list, which 'parse' and 'classify' read: say what eval needs, not "broken JSON"
        raise InputError(path, "eval reads JSON Lines: one object per line with 'text' and 'move'", line=1,
                         hint="a CSV sheet or a JSON list of labelled messages needs converting first")
    return source.iter_objects()


def _checked_cue(path: Path, number: int, data: dict, safety: list | tuple = ()) -> str | None:
    """The line's cue, once its move, cue and flags are the codebook's (else the line is named)."""
    cue = data.get("cue") or None
    try:
        check_label(data["move"], cue, safety, require_cue=False)
    except LabelError as error:
        raise InputError(path, str(error), line=number) from None
    return cue


def read_labelled(path: str | Path) -> list[LabelledTurn]:
    """All labelled turns of ``path``; InputError naming the line on any problem."""
    path = Path(path)
    rows: list[LabelledTurn] = []
    ordered = False  # some line has a time or names its conversation
    examples = True  # every line a data set's labelled example ("label"), as the JSON Lines reader asks
    for number, data in _objects(path):
        ordered = ordered or not unanswered(data)
        examples = examples and labelled(data)
        for required in ("text", "move"):
            if required not in data:
                raise InputError(path, f"missing field {required!r}", line=number)
        if not isinstance(data["text"], str):
            raise InputError(path, "field 'text' must be a string", line=number)
        safety = data.get("safety") or []
        if not isinstance(safety, list):
            raise InputError(path, "field 'safety' must be a list of flags", line=number)
        cue = _checked_cue(path, number, data, safety)
        fields = {**data, "id": data.get("id", data.get("turn", number))}
        hard_negative = bool(data.get("hard_negative"))
        example = fields.get("kind")
        if isinstance(example, str) and example in EXAMPLE_KINDS:
            if "hard_negative" in data and hard_negative != EXAMPLE_KINDS[example]:
                raise InputError(path, f"kind {example!r} disagrees with hard_negative {data['hard_negative']!r}",
                                 line=number)
            fields["kind"], hard_negative = "message", EXAMPLE_KINDS[example]
        try:
            turn = Turn.from_json(fields)
        except ValueError as error:
            raise InputError(path, str(error), line=number) from None
        rows.append(LabelledTurn(turn, data["move"], cue, tuple(safety), hard_negative, number))
    if not rows:
        raise InputError(path, "no labelled turns in the file")
    writers = len({row.turn.speaker for row in rows} - {None})
    if is_message_list(len(rows), writers, ordered, all_labelled=examples):
        # separate messages (one writer's, or many people's), read as 'classify' reads them: each line a dialogue
        rows = [replace(row, turn=separate(row.turn, row.line)) for row in rows]
    return rows


def group_dialogues(rows: list[LabelledTurn]) -> list[list[LabelledTurn]]:
    """Consecutive turns of one ``conversation`` form a dialogue (the whole file if unnamed)."""
    dialogues: list[list[LabelledTurn]] = []
    current: str | None | object = object()
    for row in rows:
        if row.turn.conversation != current:
            dialogues.append([])
            current = row.turn.conversation
        dialogues[-1].append(row)
    return dialogues


def read_predictions(path: str | Path, expected: int) -> list[tuple[str, str | None]]:
    """(move, cue) per line of a predictions file, which must have ``expected`` lines."""
    path = Path(path)
    found: list[tuple[str, str | None]] = []
    for number, data in _objects(path):
        if "move" not in data:
            raise InputError(path, "missing field 'move'", line=number)
        found.append((data["move"], _checked_cue(path, number, data)))
    if len(found) != expected:
        raise InputError(
            path,
            f"has {len(found)} predictions for {expected} labelled turns",
            hint="a predictions file needs one line per labelled turn, in the same order",
        )
    return found
