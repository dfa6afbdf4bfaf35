"""What a move model may know about a turn besides its words: the turns before it.

The codebook codes each turn in the light of about three earlier turns, never
later ones. These features describe, for each of the three turns before, whether
it exists, whether the same person said it, and how long before it was said
(for chats with times). The training script and the shipped models both use
this one function, so what a model learned and what it is given agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..model import Turn

#: How many earlier turns a model sees.
CONTEXT = 3
#: Features per earlier turn: present, same speaker, has time, log-gap (scaled).
PER_TURN = 4
#: Features of the turn itself: has time, log-gap to the turn before (scaled), text is empty.
OWN = 3
N_FEATURES = CONTEXT * PER_TURN + OWN

_LOG_DAY = math.log1p(86400.0)


def _scaled_gap(later: Turn, earlier: Turn) -> tuple[float, float]:
    if later.time is None or earlier.time is None:
        return 0.0, 0.0
    try:
        seconds = (later.time - earlier.time).total_seconds()
    except TypeError:  # one aware, one naive: compare wall clocks
        seconds = (later.time.replace(tzinfo=None) - earlier.time.replace(tzinfo=None)).total_seconds()
    return 1.0, min(math.log1p(max(seconds, 0.0)) / _LOG_DAY, 2.0)


def context_features(turns: Sequence[Turn]) -> np.ndarray:
    """A (len(turns), N_FEATURES) float32 array, row i describing turn i's context."""
    rows = np.zeros((len(turns), N_FEATURES), dtype=np.float32)
    for index, turn in enumerate(turns):
        row = rows[index]
        for back in range(1, CONTEXT + 1):
            if index - back < 0:
                break
            earlier = turns[index - back]
            base = (back - 1) * PER_TURN
            row[base] = 1.0
            row[base + 1] = 1.0 if earlier.speaker == turn.speaker else 0.0
            row[base + 2], row[base + 3] = _scaled_gap(turns[index - back + 1], earlier)
        own = CONTEXT * PER_TURN
        if index:
            row[own], row[own + 1] = _scaled_gap(turn, turns[index - 1])
        row[own + 2] = 0.0 if turn.text.strip() else 1.0
    return rows
