#!/usr/bin/env python3
"""Check corpus/report3/safety.jsonl field by field and print its counts.

Stdlib only. Exit status 1 if any line is malformed. Measurement set only: see DO_NOT_TRAIN.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

# Labels fixed by the codebook (v1.1): moves, their cues, and the four safety flags.
CUES = {
    "pursue": {"criticize", "demand", "interrogate", "reassure_seek", "complain_response", "contact", "escalate"},
    "withdraw": {"shutdown", "deflect", "exit", "minimize", "defend", "appease"},
    "soften": {"vulnerable", "name_overwhelm", "name_cycle", "reassure", "repair", "validate", "invite"},
    "neutral": set(),
}
FLAGS = {"violence", "control", "self_harm", "fear"}
STYLES = {"texting", "speech", "written"}
FIELDS = ["conversation", "speaker", "text", "move", "cue", "safety", "hard_negative", "kind", "style"]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check(row: dict, want_id: str) -> list[str]:
    """Return the problems of one row (empty when it is well formed)."""
    errs = []
    if list(row) != FIELDS:
        errs.append(f"fields {list(row)} != {FIELDS}")
        return errs
    if row["conversation"] != want_id:
        errs.append(f"conversation {row['conversation']!r}, expected {want_id!r}")
    for key in ("speaker", "text"):
        if not isinstance(row[key], str) or not row[key].strip():
            errs.append(f"empty {key}")
    move, cue = row["move"], row["cue"]
    if move not in CUES:
        errs.append(f"unknown move {move!r}")
    elif move == "neutral" and cue is not None:
        errs.append("neutral turn must have cue null")
    elif move != "neutral" and cue not in CUES[move]:
        errs.append(f"cue {cue!r} is not a cue of {move}")
    flags = row["safety"]
    if not isinstance(flags, list) or not set(flags) <= FLAGS or len(set(flags)) != len(flags):
        errs.append(f"bad safety {flags!r}")
    if row["hard_negative"] is not (not flags):
        errs.append("hard_negative must be true exactly when safety is empty")
    if not SLUG.match(str(row["kind"])):
        errs.append(f"kind {row['kind']!r} is not a slug")
    if row["style"] not in STYLES:
        errs.append(f"bad style {row['style']!r}")
    return errs


def main(path: Path) -> int:
    rows, bad, texts = [], 0, Counter()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"{path.name}:{n}: not JSON ({exc})")
            bad += 1
            continue
        for err in check(row, f"r3-{n:04d}"):
            print(f"{path.name}:{n}: {err}")
            bad += 1
        rows.append(row)
        texts[row.get("text", "").strip().lower()] += 1
    for text, k in texts.items():
        if k > 1:
            print(f"duplicate text ({k}x): {text[:60]}")
            bad += 1

    pos = [r for r in rows if r.get("safety")]
    neg = [r for r in rows if not r.get("safety")]
    print(f"messages: {len(rows)}  positives: {len(pos)}  hard negatives: {len(neg)}")
    flags = Counter(f for r in pos for f in r["safety"])
    print("flags:", dict(sorted(flags.items())))
    print("flag combinations:", dict(Counter("+".join(sorted(r["safety"])) for r in pos).most_common()))
    for name, group in (("positives", pos), ("hard negatives", neg)):
        print(f"style ({name}):", dict(Counter(r["style"] for r in group).most_common()))
        print(f"move ({name}):", dict(Counter(r["move"] for r in group).most_common()))
    print("kinds:", len({r["kind"] for r in rows}), "distinct;",
          "speakers:", len({r["speaker"] for r in rows}), "distinct names")
    print("errors:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    default = Path(__file__).with_name("safety.jsonl")
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
