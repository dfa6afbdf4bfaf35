"""blend.v4: blend.v1's readings, filtered through how moves follow one another (``sequence.py``).

blend.v1's two models are unchanged (same weights, averaging and sharpening). For each turn, blend.v1
also reads the two turns before it, each as if the conversation began at the edge of the label cache's
window (the turn and the three before), and the forward filter of :class:`~.sequence.MoveSequence`
weighs the turn's own reading by the moves those earlier turns likely were. The extra work is
NumPy only: the earlier turns' words are encoded anyway (they are the encoder's context), so the
encoder's head reads them twice more with shorter context, and the fast model's readings are shifted
to that context exactly (it is linear in its context features).

The cue stays the most likely cue of the chosen move by blend.v1 (each move's cues keep their shares);
the confidence is the filtered probability of the move, sharpened to be calibrated on dev; the safety
flags are encoder.v1's, unchanged (the safety screen's thresholds hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .classes import CLASS_MOVE, CLASSES, move_probabilities
from .context import CONTEXT, context_features
from .encoder import ContextHead, _erf, weights_digest
from .registry import Dialogue, register_model
from .sequence import MoveSequence, cut_context_rows
from .shipped import BlendModel
from .stacked import rewindow


def _folder(name: str) -> Path:
    return Path(str(resources.files("cyclemap.moves") / "weights" / name))


def stacked_terms(head: ContextHead) -> np.ndarray:
    """The head's first layer rearranged so that one product gives every turn's share at every position
    (a contiguous (projection, (CONTEXT + 1) x hidden) matrix, made once per model)."""
    w = head.w
    width, size = w["fc1_weight"].shape[0], w["proj_weight"].shape[0]
    stacked = w["fc1_weight"][:, : (CONTEXT + 1) * size].reshape(width, CONTEXT + 1, size)
    return np.ascontiguousarray(stacked.transpose(2, 1, 0).reshape(size, -1))


def head_terms(head: ContextHead, stacked: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Each turn's share of the head's first layer, per position: ``terms[j, b]`` is what turn j adds to the
    reading of turn j+b (b = 0 .. CONTEXT). That layer is linear, so any reading, with any context cut,
    is a sum of these: the head's one large product is computed once per turn."""
    w = head.w
    projected = np.tanh(vectors @ w["proj_weight"].T + w["proj_bias"])
    return (projected @ stacked).reshape(len(projected), CONTEXT + 1, -1)


