"""The ``--fast`` move model: words and word pairs, with the turn before as context, in a linear model.

Built for very long histories and batch research: tens of thousands of turns
a second on one core. It reads the turn's words and word pairs, a few surface
marks (question and exclamation marks, capitals, length), the previous turn's
words (marked as said by the same person or another) and the context features
of :mod:`cyclemap.moves.context`, and scores the 21 classes (neutral and the
20 cues) with one weight matrix. ``fit`` trains it with NumPy alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model import Turn
from ..codebook import SafetyFlag
from .classes import CLASSES, labels_from_class_probs
from .classes import softmax as _softmax
from .context import N_FEATURES, context_features
from .fast_features import FeatureTables
from .label import MoveLabel
from .registry import Dialogue, MoveModel

FLAGS = tuple(f.value for f in SafetyFlag)
FLAG_WEIGHT = 4.0
_WORD = re.compile(r"[a-z0-9']+|[?!]|[^\sa-z0-9'?!.,;:\"()]", re.IGNORECASE)


def turn_tokens(text: str) -> list[str]:
    """The turn's own features: words, word pairs and surface marks."""
    lowered = text.lower()
    words = _WORD.findall(lowered)[:80]
    tokens = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
    length = len(words)
    tokens.append(f"#len{min(length, 12) if length < 12 else (20 if length < 30 else 40)}")
    letters = sum(map(str.isalpha, text))  # map over a builtin: a C loop, not a Python one
    if letters >= 4 and sum(map(str.isupper, text)) / letters > 0.7:
        tokens.append("#caps")
    if text.count("?") >= 2:
        tokens.append("#??")
    if not words:
        tokens.append("#empty")
    return tokens


def context_tokens(turns: Sequence[Turn], index: int) -> list[str]:
    """The previous turn's words, marked by who said it."""
    if index == 0:
        return ["@start"]
    previous = turns[index - 1]
    mark = "@same:" if previous.speaker == turns[index].speaker else "@other:"
    words = _WORD.findall(previous.text.lower())[:40]
    return [mark + w for w in words] + [mark + f"{a} {b}" for a, b in zip(words, words[1:])]


def dialogue_tokens(turns: Sequence[Turn]) -> list[list[str]]:
    return [turn_tokens(t.text) + context_tokens(turns, i) for i, t in enumerate(turns)]


