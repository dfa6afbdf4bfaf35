"""How much encoder.v1's readings depend on which other turns share its ONNX batch.

    .venv/bin/python bench/encoder_batch_effect.py [FILE.jsonl] [--model blend.v5]   # default: dev, blend.v1

The int8 encoder quantises its activations per batch (dynamic quantisation: one scale per
tensor), so a turn's vector, and sometimes its label, changes with the turns encoded beside it.
This prints, for the same file encoded three ways (the whole file in one call, as ``eval`` does;
each conversation in its own call; each turn alone), the encoder's and blend.v1's macro-F1 and how
many moves differ from the whole-file reading. Differences between models smaller than this spread
are not measurable on one reading. ``--model blend.v5`` measures its statically quantised encoder
(encoder.v1s), whose scales are fixed: every row should read 0 moves and all vectors the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "train"))

from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.classes import CLASSES, MOVES, move_probabilities  # noqa: E402
from cyclemap.moves.context import context_features  # noqa: E402
from cyclemap.moves.registry import make_model  # noqa: E402
from train_fast import load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", type=Path, default=ROOT / "corpus" / "dev.jsonl")
    parser.add_argument("--model", default="blend.v1", help="blend.v1 (encoder.v1) or blend.v5 (encoder.v1s)")
    args = parser.parse_args()
    path, name = args.file, args.model
    blend = make_model(name).fit()
    deep_name = blend.encoder_.name
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
    reference = vectors_whole = None
    for way, vectors in ways.items():
        deep = np.concatenate([encoder.head_(v, f)[0] for v, f in zip(vectors, features, strict=True)])
        mixed = (blend.weight_ * deep + (1 - blend.weight_) * fast) ** blend.SHARPEN
        moves = move_probabilities(mixed / mixed.sum(axis=1, keepdims=True)).argmax(1)
        alone = move_probabilities(deep).argmax(1)
        reference = moves if reference is None else reference
        stacked = np.concatenate(vectors)
        vectors_whole = stacked if vectors_whole is None else vectors_whole
        print(f"{way:26s} {deep_name} {score(gold, [MOVES[i] for i in alone]).macro_f1:.4f}  "
              f"{name} {score(gold, [MOVES[i] for i in moves]).macro_f1:.4f}  "
              f"{name} moves unlike the whole-file reading: {int((moves != reference).sum())} of {len(moves)}; "
              f"vectors byte-identical: {int((stacked == vectors_whole).all(1).sum())}")


if __name__ == "__main__":
    main()
