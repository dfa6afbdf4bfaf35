"""The default move model: a fine-tuned sentence encoder (int8 ONNX) and a small context head.

Each turn is encoded once; the head reads the turn's vector beside the vectors
of the three turns before it and their context features, and gives 21 class
probabilities (neutral and the 20 cues; a move's probability is the sum of its
cues') and 4 safety-flag probabilities. Trained by ``train/train_moves.py``;
runs on ONNX Runtime and NumPy only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from .classes import CLASSES, labels_from_class_probs
from .context import CONTEXT, context_features
from .label import MoveLabel
from .registry import Dialogue, MoveModel


def weights_digest(*paths: Path) -> str:
    """A short digest of weight files (read once per process; the cache key depends on it)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def weights_dir(version: str) -> Path:
    """A shipped weights folder by name ("encoder-v1"), or any folder by absolute path (a
    candidate fresh from train/train_moves.py, measured before it ships)."""
    if Path(version).is_absolute():
        return Path(version)
    return Path(str(resources.files("cyclemap.moves") / "weights" / version))


class ContextHead:
    """NumPy mirror of the training script's ContextHead (same layer names)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.w = {k: v.astype(np.float32) for k, v in arrays.items()}
        self.temperature = float(arrays.get("temperature", 1.0))

    def _linear(self, name: str, x: np.ndarray) -> np.ndarray:
        return x @ self.w[f"{name}_weight"].T + self.w[f"{name}_bias"]

    def __call__(
        self, vectors: np.ndarray, features: np.ndarray, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Class and flag probabilities for ``rows`` (default: every turn).

        ``vectors`` needs real values only at each chosen row and the CONTEXT rows before it.
        """
        rows = np.arange(len(vectors)) if rows is None else np.asarray(rows)
        projected = np.tanh(self._linear("proj", vectors))
        parts = [projected[rows]]
        for back in range(1, CONTEXT + 1):
            earlier = rows - back
            shifted = projected[np.maximum(earlier, 0)]
            shifted[earlier < 0] = 0.0
            parts.append(shifted)
        hidden = self._linear("fc1", np.concatenate([*parts, features[rows]], axis=1))
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
        # ONNX Runtime's threads split each batch's matrices; by default a thread that finishes early
        # spins until the next piece of work comes, which cost a third of the CPU time (more when other
        # programs share the cores). Waiting asleep instead changes no number: the work is split the
        # same way (bench/fast_identity.py --default compares every output byte).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
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


class EncoderModel(MoveModel):
    """The shipped, fine-tuned encoder model (see the module docstring).

    It is trained by ``train/train_moves.py``, which needs PyTorch; ``fit``
    here loads those shipped weights (learned state in ``head_``/``encoder_``)
    and checks they speak the codebook's classes.
    """

    name = "encoder.v1"
    pretrained = True

    def __init__(self, *, weights: str = "encoder-v1", threads: int = 0) -> None:
        self.weights = weights
        self.threads = threads

    def fit(self, dialogues: Sequence[Dialogue] = (), labels: Sequence[Sequence[MoveLabel]] = ()) -> EncoderModel:
        folder = weights_dir(self.weights)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if tuple(meta["classes"]) != CLASSES:
            raise ValueError(f"weights {self.weights} were trained on other classes than this codebook's")
        self.meta_ = meta
        self.flags_: list[str] = meta["flags"]
        self.encoder_ = TurnEncoder(folder, meta["max_tokens"], self.threads)
        with np.load(folder / "head.npz") as arrays:
            self.head_ = ContextHead(dict(arrays))
        return self

    def version(self) -> str:
        folder = weights_dir(self.weights)
        return f"{self.name}:{weights_digest(folder / 'meta.json', folder / 'head.npz', folder / 'encoder.int8.onnx')}"

    def predict_rows(self, requests: Sequence[tuple[Dialogue, Sequence[int]]]) -> list[np.ndarray]:
        """For each (turns, row indices): rows of 21 class then 4 flag probabilities.

        Only the chosen turns and the CONTEXT turns before each are encoded, all
        requests in one batch run: re-reading a chat with new messages costs the new ones.
        """
        self._check_fitted("head_")
        needed: list[tuple[int, int]] = []
        for r, (turns, rows) in enumerate(requests):
            wanted = sorted({j for i in rows for j in range(max(0, i - CONTEXT), i + 1)})
            needed.extend((r, j) for j in wanted)
        encoded = self.encoder_.encode([requests[r][0][j].text for r, j in needed])
        vectors = [np.zeros((len(turns), encoded.shape[1] if len(encoded) else 1), np.float32) for turns, _ in requests]
        for (r, j), vector in zip(needed, encoded, strict=True):
            vectors[r][j] = vector
        out = []
        for (turns, rows), vector in zip(requests, vectors, strict=True):
            if not len(rows):
                out.append(np.zeros((0, len(CLASSES) + len(self.flags_)), np.float32))
                continue
            classes, flags = self.head_(vector, context_features(turns), np.asarray(rows))
            out.append(np.concatenate([classes, flags], axis=1).astype(np.float32))
        return out

    def predict_proba(self, dialogues: Sequence[Dialogue]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(class probs, flag probs) per conversation."""
        rows = self.predict_rows([(turns, range(len(turns))) for turns in dialogues])
        return [(r[:, : len(CLASSES)], r[:, len(CLASSES):]) for r in rows]

    def predict(self, dialogues: Sequence[Dialogue]) -> list[list[MoveLabel]]:
        return [labels_from_class_probs(classes) for classes, _ in self.predict_proba(dialogues)]