class FastModel(MoveModel):
    """Linear model over hashed-free vocabulary features; learned state in ``vocabulary_``/``weights_``."""

    name = "fast.v1"

    def __init__(self, *, min_count: int = 2, epochs: int = 40, learning_rate: float = 2.0, l2: float = 1e-5) -> None:
        self.min_count = min_count
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.l2 = l2

    # -- features -----------------------------------------------------------
    def _rows(self, dialogues: Sequence[Dialogue]) -> tuple[list[np.ndarray], np.ndarray]:
        rows: list[np.ndarray] = []
        dense = []
        for turns in dialogues:
            for tokens in dialogue_tokens(turns):
                rows.append(np.fromiter((self.vocabulary_[t] for t in tokens if t in self.vocabulary_), dtype=np.int32))
            dense.append(context_features(turns))
        return rows, (np.concatenate(dense) if dense else np.zeros((0, N_FEATURES), np.float32))

    def _scores(self, rows: list[np.ndarray], dense: np.ndarray) -> np.ndarray:
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        flat = np.concatenate(rows) if rows else np.zeros(0, np.int32)
        scores = dense @ self.dense_weights_ + self.bias_
        if len(flat):
            contributions = self.weights_[flat]
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            nonempty = lengths > 0
            summed = np.add.reduceat(contributions, starts[nonempty], axis=0)
            scores[nonempty] += summed
        return scores

    # -- estimator contract ------------------------------------------------------
    def fit(self, dialogues: Sequence[Dialogue], labels: Sequence[Sequence[MoveLabel]]) -> FastModel:
        counts = Counter(token for turns in dialogues for tokens in dialogue_tokens(turns) for token in set(tokens))
        self.vocabulary_ = {t: i for i, t in enumerate(sorted(t for t, c in counts.items() if c >= self.min_count))}
        target = np.array([CLASSES.index(label.cue or "neutral") for row in labels for label in row])
        flags = np.array([[f in label.safety for f in FLAGS] for row in labels for label in row], np.float32).reshape(-1, len(FLAGS))
        rows, dense = self._rows(dialogues)
        if len(rows) != len(target):
            raise ValueError("one label per turn is needed")
        rng = np.random.default_rng(0)
        width = len(CLASSES) + len(FLAGS)  # softmax over the classes, a sigmoid per flag
        self.weights_ = np.zeros((len(self.vocabulary_), width), np.float32)
        self.dense_weights_ = np.zeros((N_FEATURES, width), np.float32)
        self.bias_ = np.zeros(width, np.float32)
        frequency = np.bincount(target, minlength=len(CLASSES)).astype(np.float32)
        sample_weight = (frequency.sum() / np.maximum(frequency, 1)) ** 0.5
        sample_weight = sample_weight / sample_weight[target].mean()
        for epoch in range(self.epochs):
            rate = self.learning_rate / (1 + epoch * 0.2)
            order = rng.permutation(len(rows))
            for start in range(0, len(order), 256):
                batch = order[start:start + 256]
                batch_rows = [rows[i] for i in batch]
                scores = self._scores(batch_rows, dense[batch])
                grad = np.empty_like(scores)
                grad[:, : len(CLASSES)] = _softmax(scores[:, : len(CLASSES)])
                grad[np.arange(len(batch)), target[batch]] -= 1.0
                grad[:, : len(CLASSES)] *= sample_weight[target[batch]][:, None]
                flag_probs = 1.0 / (1.0 + np.exp(-scores[:, len(CLASSES):]))
                # Missing a danger costs more than a false alarm: positives weigh FLAG_WEIGHT.
                truth = flags[batch]
                grad[:, len(CLASSES):] = (flag_probs - truth) * (1.0 + (FLAG_WEIGHT - 1.0) * truth)
                grad /= len(batch)
                flat = np.concatenate(batch_rows) if batch_rows else np.zeros(0, np.int32)
                owners = np.repeat(np.arange(len(batch)), [len(r) for r in batch_rows])
                np.subtract.at(self.weights_, flat, rate * grad[owners])
                self.dense_weights_ -= rate * (dense[batch].T @ grad + self.l2 * self.dense_weights_)
                self.bias_ -= rate * grad.sum(0)
            self.weights_ *= 1 - rate * self.l2
        return self

    def _probabilities(self, rows: list[np.ndarray], dense: np.ndarray) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(CLASSES) + len(FLAGS)), np.float32)
        scores = self._scores(rows, dense)
        scores[:, : len(CLASSES)] = _softmax(scores[:, : len(CLASSES)])
        scores[:, len(CLASSES):] = 1.0 / (1.0 + np.exp(-scores[:, len(CLASSES):]))
        return scores

    def predict_proba(self, dialogues: Sequence[Dialogue]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(class probs, flag probs) per conversation."""
        self._check_fitted("weights_")
        rows, dense = self._rows(dialogues)
        probs = self._probabilities(rows, dense)
        out, start = [], 0
        for turns in dialogues:
            chunk = probs[start:start + len(turns)]
            out.append((chunk[:, : len(CLASSES)], chunk[:, len(CLASSES):]))
            start += len(turns)
        return out

    def predict_rows(self, requests: Sequence[tuple[Dialogue, Sequence[int]]]) -> list[np.ndarray]:
        """For each (turns, row indices): rows of 21 class probabilities then 4 flag probabilities."""
        self._check_fitted("weights_")
        out = []
        for turns, rows in requests:
            rows = list(rows)
            found = self._tables().rows(turns, rows) if rows else None
            if found is None:  # the plain path: strings per token, looked up one by one
                out.append(self._plain_rows(turns, rows))
                continue
            dense = context_features(turns)[rows]
            out.append(self._probabilities_flat(found[0], found[1], dense))
        return out

    def _plain_rows(self, turns: Dialogue, rows: list[int]) -> np.ndarray:
        """predict_rows for one conversation, token string by token string (the reference path)."""
        tokens = [turn_tokens(turns[i].text) + context_tokens(turns, i) for i in rows]
        lookup = self.vocabulary_.get
        index = [np.array([i for i in map(lookup, ts) if i is not None], dtype=np.int32) for ts in tokens]
        dense = context_features(turns)[rows] if rows else np.zeros((0, N_FEATURES), np.float32)
        return self._probabilities(index, dense)

    def _tables(self) -> FeatureTables:
        """The vocabulary as arrays, built on first use (and again if the vocabulary changed)."""
        tables = getattr(self, "_feature_tables", None)
        if tables is None or tables[0] is not self.vocabulary_:
            tables = (self.vocabulary_, FeatureTables(self.vocabulary_))
            self._feature_tables = tables
        return tables[1]

    def _probabilities_flat(self, flat: np.ndarray, lengths: np.ndarray, dense: np.ndarray) -> np.ndarray:
        scores = dense @ self.dense_weights_ + self.bias_
        if len(flat):
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            nonempty = lengths > 0
            scores[nonempty] += np.add.reduceat(self.weights_[flat], starts[nonempty], axis=0)
        scores[:, : len(CLASSES)] = _softmax(scores[:, : len(CLASSES)])
        scores[:, len(CLASSES):] = 1.0 / (1.0 + np.exp(-scores[:, len(CLASSES):]))
        return scores

    def predict(self, dialogues: Sequence[Dialogue]) -> list[list[MoveLabel]]:
        return [labels_from_class_probs(classes) for classes, _ in self.predict_proba(dialogues)]

    # -- persistence ---------------------------------------------------------------
    def save(self, folder: Path) -> None:
        self._check_fitted("weights_")
        folder.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        (folder / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(
            folder / "weights.npz",
            weights=self.weights_.astype(np.float16),
            dense=self.dense_weights_,
            bias=self.bias_,
        )

    @classmethod
    def load(cls, folder: Path) -> FastModel:
        model = cls()
        vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        model.vocabulary_ = {t: i for i, t in enumerate(vocabulary)}
        with np.load(folder / "weights.npz") as arrays:
            model.weights_ = arrays["weights"].astype(np.float32)
            model.dense_weights_ = arrays["dense"]
            model.bias_ = arrays["bias"]
        return model
