"""How good the coach's alternatives are, and how long a check takes.

    .venv/bin/python bench/coach_quality.py                       # the held-out drafts (bench/coach_drafts.jsonl)
    .venv/bin/python bench/coach_quality.py bench/coach_tuning.jsonl
    .venv/bin/python bench/coach_quality.py --show 5              # also print five drafts with their alternatives
    .venv/bin/python bench/coach_quality.py --encoder-threads 1   # the encoder on one ONNX thread

``coach_drafts.jsonl`` holds protest and shutdown drafts written for this
benchmark in varied styles (texting, typos, shouting, sarcasm, long and short),
after the templates were written and never used to change them;
``coach_tuning.jsonl`` holds the drafts the templates were developed on. Each line:
``text``, ``kind`` (protest or shutdown), ``style``, ``topic`` (the words of
the draft a rewrite must keep, chosen by hand), optional ``context`` (the
partner's message before) and ``context_topic`` (its topic words).

An alternative passes when cyclemap's default classifier reads it as
``soften`` on its own (a second, independent reading without the context),
it keeps every hand-chosen topic word of the draft, and it has no blame word.
The coach filters by the classifier and the blame list itself, so the
informative figures are the hand-annotated topic words, the independent
re-reading, and how many drafts get two or more alternatives at all.
Timing: wall-clock per ``check_message`` after the model is loaded, every
draft checked ``--repeat`` times; the machine is shared, so the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from cyclemap.coach import blame_words, check_message, default_labeller
from cyclemap.model import Turn

HERE = Path(__file__).resolve().parent


def read_alone(labeller, text: str):
    return labeller.label([[Turn(id="1", time=None, speaker="me", text=text)]])[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drafts", nargs="?", type=Path, default=HERE / "coach_drafts.jsonl")
    parser.add_argument("--repeat", type=int, default=3, help="checks per draft for the timing")
    parser.add_argument("--encoder-threads", type=int, default=None,
                        help="run the default model's encoder on this many ONNX intra-op threads (default: all cores)")
    parser.add_argument("--misses", action="store_true", help="print alternatives that lost a topic word")
    parser.add_argument("--show", type=int, default=0, help="print this many drafts with their alternatives")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.drafts.read_text(encoding="utf-8").splitlines() if line.strip()]

    started = time.perf_counter()
    labeller = default_labeller()
    if args.encoder_threads is not None:  # an experiment: same weights, fewer threads
        from cyclemap.moves.encoder import EncoderModel
        from cyclemap.moves.labeller import Labeller

        model = labeller.model
        model.encoder_ = EncoderModel(threads=args.encoder_threads).fit()  # type: ignore[attr-defined]
        labeller = Labeller(model=model)
    check_message("warm up: you never listen", labeller=labeller)
    load_ms = (time.perf_counter() - started) * 1000

    expected = {"protest": "pursue", "shutdown": "withdraw"}
    timings: list[float] = []
    cpu: list[float] = []  # CPU time of all threads: less hostage to other people's jobs than wall-clock
    totals = dict(alternatives=0, soften=0, topic=0, blame_free=0, passed=0, context_topic=0, context_alts=0)
    drafts_with = {0: 0, 1: 0, 2: 0, 3: 0}
    move_right = safety_notices = already_soft = 0
    shown = 0
    for row in rows:
        context = row.get("context") or []
        result = None
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = check_message(row["text"], context=context, labeller=labeller)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        assert result is not None
        move_right += result.move == expected[row["kind"]]
        safety_notices += result.safety is not None
        already_soft += result.already_soft
        drafts_with[min(3, len(result.alternatives))] += 1
        for alternative in result.alternatives:
            text = alternative.text.lower()
            soft = read_alone(labeller, alternative.text).move.value == "soften"
            kept = all(word.lower() in text for word in row.get("topic", []))
            if not kept and args.misses:
                print(f"  topic missed: {row['text'][:60]!r} -> {alternative.text}")
            clean = not blame_words(alternative.text)
            totals["alternatives"] += 1
            totals["soften"] += soft
            totals["topic"] += kept
            totals["blame_free"] += clean
            totals["passed"] += soft and kept and clean
            if row.get("context_topic"):
                totals["context_alts"] += 1
                totals["context_topic"] += all(w.lower() in text for w in row["context_topic"])
        if shown < args.show:
            shown += 1
            print(f"\n[{row['kind']}/{row.get('style', '')}] {row['text'][:120]}")
            print(f"  -> {result.move}/{result.cue}: {result.note[:140]}")
            for alternative in result.alternatives:
                print(f"     * {alternative.text}")

    n = totals["alternatives"] or 1
    timings.sort()
    report = {
        "file": str(args.drafts.relative_to(HERE.parent) if args.drafts.is_relative_to(HERE.parent) else args.drafts),
        "drafts": len(rows),
        "move_as_expected": f"{move_right}/{len(rows)}",
        "safety_notices (false alarms: no draft is dangerous)": safety_notices,
        "already_soft": already_soft,
        "drafts by number of alternatives (0/1/2/3)": [drafts_with[k] for k in range(4)],
        "alternatives": totals["alternatives"],
        "share passing all three (soften alone, topic kept, no blame)": round(totals["passed"] / n, 3),
        "share read as soften on its own": round(totals["soften"] / n, 3),
        "share keeping the hand-chosen topic words": round(totals["topic"] / n, 3),
        "share with no blame word": round(totals["blame_free"] / n, 3),
        "share naming the partner's topic (shutdowns with context)":
            round(totals["context_topic"] / totals["context_alts"], 3) if totals["context_alts"] else None,
        "model load + first check, ms": round(load_ms),
        "check ms: median / p90 / max": [round(statistics.median(timings), 1),
                                         round(timings[int(0.9 * (len(timings) - 1))], 1), round(timings[-1], 1)],
        "check CPU ms (all threads): median": round(statistics.median(cpu), 1),
        "load average (1 min) at the end": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
