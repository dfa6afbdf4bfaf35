"""Benchmark: the cost per turn of the wording model (``safety_text.v1``) in the safety screen.

    .venv/bin/python bench/safety_text_speed.py [FILE.jsonl]   # default: corpus/dev.jsonl

Reports microseconds per turn for the model's batch reading alone, and for ``screen_many`` (the
lexicon plus the wording model, as ``analyze`` and ``classify`` run it) with and without the model.
Best of five runs; the machine is shared, so figures are noisy.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cyclemap.moves.screening as screening
from cyclemap.safety_text import text_probabilities

ROOT = Path(__file__).resolve().parent.parent


def best(fn, repeat: int = 5) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "corpus/dev.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [(t, [0.0, 0.0, 0.0, 0.0]) for t in texts]
    n = len(texts)
    model_only = best(lambda: text_probabilities(texts))
    with_model = best(lambda: screening.screen_many(items))
    original = screening.text_probabilities
    screening.text_probabilities = lambda _texts: None  # the screen without the wording model
    import cyclemap.safety as safety

    single = safety._text_probabilities
    safety._text_probabilities = lambda _texts: None
    try:
        without = best(lambda: screening.screen_many(items))
    finally:
        screening.text_probabilities = original
        safety._text_probabilities = single
    one = best(lambda: [text_probabilities([t]) for t in texts[:500]], 3) / min(n, 500)
    print(f"{path.name}: {n} turns")
    print(f"  wording model, one batch: {model_only / n * 1e6:.1f} us/turn")
    print(f"  wording model, one turn at a time: {one * 1e6:.1f} us/turn")
    print(f"  screen_many with it: {with_model / n * 1e6:.1f} us/turn; without: {without / n * 1e6:.1f} us/turn")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
