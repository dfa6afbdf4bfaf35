"""Benchmark: the safety lexicon's scan, µs per turn, before and after the speed work.

    .venv/bin/python bench/safety_speed.py [--turns 100000] [--repeats 3] [--chat]

"Before" is the lexicon as it was (kept verbatim in ``tests/safety_reference.py``); "after" is the
shipped one. The turns are the corpus's texts (``corpus/cyclemap-corpus.jsonl``, not the blind set),
cycled to ``--turns``; with ``--chat``, the messages of the WhatsApp export ``bench/classify_speed.py``
generates from them (longer: a message may join several turns, some with emoji). "cold" is the first
pass of a fresh lexicon (its word cache empty), "warm" a later one; every figure is the best of
``--repeats`` runs, as the machine is shared (figures are noisy when the load average is high).
Also checks that both give the same findings on every turn.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import astuple
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cyclemap.safety_lexicon import compile_lexicon  # noqa: E402
from tests import safety_reference as reference  # noqa: E402


def _data() -> dict:
    return json.loads((ROOT / "src" / "cyclemap" / "data" / "safety_patterns.json").read_text(encoding="utf-8"))


def _chat(corpus: list[str], size: int) -> list[str]:
    """The messages of the benchmark's WhatsApp export (header cut off; continuation lines kept)."""
    import re
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    from whatsapp_parse import generate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chat.txt"
        generate(path, size, phrases=tuple(t for t in corpus if ": " not in t[:40]))
        lines = path.read_text(encoding="utf-8").splitlines()
    header = re.compile(r"^\d\d/\d\d/\d{4}, \d\d:\d\d - [^:]+: ")
    return [header.sub("", line) for line in lines]


def _per_turn(scan, texts: list[str]) -> float:  # noqa: ANN001 - a bound scan
    started = time.process_time()
    for text in texts:
        scan(text)
    return (time.process_time() - started) / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chat", action="store_true", help="the generated WhatsApp chat's messages")
    args = parser.parse_args()
    rows = (json.loads(line) for line in (ROOT / "corpus" / "cyclemap-corpus.jsonl").read_text(encoding="utf-8").splitlines())
    corpus = [row["text"] for row in rows]
    if args.chat:
        corpus = _chat(corpus, args.turns)
    texts = list(islice(cycle(corpus), args.turns))
    data = _data()
    old = reference.compile_lexicon(data)
    new = compile_lexicon(data)
    differ = sum(
        [[astuple(h) for h in part] for part in old.scan(t)] != [[astuple(h) for h in part] for part in new.scan(t)]
        for t in corpus
    )
    print(f"{len(texts):,} turns ({len(corpus):,} distinct); load average {os.getloadavg()[0]:.1f} on 2 cores;"
          f" findings differ on {differ} of {len(corpus):,} distinct texts")
    before = min(_per_turn(old.scan, texts) for _ in range(args.repeats))
    cold = min(_per_turn(compile_lexicon(data).scan, texts) for _ in range(args.repeats))
    warm = min(_per_turn(new.scan, texts) for _ in range(args.repeats))
    print(f"  before        {before:6.1f} µs/turn")
    print(f"  after (cold)  {cold:6.1f} µs/turn   ({before / cold:.1f}x)")
    print(f"  after (warm)  {warm:6.1f} µs/turn   ({before / warm:.1f}x)")


if __name__ == "__main__":
    main()
