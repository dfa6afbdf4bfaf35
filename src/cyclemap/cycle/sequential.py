"""Lag-sequential statistics over coded conversations (Bakeman & Quera; GSEQ; LagSequential).

For a directed pair of partners (giver A -> receiver B) and a lag L, the lag
table counts f_ij: A's code i at event t followed by B's code j at event t+L,
with both events in the same conversation (a lag never crosses from one
conversation into the next). Events are the coded sequence itself: turns and
the timing events already coded as their move. From the table's own margins
n_i+, n_+j and total N, every cell gets

    P(j|i) = f_ij / n_i+                     transitional probability
    e_ij   = n_i+ n_+j / N                   expected count under independence
    z      = (f_ij - e_ij) / sqrt(e_ij (1 - n_+j/N) (1 - n_i+/N))   adjusted residual
    Q      = (ad - bc) / (ad + bc)           Yule's Q of the 2x2 (i, not i) x (j, not j),
             a = f_ij, b = n_i+ - f_ij, c = n_+j - f_ij, d = N - n_i+ - n_+j + f_ij

and a permutation p-value. Pooling over conversations sums the tables first,
then computes (as GSEQ does for pooled sequences).

**Small counts.** A cell reports ``None``, with a ``reason``, for a statistic
its counts cannot carry:

* ``n_i+ < MIN_GIVEN`` (10): no P(j|i), z, Q or p. With fewer than ten
  occurrences of the given code, a probability moves in steps of more than
  0.1 and a single turn flips the conclusion.
* ``e_ij < MIN_EXPECTED`` (5): no z and no Q. The adjusted residual is
  read as a standard normal deviate, and that approximation is poor for
  small expected counts; 5 is the usual rule of thumb for chi-square cells.
  Q from such a table swings to +-1 on one or two events. P(j|i) and the exact
  permutation p are still given: they need no normal approximation.
* a given or target code that fills the whole table (``n_i+ = N`` or
  ``n_+j = N``): no z and no Q; there is nothing to contrast it with.

**Permutation test.** The null hypothesis is that a partner's codes are
exchangeable over that partner's own positions: codes are shuffled within
each (conversation, speaker) stratum, so who speaks when, each person's base
rates in each conversation and the conversation boundaries all stay as
observed, and only the order of each person's moves is broken. (Shuffling
all codes of a conversation together would also mix one partner's codes into
the other's turns, so any difference in base rates, e.g. one partner pursuing
more, would look like a sequential effect.) The statistic is the count f_ij;
p is two-sided, the share of permutations whose count is at least as far from
the permutation mean as the observed one, with the +1 correction so that p is
never 0: p = (1 + #extreme) / (1 + permutations). Permutations are drawn from
``numpy.random.default_rng(seed)``: the same input, seed and number of
permutations give the same p-values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import sqrt
from typing import Any

import numpy as np

from ..codebook import Move
from ..errors import UsageError
from .coded import CodedTurn
from .columns import UNKNOWN, CodedColumns, columns_of

#: The codes of every table, in this order.
CODES: tuple[str, ...] = (Move.PURSUE.value, Move.WITHDRAW.value, Move.SOFTEN.value, Move.NEUTRAL.value)
_CODE_INDEX = {code: i for i, code in enumerate(CODES)}
#: A given code must occur this often before its row is read at all.
MIN_GIVEN = 10
#: An expected count must reach this before z and Q are computed.
MIN_EXPECTED = 5.0
#: Random numbers held at once while permuting (bounds memory to some tens of MB).
_CHUNK_EVENTS = 2_000_000


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Cell:
    """The statistics of one transition ``given -> target``; ``None`` where counts are too small."""

    given: str
    target: str
    count: int
    expected: float | None
    probability: float | None
    z: float | None
    q: float | None
    p: float | None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "given": self.given,
            "target": self.target,
            "count": self.count,
            "expected": self.expected,
            "probability": self.probability,
            "z": self.z,
            "q": self.q,
            "p": self.p,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class LagTable:
    """Transitions from ``giver``'s code to ``receiver``'s code ``lag`` events later.

    ``giver``/``receiver`` None means any partner. ``conversation`` None means
    pooled over every conversation given. ``permutations`` is 0 when no
    permutation test was run (then every ``p`` is None).
    """

    giver: str | None
    receiver: str | None
    lag: int
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    cells: tuple[Cell, ...]
    permutations: int = 0
    seed: int | None = None
    conversation: str | None = None

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    def row_total(self, given: str) -> int:
        return sum(self.counts[self.rows.index(str(given))])

    def column_total(self, target: str) -> int:
        j = self.columns.index(str(target))
        return sum(row[j] for row in self.counts)

    def cell(self, given: str, target: str) -> Cell:
        i, j = self.rows.index(str(given)), self.columns.index(str(target))
        return self.cells[i * len(self.columns) + j]

    @property
    def reason(self) -> str | None:
        """Why the whole table says nothing, if it does not."""
        return None if self.total else f"no transitions at lag {self.lag}"

    def to_json(self) -> dict[str, Any]:
        return {
            "giver": self.giver,
            "receiver": self.receiver,
            "lag": self.lag,
            "conversation": self.conversation,
            "rows": list(self.rows),
            "columns": list(self.columns),
            "counts": [list(row) for row in self.counts],
            "total": self.total,
            "permutations": self.permutations,
            "seed": self.seed,
            "reason": self.reason,
            "cells": [cell.to_json() for cell in self.cells],
        }


# --------------------------------------------------------------------------- statistics


def table_from_counts(
    counts: Sequence[Sequence[int]] | np.ndarray,
    *,
    rows: Sequence[str] = CODES,
    columns: Sequence[str] = CODES,
    giver: str | None = None,
    receiver: str | None = None,
    lag: int = 1,
    permuted: np.ndarray | None = None,
    seed: int | None = None,
    conversation: str | None = None,
) -> LagTable:
    """The statistics of a table of counts (rows: given codes, columns: target codes).

    ``permuted`` holds the same table under each permutation, shape
    (permutations, rows, columns); without it no p-values are computed.
    """
    table = np.asarray(counts, dtype=np.int64)
    if table.shape != (len(rows), len(columns)):
        raise UsageError(
            f"a table of {len(rows)}x{len(columns)} counts was expected, got shape {table.shape}"
        )
    total = int(table.sum())
    row_totals, column_totals = table.sum(axis=1), table.sum(axis=0)
    p_values = _permutation_p(table, permuted) if permuted is not None and len(permuted) else None
    cells = []
    for i, given in enumerate(rows):
        for j, target in enumerate(columns):
            p = None if p_values is None else float(p_values[i, j])
            cells.append(
                _cell(
                    str(given),
                    str(target),
                    int(table[i, j]),
                    int(row_totals[i]),
                    int(column_totals[j]),
                    total,
                    p,
                )
            )
    return LagTable(
        giver=giver,
        receiver=receiver,
        lag=lag,
        rows=tuple(map(str, rows)),
        columns=tuple(map(str, columns)),
        counts=tuple(tuple(int(v) for v in row) for row in table),
        cells=tuple(cells),
        permutations=0 if permuted is None else len(permuted),
        seed=seed if permuted is not None and len(permuted) else None,
        conversation=conversation,
    )


def _cell(given: str, target: str, f: int, n_given: int, n_target: int, total: int, p: float | None) -> Cell:
    if total == 0:
        return Cell(given, target, f, None, None, None, None, None, "no transitions to estimate from")
    expected = n_given * n_target / total
    if n_given < MIN_GIVEN:
        reason = f"too few transitions from {given} ({n_given}; fewer than {MIN_GIVEN}) to estimate"
        return Cell(given, target, f, expected, None, None, None, None, reason)
    probability = f / n_given
    if expected < MIN_EXPECTED:
        reason = f"expected count {expected:.2f} is below {MIN_EXPECTED:g}: too few to estimate z or Q"
        return Cell(given, target, f, expected, probability, None, None, p, reason)
    if n_given == total or n_target == total:
        only = given if n_given == total else target
        reason = f"{only} is the only code on its side of the table: nothing to contrast it with"
        return Cell(given, target, f, expected, probability, None, None, p, reason)
    z = (f - expected) / sqrt(expected * (1 - n_target / total) * (1 - n_given / total))
    a, b, c = f, n_given - f, n_target - f
    d = total - n_given - n_target + f
    # ad + bc > 0 here: a zero would need an empty row or column, ruled out above.
    q = (a * d - b * c) / (a * d + b * c)
    return Cell(given, target, f, expected, probability, z, q, p, None)


def _permutation_p(observed: np.ndarray, permuted: np.ndarray) -> np.ndarray:
    """Two-sided: how often a permuted count lies as far from the permutation mean as the observed."""
    mean = permuted.mean(axis=0)
    # Counts are integers; the tolerance only absorbs rounding in the mean.
    extreme = np.abs(permuted - mean) >= np.abs(observed - mean) - 1e-9
    return (1 + extreme.sum(axis=0)) / (1 + len(permuted))


# --------------------------------------------------------------------------- input


def as_conversations(data: Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]]) -> list[list[CodedTurn]]:
    """Conversations from either one flat coded sequence or a list of them.

    A flat sequence is cut wherever ``CodedTurn.conversation`` changes (turns of
    one conversation are consecutive), so a researcher's batch file can be
    passed as it is. Empty conversations are dropped.
    """
    items: list[Any] = list(data)
    if not items:
        return []
    if isinstance(items[0], CodedTurn):
        groups: list[list[CodedTurn]] = []
        for turn in items:
            if not groups or turn.conversation != groups[-1][-1].conversation:
                groups.append([])
            groups[-1].append(turn)
        return groups
    return [list(sequence) for sequence in items if len(sequence)]


@dataclass(frozen=True)
class CodedView:
    """Some events of a :class:`~.columns.CodedColumns`, in reading order, cut into conversations.

    ``runs`` numbers each event's conversation (non-decreasing): a lag never
    crosses from one run into the next. A period or a topic is one run made
    of events from all over the chat.
    """

    cols: CodedColumns
    positions: np.ndarray  # int64 places in cols
    runs: np.ndarray  # int64, non-decreasing

    @classmethod
    def whole(cls, cols: CodedColumns) -> CodedView:
        """Every event, one run per conversation (cut where the conversation changes)."""
        changed = np.zeros(len(cols), np.int64)
        changed[1:] = cols.conversation[1:] != cols.conversation[:-1]
        return cls(cols, np.arange(len(cols), dtype=np.int64), np.cumsum(changed))

    @classmethod
    def one(cls, cols: CodedColumns, positions: np.ndarray) -> CodedView:
        """The events at ``positions`` read as one sequence."""
        positions = np.asarray(positions, np.int64)
        return cls(cols, positions, np.zeros(len(positions), np.int64))

    def __len__(self) -> int:
        return len(self.positions)

    def run_bounds(self) -> list[tuple[int, int]]:
        """(start, end) of each run in the view."""
        if not len(self.runs):
            return []
        cuts = np.flatnonzero(self.runs[1:] != self.runs[:-1]) + 1
        starts = np.concatenate([[0], cuts]).tolist()
        return list(zip(starts, [*starts[1:], len(self.runs)]))

    def part(self, start: int, end: int) -> CodedView:
        return CodedView(self.cols, self.positions[start:end], self.runs[start:end])

    def join(self, parts: Sequence[tuple[int, int]]) -> CodedView:
        """The runs' slices ``parts`` (start, end) back to back, each its own run."""
        if not parts:
            return CodedView(self.cols, np.zeros(0, np.int64), np.zeros(0, np.int64))
        positions = np.concatenate([self.positions[a:b] for a, b in parts])
        runs = np.repeat(np.arange(len(parts), dtype=np.int64), [b - a for a, b in parts])
        return CodedView(self.cols, positions, runs)

    def speaker_ids(self) -> np.ndarray:
        """The column speaker ids of the view's partners, in order of first appearance."""
        found, first = np.unique(self.cols.speaker[self.positions], return_index=True)
        return found[np.argsort(first)]

    def speakers(self) -> tuple[str, ...]:
        return tuple(self.cols.speakers[int(k)] for k in self.speaker_ids())


