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
from datetime import datetime

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
_EPOCH = datetime(1970, 1, 1)


def _seconds(turns: Sequence[Turn]) -> np.ndarray:
    """Each turn's time in seconds (wall clock), NaN where a turn has no time."""
    out = np.full(len(turns), np.nan)
    for index, turn in enumerate(turns):
        if turn.time is not None:
            moment = turn.time.replace(tzinfo=None)  # aware and naive times compare as wall clocks
            out[index] = (moment - _EPOCH).total_seconds()
    return out


def context_features(turns: Sequence[Turn]) -> np.ndarray:
    """A (len(turns), N_FEATURES) float32 array, row i describing turn i's context."""
    n = len(turns)
    rows = np.zeros((n, N_FEATURES), dtype=np.float32)
    if n == 0:
        return rows
    speakers = [t.speaker for t in turns]
    seconds = _seconds(turns)
    # gap[i] = scaled time from turn i-1 to turn i; has[i] = both have a time
    step = np.diff(seconds, prepend=np.nan)
    has = ~np.isnan(step)
    gap = np.zeros(n)
    gap[has] = np.minimum(np.log1p(np.maximum(step[has], 0.0)) / _LOG_DAY, 2.0)
    for back in range(1, CONTEXT + 1):
        if back >= n:
            break
        base = (back - 1) * PER_TURN
        later = np.arange(back, n)  # turn index whose context we describe
        rows[later, base] = 1.0
        rows[later, base + 1] = [speakers[i - back] == speakers[i] for i in later]
        # the gap between the earlier turn (i - back) and the one after it
        rows[later, base + 2] = has[later - back + 1]
        rows[later, base + 3] = gap[later - back + 1]
    own = CONTEXT * PER_TURN
    rows[1:, own] = has[1:]
    rows[1:, own + 1] = gap[1:]
    rows[:, own + 2] = [0.0 if t.text.strip() else 1.0 for t in turns]
    return rows
