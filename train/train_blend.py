"""Fit blend.v2's combiner on the dev split (NumPy alone) and save what ships.

    .venv/bin/python train/train_blend.py [--out src/cyclemap/moves/weights/blend-v2]

encoder.v1 and fast.v2 were trained on the train split, so their readings of
the train split are far too good (encoder.v1: train macro-F1 0.98) to teach a
combiner anything; their readings of dev are honest. The combiner is therefore
fitted on dev. Its dev figure is measured by cross-validation over dev's
conversations (5 folds, twice with different fold assignments) before the
final fit on all of dev; the test split is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.classes import MOVES  # noqa: E402
from cyclemap.moves.shipped import StackedBlendModel  # noqa: E402
from cyclemap.moves.stacked import Combiner  # noqa: E402
sys.path.insert(0, str(ROOT / "train"))
from train_fast import load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "cyclemap" / "moves" / "weights" / "blend-v2")
    parser.add_argument("--l2", type=float, default=1e-2)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    turns, labels = load(ROOT / "corpus" / "dev.jsonl")
    model = StackedBlendModel(l2=args.l2)
    model._parts()  # the two shipped models, without a combiner yet
    parts = model._features([(t, range(len(t))) for t in turns])
    x = np.concatenate([p[0] for p in parts])
    y = np.array([MOVES.index(str(label.move)) for row in labels for label in row])
    conversation = np.concatenate([[c] * len(t) for c, t in enumerate(turns)])
    probs = np.zeros((len(y), len(MOVES)))
    for repeat in range(2):
        fold = (conversation * 7 + repeat) % args.folds
        for k in range(args.folds):
            held = fold == k
            probs[held] += Combiner.fit(x[~held], y[~held], l2=args.l2)(x[held]) / 2
    result = score([MOVES[i] for i in y], [MOVES[i] for i in probs.argmax(1)])
    nll = -np.log(probs[np.arange(len(y)), y]).mean()
    print(f"blend.v2 combiner: {x.shape[1]} features; dev macro-F1 {result.macro_f1:.4f} "
          f"(cross-validated), accuracy {result.accuracy:.4f}, log-loss {nll:.3f}")
    combiner = Combiner.fit(x, y, l2=args.l2)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "combiner.npz", **combiner.arrays())
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
