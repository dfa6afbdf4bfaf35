"""Leave-one-set-out choice of the encoder's support bar for possible families (issue 7, S9).

    .venv/bin/python bench/safety_signals.py /tmp/sig      # once: every reading, per row
    .venv/bin/python bench/safety_support.py /tmp/sig [--bars 0.1 0.2 ...]

A *possible* family of the lexicon raises its flag only when a model supports it; on a single message the
move model's flag outputs are low, so many such matches go unflagged. The rule measured here: on a turn the
screen left unflagged, a possible family's flag is raised when the safety encoder reads that same flag at a
bar or more (``safety_encoder.add_findings``, ``support.possible`` in ``data/safety-encoder-v1.json``).

Per set (the encoder's held-out fold, report, report2, tuning and the corpus dev/test/heldout splits, as
``bench/safety_signals.py`` writes them; never corpus/blind or corpus/report3) and bar: flagged turns newly
caught, hard negatives and all unflagged turns newly flagged. Then, for each set held out, the bar chosen on
the others (most catches less two per hard-negative false alarm; ties to the higher bar) and its figures on
the held-out set.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SETS = ("fold", "report", "report2", "tuning", "dev", "test", "heldout")


def gains(d: dict, bar: float) -> tuple[int, int, int]:
    """(caught, hard negatives flagged, unflagged turns flagged) the rule adds at ``bar``."""
    candidate = (~d["base"].any(1))[:, None] & d["lex_possible"]
    reading = np.where(candidate, d["enc_v1"], 0.0).max(1)
    fired = candidate.any(1) & (reading >= bar)
    gold = d["gold"].any(1)
    return int((fired & gold).sum()), int((fired & d["hard"]).sum()), int((fired & ~gold).sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("signals", type=Path)
    parser.add_argument("--bars", type=float, nargs="*", default=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    args = parser.parse_args(argv)
    data = {n: dict(np.load(args.signals / f"{n}.npz")) for n in SETS if (args.signals / f"{n}.npz").exists()}
    table = {n: {b: gains(d, b) for b in args.bars} for n, d in data.items()}
    for n, row in table.items():
        print(f"{n:8s} " + "  ".join(f"{b:.1f}: +{c} fa+{h} ({u})" for b, (c, h, u) in row.items()))
    print("leave one set out:")
    total = [0, 0, 0]
    for held in table:
        def score(b: float, held: str = held) -> tuple[int, float]:
            return sum(table[n][b][0] - 2 * table[n][b][1] for n in table if n != held), b
        bar = max(args.bars, key=score)
        c, h, u = table[held][bar]
        total = [total[0] + c, total[1] + h, total[2] + u]
        print(f"  {held:8s} bar {bar:.1f}: caught +{c}, hard negatives +{h}, all unflagged +{u}")
    print(f"  total: caught +{total[0]}, hard negatives +{total[1]}, all unflagged +{total[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
