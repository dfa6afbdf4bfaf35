"""The 21 output classes every move model scores: neutral and the codebook's 20 cues.

A move's probability is the sum of its cues' probabilities, so the move and the
cue a model reports can never contradict each other.
"""

from __future__ import annotations

import numpy as np

from ..codebook import CUES, Move
from .label import MoveLabel

CLASSES: tuple[str, ...] = ("neutral", *CUES)
MOVES: tuple[str, ...] = tuple(m.value for m in Move)
#: For each class, the index in MOVES of the move it belongs to.
CLASS_MOVE = np.array([MOVES.index("neutral")] + [MOVES.index(CUES[c].value) for c in CUES])


def softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs


def move_probabilities(class_probs: np.ndarray) -> np.ndarray:
    """(turns x 4) move probabilities from (turns x 21) class probabilities."""
    out = np.zeros((len(class_probs), len(MOVES)), np.float32)
    for index in range(len(MOVES)):
        out[:, index] = class_probs[:, CLASS_MOVE == index].sum(axis=1)
    return out


def decode(class_probs: np.ndarray) -> tuple[list[Move], list[str | None], np.ndarray]:
    """Vectorised: each row's move (summing its cues), its most probable cue, and P(move)."""
    moves = move_probabilities(class_probs)
    move_index = moves.argmax(axis=1)
    # the best cue of the chosen move: mask the other moves' classes
    masked = np.where(CLASS_MOVE[None, :] == move_index[:, None], class_probs, -1.0)
    cue_index = masked.argmax(axis=1)
    move_names = [_MOVE_OBJECTS[i] for i in move_index]
    cues = [None if _MOVE_OBJECTS[m] is Move.NEUTRAL else CLASSES[c] for m, c in zip(move_index, cue_index)]
    return move_names, cues, moves[np.arange(len(moves)), move_index]


_MOVE_OBJECTS = [Move(m) for m in MOVES]


def labels_from_class_probs(class_probs: np.ndarray) -> list[MoveLabel]:
    """The most probable move (summing its cues) with its most probable cue; confidence = P(move)."""
    moves, cues, confidence = decode(class_probs)
    return [MoveLabel(m, c, float(p)) for m, c, p in zip(moves, cues, confidence, strict=True)]