def head_rows(head: ContextHead, terms: np.ndarray, features: np.ndarray, rows: np.ndarray,
              keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The encoder head's (class, flag) probabilities for ``rows``, row r seeing at most ``keep[r]`` turns before it.

    With every ``keep`` = CONTEXT this is :class:`ContextHead` itself (to float rounding); fewer is what
    the head reads when the conversation begins ``keep`` turns before the row.
    """
    w = head.w
    cut = cut_context_rows(features[rows], keep)
    hidden = terms[rows, 0] + cut @ w["fc1_weight"][:, -cut.shape[1]:].T + w["fc1_bias"]
    for back in range(1, CONTEXT + 1):
        earlier = rows - back
        seen = (earlier >= 0) & (back <= keep)
        hidden[seen] += terms[earlier[seen], back]
    hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))  # GELU, as the head
    logits = (hidden @ w["cues_weight"].T + w["cues_bias"]) / head.temperature
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs, 1.0 / (1.0 + np.exp(-(hidden @ w["safety_weight"].T + w["safety_bias"])))


@dataclass
class Readings:
    """One request's readings: what the filter needs, before it runs."""

    #: blend.v1's class probabilities of the rows, and encoder.v1's flag probabilities.
    classes: np.ndarray
    flags: np.ndarray
    #: Per look-back k (1, 2, ...): blend.v1's move probabilities of turn i-k as seen inside row i's window,
    #: whether that turn exists, and whether it was said by the speaker of turn i-k+1.
    earlier: list[np.ndarray]
    present: list[np.ndarray]
    same: list[np.ndarray]

    def filtered(self, sequence: MoveSequence) -> np.ndarray:
        """The rows' move probabilities after the filter."""
        own = move_probabilities(self.classes).astype(np.float64)
        everywhere = np.ones(len(own), bool)
        return sequence.filter([own, *self.earlier], [everywhere, *self.present], [everywhere, *self.same])


@register_model("blend.v4")
class SequenceBlendModel(BlendModel):
    """blend.v1 with its move probabilities filtered through the move-to-move pattern (``sequence.py``)."""

    name = "blend.v4"
    #: The folder under moves/weights holding ``sequence.json`` (train/fit_sequence.py).
    folder = "blend-v4"

    def fit(self, dialogues=(), labels=()):  # type: ignore[override]
        super().fit()
        self.sequence_ = MoveSequence.load(_folder(self.folder) / "sequence.json")
        return self

    def version(self) -> str:
        return f"{super().version()}:sequence={weights_digest(_folder(self.folder) / 'sequence.json')}"

    def readings(self, requests: Sequence[tuple[Dialogue, Sequence[int]]]) -> list[Readings]:
        """Per request: blend.v1's class probabilities and the encoder's flags of its rows, and the move
        probabilities of the turns before each row as seen inside the row's window (what the filter reads)."""
        self._check_fitted("sequence_")
        encoder, fast, width = self.encoder_, self.fast_, len(CLASSES)
        back = self.sequence_.look_back
        # The encoder reads each row and the CONTEXT turns before it (as encoder.v1 does, in one call: the
        # same texts in the same batches give the same vectors); every earlier reading needed lies in there.
        needed: list[tuple[int, int]] = []
        for r, (_, rows) in enumerate(requests):
            needed.extend((r, j) for j in sorted({j for i in rows for j in range(max(0, i - CONTEXT), i + 1)}))
        encoded = encoder.encoder_.encode([requests[r][0][j].text for r, j in needed])
        vectors = [np.zeros((len(turns), encoded.shape[1] if len(encoded) else 1), np.float32) for turns, _ in requests]
        for (r, j), vector in zip(needed, encoded, strict=True):
            vectors[r][j] = vector
        wanted = [sorted({j for i in rows for j in range(max(0, i - back), i + 1)}) for _, rows in requests]
        shallow = fast.predict_rows([(turns, w) for (turns, _), w in zip(requests, wanted, strict=True)])
        head, weight, power = encoder.head_, self.weight_, self.SHARPEN
        if getattr(self, "_stacked", None) is None:
            self._stacked = stacked_terms(head)
        stacked = self._stacked
        out: list[Readings] = []
        for (turns, rows), vector, w, light in zip(requests, vectors, wanted, shallow, strict=True):
            rows = np.asarray(list(rows), dtype=int)
            if not len(rows):
                out.append(Readings(np.zeros((0, width)), np.zeros((0, len(encoder.flags_))), [], [], []))
                continue
            features = context_features(turns)
            terms = head_terms(head, stacked, vector)
            place = np.asarray(w)

            def light_of(index: np.ndarray) -> np.ndarray:
                return light[np.searchsorted(place, index), :width]

            def blend(deep: np.ndarray, light_rows: np.ndarray) -> np.ndarray:
                mixed = (weight * deep + (1 - weight) * light_rows) ** power
                return mixed / mixed.sum(axis=1, keepdims=True)

            # the rows, then turn i-k of each row i as the conversation cut CONTEXT turns before i shows it
            # (CONTEXT - k turns of context), all read by the head in one pass
            earlier_at = [rows - k for k in range(1, back + 1)]
            present = [index >= 0 for index in earlier_at]
            picked = [index[has] for index, has in zip(earlier_at, present, strict=True)]
            everything = np.concatenate([rows, *picked])
            keep = np.concatenate([np.full(len(rows), CONTEXT)]
                                  + [np.full(len(j), CONTEXT - k) for k, j in enumerate(picked, start=1)])
            deep, flags = head_rows(head, terms, features, everything, keep)
            light_all = light_of(everything)
            cut = ~(keep == CONTEXT)
            light_all[cut] = rewindow(light_all[cut], features[everything[cut]],
                                      cut_context_rows(features[everything[cut]], keep[cut]), fast.dense_weights_)
            read = blend(deep, light_all)
            classes, flags = read[: len(rows)], flags[: len(rows)]
            earlier, same, start = [], [], len(rows)
            speakers = np.array([t.speaker for t in turns] + [None], dtype=object)  # [-1]: no turn
            for index, has, j in zip(earlier_at, present, picked, strict=True):
                moves = np.zeros((len(rows), 4))
                moves[has] = move_probabilities(read[start: start + len(j)])
                start += len(j)
                earlier.append(moves)
                same.append(has & (speakers[np.where(has, index, -1)] == speakers[np.where(has, index + 1, -1)]))
            out.append(Readings(classes, flags, earlier, present, same))
        return out

    def predict_rows(self, requests):  # type: ignore[override]
        out = []
        for read in self.readings(requests):
            classes = np.asarray(read.classes, np.float64)
            moves = read.filtered(self.sequence_)
            # each move's cues keep their shares of it: the cue is blend.v1's best cue of the chosen move
            scale = moves / np.maximum(move_probabilities(classes), 1e-30)
            filtered = classes * scale[:, CLASS_MOVE]
            filtered /= np.maximum(filtered.sum(axis=1, keepdims=True), 1e-30)
            out.append(np.concatenate([filtered, read.flags], axis=1).astype(np.float32))
        return out
