"""The safety screen over a block of turns, on two cores when the block is long.

The screen (:func:`cyclemap.safety.screen_turn`) reads every message on its
own, with the lexicon's patterns; on a long chat it costs more than the move
model. It depends only on each turn's text and flag probabilities, so a long
block is cut in two: a second process (started once, on first need, with
nothing but cyclemap imported) screens one half while this one screens the
other. The results are the same as screening turn after turn. It is opt-in
(``CYCLEMAP_PROCESSES=2``) and only under the ``cyclemap`` command: short
inputs and programs using the library never start a process.
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

from ..safety import screen_turn
from ..safety_text import text_probabilities

#: Messages in a block below which a second process does not pay for itself.
MIN_PARALLEL = 512
Screened = tuple[tuple[str, ...], tuple[Any, ...]]

_pool: Any = None
_broken = False
_FORCE = False  # tests: use the helper even outside the command


def screen_many(items: Sequence[tuple[str, Sequence[float]]]) -> list[Screened]:
    """``screen_turn`` of each (text, flag probabilities), in order; the wording model reads them all at once."""
    wording = text_probabilities([text for text, _ in items]) if items else None
    if wording is None:
        return [screen_turn(text, probabilities) for text, probabilities in items]
    return [screen_turn(text, probabilities, row) for (text, probabilities), row in zip(items, wording, strict=True)]


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
