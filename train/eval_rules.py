"""Measure blend.v3's codebook rules one by one (ablation) on labelled files, at the model's output.

    .venv/bin/python train/eval_rules.py corpus/dev.jsonl corpus/heldout/moves-chat.jsonl ...

For each file: blend.v1's readings are computed once, then every rule alone, all rules, and all
rules but one are applied on top. Prints macro-F1 over the four moves, kappa, the number of
turns each rule changed and how many of those changes fixed or broke a turn. This reads the
model's probabilities directly (no label cache, no safety screen), so its absolute figures differ
slightly from ``cyclemap eval``'s; the differences between rows are what it is for.
The lead's blind set must never be passed here, and the test split only once, at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "train"))

from cyclemap.evaluation.metrics import score  # noqa: E402
from cyclemap.moves import rules  # noqa: E402
from cyclemap.moves.blend_v3 import RuledBlendModel  # noqa: E402
from cyclemap.moves.classes import CLASSES, MOVES, move_probabilities  # noqa: E402
from cyclemap.moves.shipped import BlendModel  # noqa: E402
from train_fast import load  # noqa: E402


def main() -> None:
    model = RuledBlendModel().fit()
    width = len(CLASSES)
    for path in sys.argv[1:]:
        if "blind" in Path(path).parts:
            raise SystemExit("the blind set is for the lead's measurement only")
        turns, labels = load(Path(path))
        requests = [(t, range(len(t))) for t in turns]
        base = BlendModel.predict_rows(model, requests)
        previous = model._previous_readings(requests)
        gold = np.array([MOVES.index(str(label.move)) for row in labels for label in row])

        def moves(chosen: tuple[rules.Rule, ...]) -> np.ndarray:
            out = []
            for (t, rows), matrix, before in zip(requests, base, previous, strict=True):
                out.append(move_probabilities(rules.correct(matrix[:, :width], t, list(rows), before, chosen)))
            return np.concatenate(out).argmax(1)

        reference = moves(())
        print(f"== {path} ({len(gold)} turns)")
        variants = [("blend.v1 (no rules)", ())] + [(f"+ {r.name}", (r,)) for r in (*rules.RULES, rules.MOCK_APOLOGY)]
        variants += [("all rules (blend.v3)", rules.RULES)]
        variants += [(f"all but {r.name}", tuple(x for x in rules.RULES if x is not r)) for r in rules.RULES]
        for name, chosen in variants:
            predicted = moves(chosen)
            result = score([MOVES[i] for i in gold], [MOVES[i] for i in predicted])
            changed = predicted != reference
            fixed = int((changed & (predicted == gold)).sum())
            broke = int((changed & (reference == gold)).sum())
            print(f"{name:28s} macro-F1 {result.macro_f1:.4f}  kappa {result.kappa:.4f}  "
                  f"changed {int(changed.sum()):3d} (fixed {fixed}, broke {broke})")


if __name__ == "__main__":
    main()
