"""A stacked combiner: a small logistic regression that reads two models' readings of a turn
and of the two turns before it, and gives the move.

Why: the encoder and the fast model read each turn differently, and most of their
errors are short replies whose move depends on what came before ("ok" after a
demand is a shutdown; after an apology it is neutral). Averaging their
probabilities (blend.v1) ignores that; the combiner learns, on the dev split
(which neither model was trained on), how much to trust each and how the
previous turns' likely moves, said by the same person or the other, shift the
reading of this one.

Everything it reads stays inside the window the label cache keys on (the turn
and the CONTEXT turns before it): the previous turns' fast-model readings are
recomputed as if the conversation began CONTEXT turns back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .classes import CLASS_MOVE, MOVES, move_probabilities
from .context import CONTEXT, PER_TURN

#: How many earlier turns' readings the combiner looks at.
LOOK_BACK = 2
_FLOOR = 1e-4


def windowed_dense(features: np.ndarray, back: int) -> np.ndarray:
    """Context features of turn i-back as seen from turn i (``features``: turn i-back's own rows).

    Slots that reach before i-CONTEXT lie outside the window and are filled in as if the
    conversation went on like the turn just before: copied from slot 1, and at an even distance
    said by the same person (a two-person exchange). Blanking them instead would make every
    earlier turn look like a conversation's first, which the fast model reads differently
    (dev macro-F1 of the combiner: 0.774 blanked, 0.781 filled in, 0.784 with the out-of-window turns).
    """
    out = features.copy()
    first = features[:, :PER_TURN]
    for slot in range(2, CONTEXT + 1):
        if back + slot > CONTEXT:
            start = (slot - 1) * PER_TURN
            out[:, start: start + PER_TURN] = first
            if slot % 2 == 0:
                out[:, start + 1] = first[:, 0]  # same speaker, where there is a turn
    return out


def rewindow(
    class_probs: np.ndarray, full: np.ndarray, windowed: np.ndarray, dense_weights: np.ndarray
) -> np.ndarray:
    """A linear model's class probabilities recomputed with other context features.

    The fast model is linear in its context features, so changing them shifts its scores by
    ``(windowed - full) @ dense_weights``; the softmax ignores the constant it lost.
    """
    n = class_probs.shape[1]
    scores = np.log(np.clip(class_probs, 1e-30, 1.0)) + (windowed - full) @ dense_weights[:, :n]
    scores -= scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    return probs / probs.sum(axis=1, keepdims=True)


def combiner_features(
    deep: np.ndarray, shallow: np.ndarray, earlier: Sequence[np.ndarray], features: np.ndarray
) -> np.ndarray:
    """The combiner's input for each row.

    ``deep``/``shallow``: the two models' class probabilities of the turn; ``earlier[b-1]``: the
    fast model's move probabilities of turn i-b (zeros where there is none); ``features``: the
    turn's context features (which say whether turn i-b exists and who said it).
    """
    cols = [np.log(np.clip(move_probabilities(probs), _FLOOR, 1.0)) for probs in (deep, shallow)]
    for back, moves in enumerate(earlier, start=1):
        present = features[:, (back - 1) * PER_TURN: (back - 1) * PER_TURN + 1]
        same = features[:, (back - 1) * PER_TURN + 1: (back - 1) * PER_TURN + 2]
        cols += [moves * same, moves * (1.0 - same) * present]
    cols.append(features)
    return np.concatenate(cols, axis=1).astype(np.float64)


def earlier_moves(
    features: np.ndarray, rows: Sequence[int], shallow_at: dict[int, np.ndarray], dense_weights: np.ndarray
) -> list[np.ndarray]:
    """Per look-back b, the fast model's move probabilities of turn i-b for each row i, windowed.

    ``features``: context features of the whole conversation; ``shallow_at``: the fast model's
    class probabilities by turn index, for every turn within LOOK_BACK before a row.
    """
    out = []
    for back in range(1, LOOK_BACK + 1):
        moves = np.zeros((len(rows), len(MOVES)))
        have = [k for k, i in enumerate(rows) if i - back >= 0]
        if have:
            index = [rows[k] - back for k in have]
            probs = np.stack([shallow_at[j] for j in index])
            full = features[index]
            moves[have] = move_probabilities(rewindow(probs, full, windowed_dense(full, back), dense_weights))
        out.append(moves)
    return out


def cue_shares(deep: np.ndarray, shallow: np.ndarray) -> np.ndarray:
    """Each class's share of its move, from the two models' averaged class probabilities."""
    mixed = 0.5 * deep + 0.5 * shallow
    totals = move_probabilities(mixed)[:, CLASS_MOVE]
    return mixed / np.maximum(totals, 1e-12)


class Combiner:
    """Multinomial logistic regression over standardised features (NumPy; fit by Adam, L2)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.mean, self.scale = arrays["mean"], arrays["scale"]
        self.weights, self.bias = arrays["weights"], arrays["bias"]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        scores = ((x - self.mean) / self.scale) @ self.weights + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        return probs / probs.sum(axis=1, keepdims=True)

    @classmethod
    def fit(
        cls, x: np.ndarray, y: np.ndarray, *, classes: int = len(MOVES), l2: float = 1e-2,
        iterations: int = 300,
    ) -> Combiner:
        mean, scale = x.mean(0), x.std(0) + 1e-6
        z = (x - mean) / scale
        weights, bias = np.zeros((z.shape[1], classes)), np.zeros(classes)
        target = np.eye(classes)[y]
        moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
        rate = 0.05
        for step in range(1, iterations + 1):
            scores = z @ weights + bias
            scores -= scores.max(axis=1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=1, keepdims=True)
            error = (probs - target) / len(z)
            grads = (z.T @ error + l2 * weights, error.sum(0))
            for k, (param, grad) in enumerate(zip((weights, bias), grads, strict=True)):
                first, second = moments[2 * k], moments[2 * k + 1]
                first *= 0.9
                first += 0.1 * grad
                second *= 0.999
                second += 0.001 * grad**2
                param -= rate * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
        return cls({"mean": mean, "scale": scale, "weights": weights, "bias": bias})

    def arrays(self) -> dict[str, np.ndarray]:
        return {"mean": self.mean, "scale": self.scale, "weights": self.weights, "bias": self.bias}
