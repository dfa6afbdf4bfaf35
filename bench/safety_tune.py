"""Tune the safety screen's bars on the model's flag probabilities; writes src/cyclemap/data/safety_thresholds.json.

    .venv/bin/python bench/safety_tune.py [--target 0.04] [--fast] [--dry-run]

Re-run it whenever the default model changes (its flag outputs shift). It reads only the
tuning data: the corpus dev split and corpus/safety/tuning.jsonl (never the report set,
the test split, the held-out set or corpus/blind/). Greedy search: all bars start high,
and the one change that adds the most caught flagged turns is taken while the false
alarms on the hard negatives of EACH tuning file stay at or under --target.
Bars: ``model`` (the model alone), ``support`` (a possible family of the lexicon plus the
model), ``guarded`` (the model alone where a guard held a match: a film, a joke, a figure
of speech). The bar for a *clear* model reading stays at 0.9.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safety_probs import Row, load  # noqa: E402

from cyclemap.moves.labeller import FAST  # noqa: E402
from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402
from cyclemap.safety import FLAGS, decide, scan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TUNING = ("corpus/dev.jsonl", "corpus/safety/tuning.jsonl")
OUT = ROOT / "src/cyclemap/data/safety_thresholds.json"
GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1.01)
KINDS = ("model", "support", "guarded")


def evaluate(rows: list[tuple[Row, str]], scans: list, bars: dict) -> tuple[int, int, float, int]:
    """(flagged turns caught, flagged turns, worst false-alarm rate of one tuning file, hard negatives flagged)."""
    caught = positives = alarms = 0
    per_file: dict[str, list[int]] = {}
    for (r, source), (hits, held) in zip(rows, scans, strict=True):
        if not r.gold and not r.hard_negative:
            continue
        flags, _ = decide(hits, held, r.probabilities, bars)
        if r.gold:
            positives += 1
            caught += bool(set(flags) & set(r.gold))
        else:
            counts = per_file.setdefault(source, [0, 0])
            counts[0] += bool(flags)
            counts[1] += 1
            alarms += bool(flags)
    worst = max((a / n for a, n in per_file.values() if n), default=0.0)
    return caught, positives, worst, alarms


def tune(rows, scans, target: float) -> dict:
    bars = {kind: {flag: 1.01 for flag in FLAGS} for kind in KINDS}
    bars["clear"] = 0.9
    caught, positives, worst, alarms = evaluate(rows, scans, bars)
    while True:
        best = None
        for kind in KINDS:
            for flag in FLAGS:
                for value in GRID:
                    if value >= bars[kind][flag]:
                        continue
                    trial = {k: dict(v) if isinstance(v, dict) else v for k, v in bars.items()}
                    trial[kind][flag] = value
                    c, _, w, a = evaluate(rows, scans, trial)
                    if w > target or c <= caught:
                        continue
                    gain = (c - caught) / (1 + a - alarms)  # caught turns per new false alarm
                    if best is None or gain > best[0]:
                        best = (gain, trial, c, w, a)
        if best is None:
            break
        _, bars, caught, worst, alarms = best
    # A guarded reading never needs less than the plain bar.
    for flag in FLAGS:
        bars["guarded"][flag] = max(bars["guarded"][flag], bars["model"][flag])
    print(f"tuned: caught {caught}/{positives} flagged turns, {alarms} hard negatives flagged "
          f"(worst file {worst:.3f})", file=sys.stderr)
    return bars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=0.04, help="false-alarm rate allowed on the tuning hard negatives")
    parser.add_argument("--fast", action="store_true", help="tune on the fast model's outputs (prints only)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    model = FAST if args.fast else DEFAULT_MODEL
    rows = [(r, path) for path in TUNING for r in load(ROOT / path, model)]  # each row and its file
    scans = [scan(r.text) for r, _ in rows]
    bars = tune(rows, scans, args.target)
    rounded = {k: ({f: round(v, 2) for f, v in b.items()} if isinstance(b, dict) else b) for k, b in bars.items()}
    print(json.dumps(rounded, indent=2))
    if not (args.dry_run or args.fast):
        data = json.loads(OUT.read_text(encoding="utf-8"))
        data.update(rounded)
        OUT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
