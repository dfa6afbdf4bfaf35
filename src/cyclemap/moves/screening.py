"""The safety screen over a block of turns, on two cores when the block is long.

The screen (:func:`cyclemap.safety.screen_turn`) reads every message on its
own, with the lexicon's patterns; on a long chat it costs more than the move
model. It depends only on each turn's text and flag probabilities, so a long
block is cut in two: a second process (started once, on first need, with
nothing but cyclemap imported) screens one half while this one screens the
other. The results are the same as screening turn after turn. It is opt-in
(``CYCLEMAP_PROCESSES=2``) and only under the ``cyclemap`` command: short
inputs and programs using the library never start a process. Where a whole
chat is labelled on two cores (:mod:`cyclemap.moves.blocks`, ``--fast``),
that helper is used instead and this one is never started.

The wording model reads each distinct text of a block once, and texts met in
earlier blocks not again (a chat repeats its short messages); the lexicon
remembers its readings the same way (:mod:`cyclemap.safety_lexicon`). Both are
exact: ``tests/test_fast_screen.py`` holds a block to turn-after-turn screening.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from ..memo import BoundedMemo
from ..safety import FLAGS, MODEL_THRESHOLDS, _text_bars, screen_turn
from ..safety_lexicon import lexicon
from ..safety_text import model as _text_model

#: Messages in a block below which a second process does not pay for itself.
MIN_PARALLEL = 512
Screened = tuple[tuple[str, ...], tuple[Any, ...]]

_pool: Any = None
_broken = False
_FORCE = False  # tests: use the helper even outside the command


def screen_many(items: Sequence[tuple[str, Sequence[float]]]) -> list[Screened]:
    """``screen_turn`` of each (text, flag probabilities), in order; the wording model reads them all at once."""
    wording = _wording([text for text, _ in items]) if items else None
    if wording is None:
        return [screen_turn(text, probabilities) for text, probabilities in items]
    quiet = _quiet(items, wording)
    scan = lexicon().scan
    out: list[Screened] = []
    for (text, probabilities), row, calm in zip(items, wording, quiet, strict=True):
        # No reading reaches a bar (most turns): only the lexicon's words could raise a flag.
        if calm and not scan(text)[0]:
            out.append(_NOTHING)
        else:
            out.append(screen_turn(text, probabilities, row))
    return out


_NOTHING: Screened = ((), ())


def _quiet(items: Sequence[tuple[str, Sequence[float]]], wording: list) -> list[bool]:
    """Per turn: True where neither the move model's flag probabilities nor the wording model's reach any
    bar by which they alone could raise a flag, all turns of a block compared at once.

    Where ``screen_turn`` finds no lexicon hit either, it then finds nothing. The comparison errs only
    toward "not quiet" (the full screen decides): each bar is lowered to the float32 number below it, so a
    float32 probability compared in either precision is never missed.
    """
    try:
        probabilities = np.asarray([p for _, p in items], dtype=np.float64).reshape(len(items), -1)
        rows = np.asarray(wording, dtype=np.float64).reshape(len(items), -1)
    except (TypeError, ValueError):  # no model reading (None), or rows of several lengths
        return [False] * len(items)
    text_bars = _text_bars().get("bar") or {}
    if probabilities.shape[1] != len(FLAGS) or rows.shape[1] != len(FLAGS) or set(text_bars) != set(FLAGS):
        return [False] * len(items)  # an unexpected shape: let the full screen read every turn
    fires = (probabilities >= _lowered([MODEL_THRESHOLDS[f] for f in FLAGS])).any(axis=1)
    fires |= (rows >= _lowered([text_bars[f] for f in FLAGS])).any(axis=1)
    return (~fires).tolist()


def _lowered(bars: list[float]) -> np.ndarray:
    """Each bar, or the float32 number just below it when float32 rounds it down: never above the bar in
    either precision (NaN bars compare as never reached either way)."""
    wide = np.asarray(bars, dtype=np.float64)
    narrow = wide.astype(np.float32).astype(np.float64)
    return np.minimum(wide, narrow)


def _wording(texts: list[str]) -> list | None:
    """The wording model's rows for ``texts`` (as ``text_probabilities``), each distinct text read once.

    Speed only, and exact: a text's row does not depend on the batch it is read in. Where no bar of the
    model can change a finding (every bar above 1 or at most 0), rows of zeros give the same findings.
    """
    model = _text_model()
    if model is None or not model.bars.get("enabled", True):
        return None
    if not _can_fire(model):
        return [_ZEROS] * len(texts)
    if _memo["model"] is not model:  # another version was loaded: its rows differ
        _memo["model"], _memo["rows"] = model, BoundedMemo(MEMO_SIZE, MEMO_LENGTH)
    memo: BoundedMemo = _memo["rows"]
    rows: dict[str, Any] = {}  # this block's rows: the memo may be emptied meanwhile (another thread)
    for text in dict.fromkeys(texts):
        row = memo.get(text)
        if row is not None:
            rows[text] = row
    wanted = [text for text in dict.fromkeys(texts) if text not in rows]
    if wanted:
        rows.update(zip(wanted, model.probabilities(wanted), strict=True))
        for text in wanted:
            memo.keep(text, rows[text])
    return [rows[text] for text in texts]


def _can_fire(model: Any) -> bool:
    """Whether the wording model's rows can change a finding: only where some bar lies in (0, 1].

    A probability (0 to 1) compared with a bar above 1 is always below it, and with a bar at or below 0
    always reaches it, whatever the row: rows of zeros then give every comparison the real rows give.
    """
    def numbers(value: Any) -> list[float]:
        if isinstance(value, dict):
            return [n for v in value.values() for n in numbers(v)]
        if isinstance(value, (str, bool)) or value is None:
            return []
        # a number; anything else (a list of bars?) is not understood here: read the rows
        return [float(value)] if isinstance(value, (int, float)) else [0.5]

    return any(0.0 < v <= 1.0 for v in numbers(model.bars))


#: Wording rows of recent texts (a chat repeats its short messages), emptied when full.
MEMO_SIZE = 50_000
MEMO_LENGTH = 400
_memo: dict[str, Any] = {"model": None, "rows": BoundedMemo(MEMO_SIZE, MEMO_LENGTH)}
_ZEROS = (0.0, 0.0, 0.0, 0.0)


def _helper_allowed() -> bool:
    """Only under the ``cyclemap`` command: a started process imports the main module again, which is
    safe for the command (its main module is guarded) but not for any program using the library."""
    if _FORCE:
        return True
    # Opt-in: measured on this project's 2-core machine it did not pay once the screen batched its
    # wording model (bench/classify_speed.py; see the module docstring).
    if os.environ.get("CYCLEMAP_PROCESSES", "1") != "2" or (os.cpu_count() or 1) < 2:
        return False
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return getattr(spec, "name", None) == "cyclemap.__main__" or os.path.basename(getattr(main, "__file__", "") or "") == "cyclemap"


def _worker_pool() -> Any:
    """The one helper process, or None when it cannot be had (or is not wanted)."""
    global _pool, _broken
    if _pool is None and not _broken:
        if not _helper_allowed():
            return None
        try:
            # spawn: the helper starts clean (no copy of this process's threads or open files)
            _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
        except (OSError, ValueError):
            _broken = True
    return _pool


def screen_block(items: Sequence[tuple[str, Sequence[float]]]) -> list[Screened]:
    """``screen_many(items)``, the second half in the helper process when the block is long.

    If the helper cannot run (it died, or could not start), this process screens
    everything itself from then on: the same result, on one core.
    """
    global _broken
    if len(items) < MIN_PARALLEL or _broken:
        return screen_many(items)
    pool = _worker_pool()
    if pool is None:
        return screen_many(items)
    half = len(items) // 2
    try:
        pending = pool.submit(screen_many, list(items[half:]))
    except (BrokenProcessPool, RuntimeError):
        _broken = True
        return screen_many(items)
    first = screen_many(items[:half])
    try:
        return first + pending.result()
    except BrokenProcessPool:
        _broken = True
        return first + screen_many(items[half:])