def as_view(data: CodedView | Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]]) -> CodedView:
    """A :class:`CodedView` of coded turns (as :func:`as_conversations` cuts them), or the view given."""
    if isinstance(data, CodedView):
        return data
    conversations = as_conversations(data)  # type: ignore[arg-type]
    cols = columns_of(t for c in conversations for t in c)
    sizes = [len(c) for c in conversations]
    runs = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    return CodedView(cols, np.arange(len(cols), dtype=np.int64), runs)


@dataclass(frozen=True)
class _Events:
    """Every event of every conversation as integer arrays, conversations back to back."""

    codes: np.ndarray  # int8, index into CODES
    speaker: np.ndarray  # int32, index into speakers
    conversation: np.ndarray  # int32 (int64 past 2**31 events), index into conversations
    speakers: tuple[str, ...]
    conversations: tuple[str, ...]

    @classmethod
    def of(cls, view: CodedView) -> _Events:
        cols, positions = view.cols, view.positions
        codes = cols.move[positions]
        if np.any(codes == UNKNOWN):
            raise ValueError("a move outside the codebook cannot be counted in a lag table")
        ids = view.speaker_ids()
        local = np.zeros(len(cols.speakers) + 1, np.int32)  # 4 bytes an event
        local[ids] = np.arange(len(ids))
        runs = view.runs - view.runs[0] if len(view.runs) else view.runs
        if len(runs):  # runs numbered 0, 1, 2, ... in order
            changed = np.zeros(len(runs), np.int64)
            changed[1:] = runs[1:] != runs[:-1]
            runs = np.cumsum(changed)
        names = tuple(
            cols.conversations[int(cols.conversation[positions[a]])] or str(k)
            for k, (a, _) in enumerate(view.run_bounds())
        )
        return cls(
            codes=codes.astype(np.int8),
            speaker=local[cols.speaker[positions]],
            conversation=runs.astype(np.int32 if len(runs) < 2**31 else np.int64),
            speakers=tuple(cols.speakers[int(k)] for k in ids),
            conversations=names,
        )

    def __len__(self) -> int:
        return len(self.codes)


