"""The default move model: a fine-tuned sentence encoder (int8 ONNX) and a small context head.

Each turn is encoded once; the head reads the turn's vector beside the vectors
of the three turns before it and their context features, and gives 21 class
probabilities (neutral and the 20 cues; a move's probability is the sum of its
cues') and 4 safety-flag probabilities. Trained by ``train/train_moves.py``;
runs on ONNX Runtime and NumPy only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from ..codebook import CUES, Move
from ..model import Turn
from .context import CONTEXT, context_features
from .label import MoveLabel

MOVES = tuple(m.value for m in Move)


def weights_dir(version: str) -> Path:
    return Path(str(resources.files("cyclemap.moves") / "weights" / version))


class ContextHead:
    """NumPy mirror of the training script's ContextHead (same layer names)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.w = {k: v.astype(np.float32) for k, v in arrays.items()}
        self.temperature = float(arrays.get("temperature", 1.0))

    def _linear(self, name: str, x: np.ndarray) -> np.ndarray:
        return x @ self.w[f"{name}_weight"].T + self.w[f"{name}_bias"]

    def __call__(self, vectors: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        projected = np.tanh(self._linear("proj", vectors))
        parts = [projected]
        for back in range(1, CONTEXT + 1):
            shifted = np.zeros_like(projected)
            shifted[back:] = projected[:-back] if back < len(projected) else shifted[back:]
            parts.append(shifted)
        hidden = self._linear("fc1", np.concatenate([*parts, features], axis=1))
        hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))  # GELU, as torch's default
        logits = self._linear("cues", hidden) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        flags = 1.0 / (1.0 + np.exp(-self._linear("safety", hidden)))
        return probs, flags


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7): NumPy has no erf and SciPy is not a dependency.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * np.exp(-x * x)
    return sign * y


class TurnEncoder:
    """Tokenizer + int8 ONNX encoder; vectors for many texts at once, batched by length."""

    def __init__(self, folder: Path, max_tokens: int, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(folder / "encoder.int8.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.dim = self.session.get_outputs()[0].shape[-1]

    def encode(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        unique = list(dict.fromkeys(texts))  # "ok" and "lol" are encoded once
        encodings = self.tokenizer.encode_batch(unique)
        order = sorted(range(len(unique)), key=lambda i: len(encodings[i].ids))
        vectors = np.zeros((len(unique), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch):
            chosen = order[start:start + batch]
            width = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, index in enumerate(chosen):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            vectors[chosen] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[t] for t in texts]]


class EncoderReader:
    """The shipped weights of one version, loaded lazily."""

    def __init__(self, version: str) -> None:
        self.folder = weights_dir(version)
        self.meta = json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))
        self.classes: list[str] = self.meta["classes"]
        self.flags: list[str] = self.meta["flags"]
        self.class_move = np.array([MOVES.index(CUES[c].value) if c in CUES else MOVES.index("neutral") for c in self.classes])

    @cached_property
    def encoder(self) -> TurnEncoder:
        return TurnEncoder(self.folder, self.meta["max_tokens"])

    @cached_property
    def head(self) -> ContextHead:
        with np.load(self.folder / "head.npz") as arrays:
            return ContextHead(dict(arrays))

    def probabilities(self, turns: Sequence[Turn]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(class probs, move probs, flag probs) for one conversation."""
        vectors = self.encoder.encode([t.text for t in turns])
        class_probs, flag_probs = self.head(vectors, context_features(turns))
        move_probs = np.zeros((len(turns), len(MOVES)), dtype=np.float32)
        for index in range(len(MOVES)):
            move_probs[:, index] = class_probs[:, self.class_move == index].sum(axis=1)
        return class_probs, move_probs, flag_probs


def labels_from_probabilities(
    reader: EncoderReader, class_probs: np.ndarray, move_probs: np.ndarray
) -> list[MoveLabel]:
    labels = []
    for cls_row, move_row in zip(class_probs, move_probs, strict=True):
        move_index = int(move_row.argmax())
        move = Move(MOVES[move_index])
        cue = None
        if move is not Move.NEUTRAL:
            candidates = [i for i, c in enumerate(reader.classes) if reader.class_move[i] == move_index]
            cue = reader.classes[max(candidates, key=lambda i: cls_row[i])]
        labels.append(MoveLabel(move, cue, confidence=float(move_row[move_index])))
    return labels
