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


def labels_from_class_probs(class_probs: np.ndarray) -> list[MoveLabel]:
    """The most probable move (summing its cues) with its most probable cue; confidence = P(move)."""
    moves = move_probabilities(class_probs)
    labels = []
    for row, move_row in zip(class_probs, moves, strict=True):
        move_index = int(move_row.argmax())
        move = Move(MOVES[move_index])
        cue = None
        if move is not Move.NEUTRAL:
            cue = CLASSES[int(np.where(CLASS_MOVE == move_index, row, -1.0).argmax())]
        labels.append(MoveLabel(move, cue, confidence=float(move_row[move_index])))
    return labels