def _pair_keys(events: _Events, lag: int) -> np.ndarray:
    """Each lag pair's table, times 16: (giver * S + receiver) * 16, or S * S * 16 across a conversation boundary.

    Held in the smallest unsigned type that fits (one byte for up to three partners), so that
    adding the two codes (0-15) gives each pair's bin without any 8-byte temporary.
    """
    s, k = len(events.speakers), len(CODES)
    width = (s * s + 1) * k * k
    kind = np.uint8 if width <= 256 else np.uint16 if width <= 65536 else np.int64
    same = events.conversation[:-lag] == events.conversation[lag:]
    table = np.where(same, events.speaker[:-lag] * s + events.speaker[lag:], s * s)
    return (table * (k * k)).astype(kind)


def _lag_counts(codes: np.ndarray, events: _Events, lag: int, keys: np.ndarray | None = None) -> np.ndarray:
    """Counts of every directed speaker pair at ``lag``: (sets, S, S, 4, 4) for codes of shape (sets, n).

    ``keys``: :func:`_pair_keys` of ``events`` and ``lag``, when already made.
    """
    sets, n = codes.shape
    s, k = len(events.speakers), len(CODES)
    used = s * s * k * k
    if n <= lag:
        return np.zeros((sets, s, s, k, k), np.int64)
    if keys is None:
        keys = _pair_keys(events, lag)
    width = used + k * k  # one extra table swallows the pairs that cross a conversation boundary
    pair = codes[:, :-lag] * np.int8(k)  # codes 0-3: a pair of them is one small number, 0-15
    pair += codes[:, lag:]
    if keys.dtype == np.uint8:
        key = pair.view(np.uint8)
        key += keys
    else:
        key = pair.astype(keys.dtype)
        key += keys
    del pair
    if n >= 4096:  # one row at a time: bincount widens its input to 8 bytes a value
        flat = np.empty((sets, width), np.int64)
        for row in range(sets):
            flat[row] = np.bincount(key[row], minlength=width)
    else:
        wide = key.astype(np.int64) + (np.arange(sets, dtype=np.int64) * width)[:, None]
        flat = np.bincount(wide.ravel(), minlength=sets * width).reshape(sets, width)
    return flat[:, :used].reshape(sets, s, s, k, k)


