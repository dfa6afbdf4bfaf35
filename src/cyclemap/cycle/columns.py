"""A coded sequence held as columns: what a million-message chat needs, in bounded memory.

Every cycle analysis reads a coded sequence (:mod:`.coded`). Held as one
:class:`~.coded.CodedTurn` object per event, with its text and its time, a
chat of a million messages takes about a gigabyte; held as columns it takes a
small fraction of that:

* NumPy arrays, one value per event: move code, cue code, speaker id,
  conversation id, source (turn, silence, burst), the turn's index, the
  confidence, and the time as int64 microseconds of the wall clock with the
  UTC offset beside it (so gaps between aware times stay exact);
* the content words of every written turn as word ids (for the episodes'
  topics), and each conversation's document frequencies;
* texts and turn ids as compressed UTF-8 blocks, read back only for the
  few turns a document quotes. Only the texts of pursue, withdraw and
  soften turns are kept: hot moments and example exchanges never quote a
  neutral turn (a neutral event never raises the tension to a peak).

The public functions of :mod:`.sequential`, :mod:`.patterns`,
:mod:`.episodes` and :mod:`.trends` still take ``CodedTurn`` sequences; they
turn them into columns with :func:`columns_of` and share one implementation
with the streaming path (:func:`.coding.coded_columns`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import zlib
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

import numpy as np

from ..codebook import Move
from .coded import CodedTurn, move_of

#: Move codes: the index into CODES (pursue, withdraw, soften, neutral); UNKNOWN is outside the codebook.
MOVE_CODES: dict[str, int] = {m.value: i for i, m in enumerate((Move.PURSUE, Move.WITHDRAW, Move.SOFTEN, Move.NEUTRAL))}
MOVES: tuple[Move, ...] = (Move.PURSUE, Move.WITHDRAW, Move.SOFTEN, Move.NEUTRAL)
PURSUE, WITHDRAW, SOFTEN, NEUTRAL, UNKNOWN = 0, 1, 2, 3, 4
SOURCES: tuple[str, ...] = ("turn", "silence", "burst")
NO_TIME = np.iinfo(np.int64).min
NAIVE = np.iinfo(np.int32).min
EPOCH = datetime(1970, 1, 1)
DAY_US = 86_400_000_000
_BLOCK = 4096  # rows gathered in Python lists before they become arrays
_GIVE_BACK_EVERY = 64  # blocks between two returns of freed memory to the system (about 256k turns)
_KNOWN_TEXTS = 20_000  # texts whose words are remembered (chats repeat "ok", "love you", ...)


def _libc(name: str) -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):  # not glibc (musl, ...): nothing to do
        return None


_TRIM = _libc("malloc_trim")
_MALLOPT = _libc("mallopt")
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
_OWN_PAGES = 256 * 1024  # allocations this large get pages of their own


def own_pages() -> None:
    """From now on give every large allocation (a temporary array) pages of its own, unmapped when freed.

    Why: glibc raises its threshold for that to the size of the largest block
    freed so far (up to 32 MiB), so on a long chat every array of the later
    steps comes from the shared heap, where what one step freed stays resident
    and adds to the next step's peak. Setting the threshold turns that
    adjustment off for the rest of the process. Not called before the
    permutations: they make and drop the same arrays thousands of times, and
    fresh pages each time would cost more in page faults than they save.
    Elsewhere than glibc: nothing.
    """
    if _MALLOPT is not None:
        _MALLOPT(_M_MMAP_THRESHOLD, _OWN_PAGES)


def give_back() -> None:
    """Return the heap's free pages to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Why: a long chat's turns are made and dropped by the million while the
    columns' blocks stay; the freed memory between them is reused but never
    returned, and the peak resident memory would grow with the chat.
    """
    if _TRIM is not None:
        _TRIM(0)


class StringColumn:
    """Strings (or None), block by block, each block's UTF-8 compressed: a few bytes a string, not ~60.

    A document quotes few texts (hot moments, example exchanges), mostly in
    order, so the last block read is kept decompressed.
    """

    def __init__(self) -> None:
        self._blocks: list[bytes] = []
        self._starts = array("q")  # index of each block's first string
        self._ends = array("i")  # end of each string within its block (4 bytes)
        self._none: set[int] = set()
        self._size = 0
        self._compressed = 0
        self._cached: tuple[int, bytes] = (-1, b"")

    def extend(self, values: Sequence[str | None]) -> None:
        if not values:
            return
        if None in values:
            self._none.update(self._size + k for k, value in enumerate(values) if value is None)
            values = ["" if value is None else value for value in values]
        encoded = [value.encode("utf-8", "surrogatepass") for value in values]  # type: ignore[union-attr]
        ends = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)))
        self._ends.frombytes(ends.astype(np.int32).tobytes())
        block = zlib.compress(b"".join(encoded), 1)
        self._blocks.append(block)
        self._compressed += len(block)
        self._starts.append(self._size)
        self._size += len(values)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: int) -> str | None:
        if i in self._none:
            return None
        if not 0 <= i < self._size:
            raise IndexError("string index out of range")
        number = bisect_right(self._starts, i) - 1
        if self._cached[0] != number:
            self._cached = (number, zlib.decompress(self._blocks[number]))
        first = self._starts[number]
        start = self._ends[i - 1] if i > first else 0
        return self._cached[1][start:self._ends[i]].decode("utf-8", "surrogatepass")

    @property
    def nbytes(self) -> int:
        return self._compressed + self._ends.itemsize * len(self._ends) + 8 * len(self._starts)


class MergedStrings:
    """The strings of the turns and of the timing events, read in the merged order through ``slot``."""

    def __init__(self, turns: StringColumn, events: StringColumn, slot: np.ndarray | None) -> None:
        self._turns, self._events, self._slot = turns, events, slot

    def __len__(self) -> int:
        return len(self._turns) + len(self._events)

    def __getitem__(self, i: int) -> str | None:
        if self._slot is None:
            return self._turns[i]
        k = int(self._slot[i])
        return self._turns[k] if k >= 0 else self._events[-1 - k]

    @property
    def nbytes(self) -> int:
        return self._turns.nbytes + self._events.nbytes + (0 if self._slot is None else self._slot.nbytes)


class CodedColumns:
    """One or more conversations' coded events, back to back, as columns (see the module docstring)."""

    def __init__(self, **arrays: Any) -> None:
        self.move: np.ndarray = arrays["move"]  # int8
        self.cue: np.ndarray = arrays["cue"]  # int16 into cues, -1: none
        self.speaker: np.ndarray = arrays["speaker"]  # int32 into speakers
        self.conversation: np.ndarray = arrays["conversation"]  # int32 into conversations
        self.source: np.ndarray = arrays["source"]  # int8 into SOURCES
        self.index: np.ndarray = arrays["index"]  # int32 (int64 past 2**31 turns)
        self.confidence: np.ndarray = arrays["confidence"]  # float64
        self.wall: np.ndarray = arrays["wall"]  # int64 microseconds since 1970 on the wall clock, NO_TIME
        self.offset: np.ndarray = arrays["offset"]  # int32 UTC offset in seconds, NAIVE (one shared value if all are)
        self.text: MergedStrings = arrays["text"]
        self.turn_id: MergedStrings = arrays["turn_id"]
        self.token_ends: np.ndarray = arrays["token_ends"]  # the end of each event's word ids (int32 or int64)
        self.tokens: np.ndarray = arrays["tokens"]  # into vocabulary (uint16 when it is small enough)
        self.vocabulary: list[str] = arrays["vocabulary"]
        self.cues: list[str] = arrays["cues"]
        self.speakers: list[str] = arrays["speakers"]
        self.conversations: list[str | None] = arrays["conversations"]  # every one seen, empty ones too
        self.document_frequency: dict[int, tuple[int, Counter[int]]] = arrays["document_frequency"]  # by word id
        self.tzinfos: dict[int, tzinfo] = arrays["tzinfos"]
        self.aware = bool(self.tzinfos)  # some time has a UTC offset (else every gap is a wall-clock gap)

    def __len__(self) -> int:
        return len(self.move)

    # --- one event -------------------------------------------------------

    def time(self, i: int) -> datetime | None:
        wall = int(self.wall[i])
        if wall == NO_TIME:
            return None
        moment = EPOCH + timedelta(microseconds=wall)
        offset = int(self.offset[i])
        return moment if offset == NAIVE else moment.replace(tzinfo=self.tzinfos[offset])

    def cue_at(self, i: int) -> str | None:
        code = int(self.cue[i])
        return None if code < 0 else self.cues[code]

    def move_at(self, i: int) -> Move:
        """The move (an unknown one reads as neutral)."""
        return MOVES[min(int(self.move[i]), NEUTRAL)]

    def seconds_between(self, later: int, earlier: int) -> float:
        """``(time[later] - time[earlier]).total_seconds()``; wall clocks when one is naive."""
        diff = int(self.wall[later]) - int(self.wall[earlier])
        a, b = int(self.offset[later]), int(self.offset[earlier])
        if a != NAIVE and b != NAIVE:
            diff -= (a - b) * 1_000_000
        return timedelta(microseconds=diff).total_seconds()

    def coded_turn(self, i: int) -> CodedTurn:
        move = int(self.move[i])
        return CodedTurn(
            index=int(self.index[i]), speaker=self.speakers[int(self.speaker[i])],
            move=MOVES[move] if move < UNKNOWN else Move.NEUTRAL, cue=self.cue_at(i), time=self.time(i),
            text=self.text[i] or "", conversation=self.conversations[int(self.conversation[i])],
            source=SOURCES[int(self.source[i])], turn_id=self.turn_id[i],  # type: ignore[arg-type]
            confidence=float(self.confidence[i]),
        )

    # --- whole columns ---------------------------------------------------

    def instants(self) -> np.ndarray:
        """Microseconds to compare times by: the instant when aware, the wall clock when naive."""
        if not self.aware:
            return self.wall
        aware = self.offset != NAIVE
        return np.where(aware, self.wall - self.offset.astype(np.int64) * 1_000_000, self.wall)

    def days(self) -> np.ndarray:
        """Each event's wall-clock day (days since 1970); meaningless where there is no time."""
        return self.wall // DAY_US

    @property
    def nbytes(self) -> int:
        arrays = (self.move, self.cue, self.speaker, self.conversation, self.source, self.index,
                  self.confidence, self.wall, self.offset, self.token_ends, self.tokens)
        return sum(a.nbytes for a in arrays) + self.text.nbytes + self.turn_id.nbytes


