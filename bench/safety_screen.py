"""Benchmark: how well the safety screen catches flagged turns, and how often it cries wolf.

    .venv/bin/python bench/safety_screen.py [FILE.jsonl ...] [--fast] [--json] [--show-errors] [--text-version v1] [--no-encoder] [--no-spelling]

With no files: the safety sets (corpus/safety/tuning.jsonl, corpus/safety/report.jsonl),
the corpus dev and test splits and the held-out safety conversations. Any labelled
JSON Lines file with the corpus's fields (``text``, ``move``, ``safety``, ``hard_negative``,
``conversation``) works, e.g. ``corpus/blind/safety.jsonl``.

Per turn: recall per flag (the turn's gold flag raised), recall of any flag (some flag
raised on a flagged turn), false alarms on hard negatives and on every unflagged turn.
Per conversation: the share of conversations holding a flagged turn that the
conversation rule flags (one clear sign, or three possible signs of one flag within
ten turns), and the share of conversations with no flagged turn that it flags.
The screen runs exactly as in ``analyze``: the lexicon plus the default model's flag
outputs and the safety encoder (``--fast``: the fast model's, no encoder).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safety_probs import Row, load  # noqa: E402

from cyclemap.moves.labeller import FAST  # noqa: E402
from cyclemap.moves.registry import DEFAULT_MODEL  # noqa: E402
from cyclemap.safety import FLAGS, SafetyFinding, conversation_flagged, decide, scan  # noqa: E402
from cyclemap.safety_encoder import add_findings as add_encoder_findings  # noqa: E402
from cyclemap.safety_text import text_probabilities  # noqa: E402

NO_TEXT = False  # --no-text: the screen without the wording model (safety_text), for comparison
ENCODER = True  # the safety encoder (safety_encoder.py): default mode only; off with --fast or --no-encoder

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = ("corpus/safety/tuning.jsonl", "corpus/safety/report.jsonl", "corpus/safety/report2.jsonl", "corpus/dev.jsonl",
                "corpus/test.jsonl", "corpus/heldout/safety.jsonl")


def screen(rows: list[Row], bars: dict | None = None, scans: list | None = None) -> list[tuple[tuple[str, ...], tuple]]:
    """(flags, evidence) per row; ``scans`` (the lexicon's reading of each row) may be passed in."""
    scans = scans if scans is not None else [scan(r.text) for r in rows]
    wording = text_probabilities([r.text for r in rows]) if rows and not NO_TEXT else None  # safety_text
    if wording is None:
        results = [decide(hits, held, r.probabilities, bars) for r, (hits, held) in zip(rows, scans, strict=True)]
    else:
        results = [decide(hits, held, r.probabilities, bars, text=r.text, text_probabilities=w)
                   for r, (hits, held), w in zip(rows, scans, wording, strict=True)]
    if ENCODER and rows:  # as the labeller does in the default mode
        results = add_encoder_findings([(r.text, r.probabilities) for r in rows], results, wording,
                                       lone=[r.position == 0 for r in rows])
    return results


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def figures(rows: list[Row], results: list[tuple[tuple[str, ...], tuple]]) -> dict:
    out: dict = {"turns": len(rows), "per_flag": {}}
    for flag in FLAGS:
        gold = [flag in r.gold for r in rows]
        hit = sum(1 for g, (made, _) in zip(gold, results, strict=True) if g and flag in made)
        out["per_flag"][flag] = {"support": sum(gold), "recall": _rate(hit, sum(gold))}
    flagged = [i for i, r in enumerate(rows) if r.gold]
    out["flagged_turns"] = len(flagged)
    out["recall_any_flag"] = _rate(sum(1 for i in flagged if results[i][0]), len(flagged))
    out["recall_same_flag"] = _rate(sum(1 for i in flagged if set(rows[i].gold) & set(results[i][0])), len(flagged))
    hard = [i for i, r in enumerate(rows) if r.hard_negative]
    out["hard_negatives"] = len(hard)
    out["false_alarms_hard_negatives"] = _rate(sum(1 for i in hard if results[i][0]), len(hard))
    clean = [i for i, r in enumerate(rows) if not r.gold]
    out["false_alarms_all_unflagged"] = _rate(sum(1 for i in clean if results[i][0]), len(clean))
    by_style: dict[str, list[int]] = defaultdict(list)
    for i in flagged:
        by_style[rows[i].style or "-"].append(i)
    out["recall_by_style"] = {s: _rate(sum(1 for i in idx if results[i][0]), len(idx)) for s, idx in sorted(by_style.items())}
    conversations: dict[str | None, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        conversations[r.conversation].append(i)
    positive = negative = caught = alarms = 0
    for idx in conversations.values():
        findings = [SafetyFinding(str(k), None, results[i][0], results[i][1], k)
                    for k, i in enumerate(idx) if results[i][0]]
        fired = conversation_flagged(findings)
        if any(rows[i].gold for i in idx):
            positive += 1
            caught += fired
        else:
            negative += 1
            alarms += fired
    out["conversations"] = {"with_flag": positive, "recall": _rate(caught, positive),
                            "without_flag": negative, "false_alarms": _rate(alarms, negative)}
    return out


def _print(path: str, model: str, f: dict) -> None:
    per = "  ".join(f"{k} {v['recall']:.2f} ({v['support']})" for k, v in f["per_flag"].items() if v["support"])
    fa = f["false_alarms_hard_negatives"]
    conv = f["conversations"]
    print(f"{path}  [{model}]  {f['turns']} turns")
    print(f"  per turn: recall (any flag) {f['recall_any_flag']}  same flag {f['recall_same_flag']}  of {f['flagged_turns']}")
    print(f"  per flag: {per}")
    print(f"  false alarms: hard negatives {fa} of {f['hard_negatives']}; all unflagged turns {f['false_alarms_all_unflagged']}")
    print(f"  recall by style: {f['recall_by_style']}")
    print(f"  per conversation: recall {conv['recall']} of {conv['with_flag']}; false alarms {conv['false_alarms']} of {conv['without_flag']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--fast", action="store_true", help="the fast model's flag outputs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true", help="print missed turns and false alarms")
    parser.add_argument("--no-text", action="store_true", help="leave out the wording model (safety_text)")
    parser.add_argument("--no-encoder", action="store_true", help="leave out the safety encoder (default mode)")
    parser.add_argument("--no-spelling", action="store_true", help="no repair of slips (safety_spelling, default mode)")
    parser.add_argument("--text-version", help="the wording model's version to use (v1, v2; default: the shipped one)")
    args = parser.parse_args(argv)
    global NO_TEXT, ENCODER
    NO_TEXT = args.no_text
    ENCODER = not (args.fast or args.no_encoder)
    if args.no_spelling:
        import cyclemap.safety_encoder

        cyclemap.safety_encoder.SPELLING = False
    if args.text_version:
        import cyclemap.safety_text

        cyclemap.safety_text.VERSION = args.text_version
    model = FAST if args.fast else DEFAULT_MODEL
    paths = args.files or [str(ROOT / p) for p in DEFAULT_SETS if (ROOT / p).exists()]
    report = {}
    for path in paths:
        rows = load(path, model)
        results = screen(rows)
        report[path] = f = figures(rows, results)
        if not args.json:
            _print(str(Path(path).resolve().relative_to(ROOT)) if Path(path).resolve().is_relative_to(ROOT) else path, model, f)
        if args.show_errors:
            for r, (made, _) in zip(rows, results, strict=True):
                if r.gold and not made:
                    print(f"    MISS {','.join(r.gold)} {max(r.probabilities):.2f} | {r.text[:140]}")
                elif r.hard_negative and made:
                    print(f"    FA   {','.join(made)} {max(r.probabilities):.2f} | {r.text[:140]}")
    if args.json:
        print(json.dumps({"model": model, "sets": report}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
