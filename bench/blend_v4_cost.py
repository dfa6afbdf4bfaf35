"""What blend.v4 adds to blend.v1's cost: CPU per turn of everything but the encoder's ONNX pass.

    .venv/bin/python bench/blend_v4_cost.py [--repeats 5]

Both models read the train split with the encoder's vectors cached (the ONNX pass is the same for both:
the same texts in the same batches), best of ``--repeats`` on the shared machine. Noisy under load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cyclemap.evaluation.labelled import group_dialogues, read_labelled  # noqa: E402
from cyclemap.moves.registry import make_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    dialogues = group_dialogues(read_labelled(ROOT / "corpus" / "train.jsonl"))
    requests = [([r.turn for r in d], range(len(d))) for d in dialogues]
    n = sum(len(d) for d in dialogues)
    v1, v4 = make_model("blend.v1").fit(), make_model("blend.v4").fit()
    encoder = v1.encoder_.encoder_
    memo: dict[str, object] = {}
    real = encoder.encode

    def cached(texts, batch=64):  # noqa: ANN001, ANN202 - the encoder's signature
        key = "\0".join(texts)
        if key not in memo:
            memo[key] = real(texts, batch)
        return memo[key]

    for model in (v1, v4):
        model.encoder_.encoder_.encode = cached
        model.predict_rows(requests)  # fills the memo
    for model in (v1, v4):
        best = min(_timed(model, requests) for _ in range(args.repeats))
        print(f"{model.name}: {1000 * best / n:.4f} ms of CPU per turn besides the encoder ({n} turns)")


def _timed(model, requests) -> float:  # noqa: ANN001
    start = time.process_time()
    model.predict_rows(requests)
    return time.process_time() - start


if __name__ == "__main__":
    main()