_TYPES = (np.int8, np.int16, np.int32, np.int32, np.int64, np.float64, np.int64, np.int32, np.int8, np.int64)
_NAMES = ("move", "cue", "speaker", "conversation", "index", "confidence", "wall", "offset", "source", "after")


class ColumnsBuilder:
    """Builds :class:`CodedColumns` from turns and timing events given in order, block by block.

    A timing event is given with the position of the written turn it follows
    (:meth:`add_turn` returns it); events follow their turn in the result, in
    the order they were given. Rows wait as tuples in a block of a few
    thousand, then become arrays.
    """

    def __init__(self) -> None:
        from .episodes import words  # the topic's words; episodes imports this module

        self._words = words
        self._cue_ids: dict[str | None, int] = {None: -1}
        self.cues: list[str] = []
        self._speaker_ids: dict[str, int] = {}
        self.speakers: list[str] = []
        self._conversation_ids: dict[str | None, int] = {}
        self.conversations: list[str | None] = []
        self._move_ids: dict[object, int] = {}
        self._word_ids: dict[str, int] = {}
        self.vocabulary: list[str] = []
        self.document_frequency: dict[int, tuple[int, Counter[int]]] = {}  # conversation -> turns, word id counts
        self.tzinfos: dict[int, tzinfo] = {}
        self.unknown = 0
        # per table (turn, event): rows of numbers, texts, ids, words; and the finished blocks
        self._rows: dict[str, list[tuple]] = {"turn": [], "event": []}
        self._strings: dict[str, tuple[list, list]] = {"turn": ([], []), "event": ([], [])}
        self._words_of: list[tuple[int, ...]] = []
        self._known: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}  # text -> its word ids, and each once
        self._blocks: dict[str, list[list[np.ndarray]]] = {"turn": [], "event": []}
        self._token_blocks: list[tuple[np.ndarray, np.ndarray]] = []
        self._flushes = 0
        self._texts = {"turn": StringColumn(), "event": StringColumn()}
        self._ids = {"turn": StringColumn(), "event": StringColumn()}
        self.turns = 0

    # --- ids -------------------------------------------------------------

    def conversation_id(self, name: str | None) -> int:
        found = self._conversation_ids.get(name)
        if found is None:
            found = self._conversation_ids[name] = len(self.conversations)
            self.conversations.append(name)
        return found

    def _speaker(self, name: str) -> int:
        found = self._speaker_ids.get(name)
        if found is None:
            found = self._speaker_ids[name] = len(self.speakers)
            self.speakers.append(name)
        return found

    def _word_id(self, word: str) -> int:
        found = self._word_ids.get(word)
        if found is None:
            found = self._word_ids[word] = len(self.vocabulary)
            self.vocabulary.append(word)
        return found

    def _cue(self, cue: str | None) -> int:
        found = self._cue_ids.get(cue)
        if found is None:
            found = self._cue_ids[cue] = len(self.cues)
            self.cues.append(cue)  # type: ignore[arg-type]
        return found

    def _move(self, move: object) -> int:
        found = self._move_ids.get(move)
        if found is None:
            try:
                found = MOVE_CODES[move_of(move).value]
            except ValueError:
                self.unknown += 1
                return UNKNOWN
            self._move_ids[move] = found
        return found

    def _time(self, moment: datetime | None) -> tuple[int, int]:
        if moment is None:
            return NO_TIME, NAIVE
        if moment.tzinfo is None:
            delta = moment - EPOCH
            return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds, NAIVE
        offset = moment.utcoffset()
        if offset is None:  # a tzinfo that knows no offset: a wall clock
            return self._time(moment.replace(tzinfo=None))
        seconds = int(offset.total_seconds())
        if seconds not in self.tzinfos:
            self.tzinfos[seconds] = timezone(timedelta(seconds=seconds))
        return self._time(moment.replace(tzinfo=None))[0], seconds

    # --- rows ------------------------------------------------------------

    def add_turn(self, *, index: int, speaker: str, move: object, cue: str | None, time: datetime | None,
                 text: str, conversation: int, turn_id: str | None, confidence: float = 1.0) -> int:
        """A written turn; returns its position among the turns (for its events)."""
        known = self._known.get(text)
        if known is None:
            found = self._words(text)
            ids = tuple(map(self._word_ids.get, found))  # type: ignore[arg-type]
            if None in ids:
                ids = tuple(map(self._word_id, found))
            known = (ids, tuple(set(ids)))
            if len(self._known) >= _KNOWN_TEXTS:  # bounded: start again
                self._known.clear()
            self._known[text] = known
        count, df = self.document_frequency.get(conversation) or (0, Counter())
        df.update(known[1])
        self.document_frequency[conversation] = (count + 1, df)
        speaker_id = self._speaker_ids.get(speaker)
        if speaker_id is None:
            speaker_id = self._speaker(speaker)
        cue_id = self._cue_ids.get(cue)
        if cue_id is None:
            cue_id = self._cue(cue)
        move_id = self._move_ids.get(move)
        if move_id is None:
            move_id = self._move(move)
        if time is not None and time.tzinfo is None:
            delta = time - EPOCH
            wall, offset = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds, NAIVE
        else:
            wall, offset = self._time(time)
        rows = self._rows["turn"]
        rows.append((move_id, cue_id, speaker_id, conversation, index, confidence, wall, offset, 0, -1))
        texts, ids = self._strings["turn"]
        texts.append(text if move_id < NEUTRAL else "")  # no document quotes a neutral turn
        ids.append(turn_id)
        self._words_of.append(known[0])
        if len(rows) >= _BLOCK:
            self._flush("turn")
        self.turns += 1
        return self.turns - 1

    def add_event(self, after: int, *, kind: str, index: int, speaker: str, move: object, cue: str | None,
                  time: datetime | None, text: str, conversation: int, turn_id: str | None,
                  confidence: float = 1.0) -> None:
        """A timing event (``kind`` silence or burst) that follows the turn at position ``after``."""
        wall, offset = self._time(time)
        self._add_event(after, (self._move(move), self._cue(cue), self._speaker(speaker), conversation, index,
                                confidence, wall, offset, SOURCES.index(kind), after), text, turn_id)

    def _add_event(self, after: int, row: tuple, text: str, turn_id: str | None) -> None:
        rows = self._rows["event"]
        rows.append(row)
        texts, ids = self._strings["event"]
        texts.append(text)
        ids.append(turn_id)
        if len(rows) >= _BLOCK:
            self._flush("event")

    def turn_fields(self, position: int) -> tuple[int, int, str | None, int]:
        """Wall time, offset, id and index of the turn at ``position`` (for the events that follow it)."""
        chunk, k = divmod(position, _BLOCK)
        blocks = self._blocks["turn"]
        if chunk < len(blocks):
            block = blocks[chunk]
            return int(block[6][k]), int(block[7][k]), self._ids["turn"][position], int(block[4][k])
        row = self._rows["turn"][k]
        return row[6], row[7], self._strings["turn"][1][k], row[4]

    def add_raw_event(self, after: int, *, kind: str, speaker: str, move: object, cue: str | None,
                      time: datetime | None, text: str, conversation: int) -> None:
        """A timing event that takes its index and id (and, with ``time`` None, its time) from its turn."""
        wall, offset, turn_id, index = self.turn_fields(after)
        if time is not None:
            wall, offset = self._time(time)
        self._add_event(after, (self._move(move), self._cue(cue), self._speaker(speaker), conversation, index,
                                1.0, wall, offset, SOURCES.index(kind), after), text, turn_id)

    def _flush(self, table: str) -> None:
        rows = self._rows[table]
        if not rows:
            return
        columns = list(zip(*rows))
        # the turn's index and position as int32 when they fit (every block, in practice): half the memory
        self._blocks[table].append([_narrow(np.array(column, dtype)) if name in ("index", "after")
                                    else np.array(column, dtype) for column, dtype, name in zip(columns, _TYPES, _NAMES)])
        rows.clear()
        texts, ids = self._strings[table]
        self._texts[table].extend(texts)
        self._ids[table].extend(ids)
        texts.clear()
        ids.clear()
        if table == "turn":
            self._flushes += 1
            if self._flushes % _GIVE_BACK_EVERY == 0:
                give_back()
            lists = self._words_of
            lengths = np.fromiter(map(len, lists), np.int32, len(lists))
            flat = np.fromiter(chain.from_iterable(lists), np.int32, int(lengths.sum(dtype=np.int64)))
            if len(flat) and flat.max() <= np.iinfo(np.uint16).max:  # word ids of a small vocabulary: 2 bytes
                flat = flat.astype(np.uint16)
            self._token_blocks.append((lengths, flat))
            lists.clear()

    def _column(self, table: str, k: int) -> np.ndarray:
        """Column ``k`` of a table, its blocks joined (and dropped, so only one copy is ever held)."""
        blocks = self._blocks[table]
        parts = [b[k] for b in blocks]
        for b in blocks:
            b[k] = None  # type: ignore[call-overload]
        return np.concatenate(parts) if parts else np.zeros(0, _TYPES[k])

    def finish(self) -> CodedColumns:
        """The columns, each turn followed by its events (built one column at a time, to bound the peak)."""
        self._flush("turn")
        self._flush("event")
        give_back()  # what the stream of turns left behind, before the columns are joined
        n, m = sum(len(b[0]) for b in self._blocks["turn"]), sum(len(b[0]) for b in self._blocks["event"])
        after = self._column("event", _NAMES.index("after"))
        order = np.argsort(after, kind="stable")  # events of one turn keep their order
        # event e (in order) lands right after its turn, behind the e events before it
        event_at = after[order] + 1 + np.arange(m, dtype=np.int64)
        del after
        total = n + m
        turn = np.ones(total, bool)  # where the turns go, in order: a mask, not an index (1 byte an event)
        turn[event_at] = False
        merged: dict[str, Any] = {}
        for k, name in enumerate(_NAMES[:-1]):
            kinds = [b[k].dtype for table in ("turn", "event") for b in self._blocks[table]]
            column = np.empty(total, np.result_type(*kinds) if kinds else _TYPES[k])
            column[turn] = self._column("turn", k)
            column[event_at] = self._column("event", k)[order]
            merged[name] = _narrow(column) if name == "index" else column
            del column
        self._blocks = {"turn": [], "event": []}
        tokens = sum(len(b[1]) for b in self._token_blocks)
        lengths = np.zeros(total, np.int32 if tokens < 2**31 else np.int64)
        if self._token_blocks:
            lengths[turn] = np.concatenate([b[0] for b in self._token_blocks])
            small = np.uint16 if len(self.vocabulary) <= np.iinfo(np.uint16).max else np.int32
            merged["tokens"] = np.concatenate([b[1] for b in self._token_blocks], dtype=small, casting="unsafe")
        else:
            merged["tokens"] = np.zeros(0, np.int32)
        self._token_blocks.clear()
        merged["token_ends"] = np.cumsum(lengths, dtype=lengths.dtype)
        del lengths
        if not self.tzinfos:  # no time has an offset: one shared value, no memory
            merged["offset"] = np.broadcast_to(np.int32(NAIVE), (total,))
        slot = None
        if m:  # >= 0: a turn's string, < 0: -1 - an event's
            kind = np.int32 if total < 2**31 else np.int64
            slot = np.empty(total, kind)
            slot[turn] = np.arange(n, dtype=kind)
            slot[event_at] = -1 - order
        del turn
        give_back()  # the blocks just joined
        merged["text"] = MergedStrings(self._texts["turn"], self._texts["event"], slot)
        merged["turn_id"] = MergedStrings(self._ids["turn"], self._ids["event"], slot)
        return CodedColumns(
            **merged, vocabulary=self.vocabulary, cues=self.cues, speakers=self.speakers,
            conversations=self.conversations, document_frequency=self.document_frequency, tzinfos=self.tzinfos,
        )


def _narrow(column: np.ndarray) -> np.ndarray:
    """An int64 column as int32 when its values fit (half the memory)."""
    if len(column) and (column.max() >= 2**31 or column.min() < -(2**31)):
        return column
    return column.astype(np.int32, copy=False)


def columns_of(sequence: Iterable[CodedTurn]) -> CodedColumns:
    """Columns holding ``sequence`` as given (events where they stand), for the public CodedTurn API."""
    builder = ColumnsBuilder()
    last_turn = -1
    for turn in sequence:
        conversation = builder.conversation_id(turn.conversation)
        if turn.source == "turn":
            last_turn = builder.add_turn(
                index=turn.index, speaker=turn.speaker, move=turn.move, cue=turn.cue, time=turn.time,
                text=turn.text, conversation=conversation, turn_id=turn.turn_id, confidence=turn.confidence,
            )
            continue
        builder.add_event(last_turn, kind=turn.source, index=turn.index, speaker=turn.speaker, move=turn.move,
                          cue=turn.cue, time=turn.time, text=turn.text, conversation=conversation,
                          turn_id=turn.turn_id, confidence=turn.confidence)
    return builder.finish()
