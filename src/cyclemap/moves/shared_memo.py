"""What one `--fast` process has worked out about a block's texts, handed to the other with the block.

Each process remembers, per distinct text, the wording model's reading (``screening._memo``) and the
lexicon's scan (``Lexicon.scan``'s memo): a chat repeats its messages, and a text met in an earlier
block is not read again. With two processes (:mod:`cyclemap.moves.blocks`) each used to meet its own
texts, so about a fifth of a long chat's distinct texts were read twice, once in each process. Now a
block sent to the helper carries what this process knows of its texts, and the labels coming back carry
what the helper worked out; each process adds them to its memos.

Exact: a reading and a scan depend only on the text (the same weights and lexicon in both processes:
the payload names the wording model's version, and is ignored where it differs), and a memo only ever
holds such results. Texts are named by their position in the block, which both processes hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import safety_text
from ..safety_lexicon import Hit, lexicon
from . import screening

#: (wording model version, positions with a reading, their readings (k, 4) float32 or None,
#:  positions whose scan found nothing, [(position, hits, guarded hits)] as tuples)
Payload = tuple[str, list[int], Any, list[int], list[tuple]]
_NOTHING: tuple = ((), ())


def _rows_memo() -> Any:
    """The wording memo, if it holds the shipped model's readings (else nothing is shared)."""
    model = safety_text.model()
    return screening._memo["rows"] if model is not None and screening._memo["model"] is model else None


def collect(texts: Sequence[str], leave_out: frozenset[int] | set[int] = frozenset()) -> Payload | None:
    """What this process knows of ``texts`` (each distinct text once, at its first position), or None."""
    rows = _rows_memo()
    scans: dict = lexicon()._scans  # type: ignore[attr-defined]
    row_at: list[int] = []
    found_rows: list = []
    empty: list[int] = []
    hits: list[tuple] = []
    seen: set[str] = set()
    for position, text in enumerate(texts):
        if text in seen:
            continue
        seen.add(text)
        if position in leave_out:  # the other process sent it: it has it
            continue
        if rows is not None:
            row = rows.get(text)
            if type(row) is np.ndarray and row.dtype == np.float32 and row.shape == (4,):
                row_at.append(position)
                found_rows.append(row)
        scan = scans.get(text)
        if scan is not None:
            if scan == _NOTHING:
                empty.append(position)
            else:
                hits.append((position, tuple(map(_fields, scan[0])), tuple(map(_fields, scan[1]))))
    if not row_at and not empty and not hits:
        return None
    return (safety_text.VERSION, row_at, np.stack(found_rows) if found_rows else None, empty, hits)


def _fields(hit: Hit) -> tuple:
    return (hit.family, hit.flag, hit.level, hit.text, hit.start, hit.end)


def inject(texts: Sequence[str], payload: Payload | None) -> set[int]:
    """Add what the other process knew of ``texts`` to this process's memos; the positions it named."""
    if payload is None:
        return set()
    version, row_at, found_rows, empty, hits = payload
    named = set(row_at).union(empty, (p for p, _, _ in hits))
    rows = _rows_memo() if version == safety_text.VERSION else None
    if rows is not None and found_rows is not None:
        for position, row in zip(row_at, found_rows, strict=True):  # each a float32 row, as the model gives
            text = texts[position]
            if text not in rows:
                rows.keep(text, row)
    memo = lexicon()._scans  # type: ignore[attr-defined]
    for position in empty:
        text = texts[position]
        if text not in memo:
            memo.keep(text, _NOTHING)
    for position, found, held in hits:
        text = texts[position]
        if text not in memo:
            memo.keep(text, (tuple(Hit(*h) for h in found), tuple(Hit(*h) for h in held)))
    return named
