"""How much encoder.v1's readings depend on which other turns share its ONNX batch.

    .venv/bin/python bench/encoder_batch_effect.py [FILE.jsonl]   # default: the dev split

The int8 encoder quantises its activations per batch (dynamic quantisation: one scale per
tensor), so a turn's vector, and sometimes its label, changes with the turns encoded beside it.
This prints, for the same file encoded three ways (the whole file in one call, as ``eval`` does;
each conversation in its own call; each turn alone), the encoder's and blend.v1's macro-F1 and how
many moves differ from the whole-file reading. Differences between models smaller than this spread
are not measurable on one reading.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "train"))

from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.classes import CLASSES, MOVES, move_probabilities  # noqa: E402
from cyclemap.moves.context import context_features  # noqa: E402
from cyclemap.moves.shipped import BlendModel  # noqa: E402
from train_fast import load  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus" / "dev.jsonl"
    blend = BlendModel().fit()
    encoder, width = blend.encoder_, len(CLASSES)
    turns, labels = load(path)
    gold = [str(label.move) for row in labels for label in row]
    features = [context_features(t) for t in turns]
    fast = np.concatenate([r[:, :width] for r in blend.fast_.predict_rows([(t, range(len(t))) for t in turns])])
    texts = [[x.text for x in t] for t in turns]
    flat = [text for conversation in texts for text in conversation]
    whole = encoder.encoder_.encode(flat)
    cut = np.cumsum([0] + [len(t) for t in texts])
    ways = {
        "whole file in one call": [whole[a:b] for a, b in zip(cut[:-1], cut[1:], strict=True)],
        "one call per conversation": [encoder.encoder_.encode(t) for t in texts],
        "one turn per batch": [encoder.encoder_.encode(t, batch=1) for t in texts],
    }
    reference = None
    for name, vectors in ways.items():
        deep = np.concatenate([encoder.head_(v, f)[0] for v, f in zip(vectors, features, strict=True)])
        mixed = (blend.weight_ * deep + (1 - blend.weight_) * fast) ** blend.SHARPEN
        moves = move_probabilities(mixed / mixed.sum(axis=1, keepdims=True)).argmax(1)
        alone = move_probabilities(deep).argmax(1)
        reference = moves if reference is None else reference
        print(f"{name:26s} encoder.v1 {score(gold, [MOVES[i] for i in alone]).macro_f1:.4f}  "
              f"blend.v1 {score(gold, [MOVES[i] for i in moves]).macro_f1:.4f}  "
              f"blend.v1 moves unlike the whole-file reading: {int((moves != reference).sum())} of {len(moves)}")


if __name__ == "__main__":
    main()