def _shuffles(events: _Events, permutations: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Chunks of permuted code arrays, each (chunk, n): codes shuffled within (conversation, speaker)."""
    n = len(events)
    stratum = events.conversation * len(events.speakers) + events.speaker
    order = np.argsort(stratum, kind="stable")
    # where each stratum starts in that order, and its size (what np.unique gives, without sorting again)
    ordered = stratum[order]
    del stratum
    changed = np.ones(len(ordered), bool)
    changed[1:] = ordered[1:] != ordered[:-1]
    del ordered
    starts = np.flatnonzero(changed)
    del changed
    sizes = np.diff(np.append(starts, n))
    # Strata of one size are shuffled together as the rows of one matrix: one call per size.
    blocks = [order[starts[sizes == m][:, None] + np.arange(m)] for m in np.unique(sizes[sizes > 1])]
    chunk = max(1, _CHUNK_EVENTS // max(n, 1))
    for done in range(0, permutations, chunk):
        sets = min(chunk, permutations - done)
        out = np.tile(events.codes, (sets, 1))
        for positions in blocks:
            values = np.tile(events.codes[positions], (sets, 1, 1))
            rng.permuted(values, axis=-1, out=values)
            out[:, positions] = values
        yield out


def _all_counts(
    events: _Events, lags: Sequence[int], permutations: int, rng: np.random.Generator
) -> dict[int, tuple[np.ndarray, np.ndarray | None]]:
    """Observed (S, S, 4, 4) and permuted (P, S, S, 4, 4) counts per lag; one set of shuffles serves all."""
    keys = {lag: _pair_keys(events, lag) for lag in lags if len(events) > lag}
    observed = {lag: _lag_counts(events.codes[None, :], events, lag, keys.get(lag)) for lag in lags}
    observed = {lag: counts[0] for lag, counts in observed.items()}
    if permutations <= 0 or len(events) == 0:
        return {lag: (observed[lag], None) for lag in lags}
    # filled in place, chunk after chunk (a list of chunks joined at the end would be held twice)
    permuted = {lag: np.empty((permutations, *observed[lag].shape), np.int64) for lag in lags}
    done = 0
    for codes in _shuffles(events, permutations, rng):
        for lag in lags:
            permuted[lag][done:done + len(codes)] = _lag_counts(codes, events, lag, keys.get(lag))
        done += len(codes)
    return {lag: (observed[lag], permuted[lag]) for lag in lags}


def _check(lags: Sequence[int], permutations: int) -> None:
    if not lags or any(int(lag) != lag or lag < 1 for lag in lags):
        raise UsageError(f"lags must be whole numbers of events, 1 or more; got {list(lags)}")
    if permutations < 0:
        raise UsageError(f"permutations must be 0 or more, got {permutations}")


def _select(counts: np.ndarray, events: _Events, giver: str | None, receiver: str | None) -> np.ndarray:
    """The (…, 4, 4) table of one directed pair; None on a side sums over every partner."""

    def axis(name: str | None) -> slice | list[int]:
        if name is None:
            return slice(None)
        return [events.speakers.index(name)] if name in events.speakers else []

    picked = counts[..., axis(giver), :, :, :][..., axis(receiver), :, :]
    return picked.sum(axis=(-4, -3))  # an unknown name selects nothing: a table of zeros


# --------------------------------------------------------------------------- public API


def lag_table(
    sequences: CodedView | Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]],
    giver: str | None,
    receiver: str | None,
    lag: int = 1,
    *,
    permutations: int = 0,
    seed: int = 0,
) -> LagTable:
    """The pooled lag table ``giver -> receiver`` (None: any partner) over every conversation given."""
    _check([lag], permutations)
    events = _Events.of(as_view(sequences))
    observed, permuted = _all_counts(events, [lag], permutations, np.random.default_rng(seed))[lag]
    return table_from_counts(
        _select(observed, events, giver, receiver),
        giver=giver,
        receiver=receiver,
        lag=lag,
        permuted=None if permuted is None else _select(permuted, events, giver, receiver),
        seed=seed,
    )


def pair_statistics(
    sequences: CodedView | Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]],
    lags: Sequence[int] = (1, 2, 3),
    permutations: int = 1000,
    seed: int = 0,
    *,
    self_pairs: bool = False,
) -> dict[tuple[str, str], list[LagTable]]:
    """Lag tables of every directed pair of partners (A, B), one per lag, pooled over conversations.

    Pairs run over every two partners who appear, in order of first appearance,
    A -> B and B -> A both; ``self_pairs`` adds A -> A (a person following
    themself). All tables share one set of permutations.
    """
    _check(lags, permutations)
    events = _Events.of(as_view(sequences))
    counts = _all_counts(events, list(lags), permutations, np.random.default_rng(seed))
    return _tables(events, counts, lags, seed, self_pairs, conversation=None)


def conversation_statistics(
    sequences: CodedView | Iterable[CodedTurn] | Iterable[Sequence[CodedTurn]],
    lags: Sequence[int] = (1, 2, 3),
    permutations: int = 1000,
    seed: int = 0,
    *,
    self_pairs: bool = False,
) -> dict[str, dict[tuple[str, str], list[LagTable]]]:
    """:func:`pair_statistics` of each conversation on its own, keyed by conversation name.

    Conversations without a name are keyed by their position ("0", "1", ...).
    One generator seeded with ``seed`` serves all conversations, in order.
    """
    _check(lags, permutations)
    rng = np.random.default_rng(seed)
    result: dict[str, dict[tuple[str, str], list[LagTable]]] = {}
    view = as_view(sequences)
    for k, (start, end) in enumerate(view.run_bounds()):
        events = _Events.of(view.part(start, end))
        name = view.cols.conversations[int(view.cols.conversation[view.positions[start]])] or str(k)
        counts = _all_counts(events, list(lags), permutations, rng)
        result[name] = _tables(events, counts, lags, seed, self_pairs, conversation=name)
    return result


def _tables(
    events: _Events,
    counts: dict[int, tuple[np.ndarray, np.ndarray | None]],
    lags: Sequence[int],
    seed: int,
    self_pairs: bool,
    conversation: str | None,
) -> dict[tuple[str, str], list[LagTable]]:
    result: dict[tuple[str, str], list[LagTable]] = {}
    for a, giver in enumerate(events.speakers):
        for b, receiver in enumerate(events.speakers):
            if a == b and not self_pairs:
                continue
            result[(giver, receiver)] = [
                table_from_counts(
                    observed[a, b],
                    giver=giver,
                    receiver=receiver,
                    lag=lag,
                    permuted=None if permuted is None else permuted[:, a, b],
                    seed=seed,
                    conversation=conversation,
                )
                for lag in lags
                for observed, permuted in [counts[lag]]
            ]
    return result
