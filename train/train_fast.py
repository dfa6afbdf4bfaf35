"""Train the --fast move model on the corpus with NumPy alone, and save what ships.

    .venv/bin/python train/train_fast.py                      # fast.v1
    .venv/bin/python train/train_fast.py --copies 2 --min-count 4 \
        --out src/cyclemap/moves/weights/fast-v2               # fast.v2

fast.v2 trains on the corpus plus ``--copies`` noisy copies of it (texting and
transcript style, ``train/messy.py``, seeded), so it leans less on tidy spelling.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.codebook import Move, cues_of  # noqa: E402
from cyclemap.evaluation import group_dialogues, read_labelled  # noqa: E402
from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves.fast import FastModel  # noqa: E402
from cyclemap.moves.label import MoveLabel  # noqa: E402

sys.path.insert(0, str(ROOT / "train"))
from messy import messy  # noqa: E402


def load(path: Path):
    dialogues = group_dialogues(read_labelled(path))
    turns = [[r.turn for r in d] for d in dialogues]
    labels = [
        [MoveLabel(Move(r.move), r.cue or (cues_of(r.move)[0] if r.move != "neutral" else None), safety=r.safety) for r in d]
        for d in dialogues
    ]
    return turns, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "cyclemap" / "moves" / "weights" / "fast-v1")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--copies", type=int, default=0, help="noisy copies of the train split to add (fast.v2: 2)")
    parser.add_argument("--min-count", type=int, default=2, help="keep features seen this often (fast.v2: 4)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the noise")
    args = parser.parse_args()
    train_turns, train_labels = load(ROOT / "corpus" / "train.jsonl")
    rng = random.Random(args.seed)
    clean = (list(train_turns), list(train_labels))
    for _ in range(args.copies):
        train_turns += [[replace(t, text=messy(t.text, rng, 1.0)) for t in d] for d in clean[0]]
        train_labels += clean[1]
    dev_turns, dev_labels = load(ROOT / "corpus" / "dev.jsonl")
    started = time.time()
    model = FastModel(epochs=args.epochs, min_count=args.min_count).fit(train_turns, train_labels)
    predicted = [str(label.move) for labels in model.predict(dev_turns) for label in labels]
    gold = [str(label.move) for labels in dev_labels for label in labels]
    result = score(gold, predicted)
    print(f"{args.out.name}: {len(model.vocabulary_)} features, trained in {time.time() - started:.0f}s; "
          f"dev macro-F1 {result.macro_f1:.3f}, accuracy {result.accuracy:.3f}")
    model.save(args.out)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
