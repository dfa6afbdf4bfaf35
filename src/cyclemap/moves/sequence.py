"""How moves follow one another: a forward filter over the model's readings of a turn and the turns before it.

Why: most errors are a move read as neutral or the reverse, on turns whose move depends on what came
before ("The satnav said the next one." after a complaint is a defence). The codebook's moves follow
each other in patterns (a pursuit is often answered by withdrawal, a softening by softening); the
counts of which move follows which, by the same speaker or the other, are taken from the train split.
The filter reads the model's move probabilities of the two turns before, pushes them through those
transitions, and weighs the turn's own reading by what the pattern expects (tempered by ``strength``:
the model's readings already saw some of that context).

Everything stays inside the window the label cache keys on (the turn and the CONTEXT turns before):
each earlier turn's reading is the one it gets when the conversation begins CONTEXT turns before the
turn labelled (``blend_v4.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .classes import MOVES
from .context import CONTEXT, OWN, PER_TURN

_TINY = 1e-12


def cut_context(features: np.ndarray, keep: int) -> np.ndarray:
    """Context features (rows of :func:`~cyclemap.moves.context.context_features`) as if each turn's
    conversation began ``keep`` turns before it: the slots of earlier turns are empty, and with
    ``keep`` 0 the turn has no gap to a turn before it either. Exact: these are the features the
    shortened conversation would give."""
    return cut_context_rows(features, np.full(len(features), keep))


def cut_context_rows(features: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """:func:`cut_context` with a ``keep`` per row."""
    slot = np.arange(CONTEXT * PER_TURN) // PER_TURN + 1  # which earlier turn each column describes
    out = features.copy()
    out[:, : CONTEXT * PER_TURN] *= slot[None, :] <= keep[:, None]
    own = CONTEXT * PER_TURN
    out[keep == 0, own: own + OWN - 1] = 0.0  # has-time and gap; "text is empty" is the turn's own
    return out


@dataclass(frozen=True)
class MoveSequence:
    """Move-to-move transitions (by same or other speaker), the move prior, and how they are applied."""

    #: (2, 4, 4): [0 other speaker / 1 same speaker][previous move, move], rows sum to 1.
    transitions: np.ndarray
    #: (4,): how often each move is coded (the model's readings are divided by it, Bayes' rule).
    prior: np.ndarray
    #: Exponent on the pattern's factor: 1 is a plain forward filter, 0 ignores the pattern.
    strength: float
    #: How many earlier turns' readings the filter chains through (at most CONTEXT - 1: each needs one
    #: turn of its own context inside the window).
    look_back: int
    #: Exponent on the filtered probabilities (then renormalised), fitted on dev by likelihood.
    sharpen: float

    @classmethod
    def load(cls, path: Path) -> MoveSequence:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["moves"]) != MOVES:
            raise ValueError(f"{path} orders the moves differently from this codebook")
        return cls(np.asarray(data["transitions"], np.float64), np.asarray(data["prior"], np.float64),
                   float(data["strength"]), int(data["look_back"]), float(data["sharpen"]))

    def filter(self, readings: Sequence[np.ndarray], present: Sequence[np.ndarray],
               same: Sequence[np.ndarray]) -> np.ndarray:
        """Filtered (turns x 4) move probabilities.

        ``readings[k]``: the move probabilities of turn i-k for every row i (k = 0 is the turn itself);
        ``present[k]``: whether turn i-k exists; ``same[k]``: whether turn i-k was said by the speaker
        of turn i-k+1 (k >= 1). A row without earlier turns keeps its own reading (then sharpened).
        """
        deepest = min(self.look_back, len(readings) - 1)
        belief = np.asarray(readings[deepest], np.float64)
        for k in range(deepest - 1, -1, -1):
            expected = np.where(
                same[k + 1][:, None], belief @ self.transitions[1], belief @ self.transitions[0]
            )
            factor = np.where(present[k + 1][:, None], (expected / self.prior) ** self.strength, 1.0)
            belief = np.asarray(readings[k], np.float64) * factor
            belief /= np.maximum(belief.sum(axis=1, keepdims=True), _TINY)
        belief = np.maximum(belief, 0.0) ** self.sharpen
        return belief / np.maximum(belief.sum(axis=1, keepdims=True), _TINY)
