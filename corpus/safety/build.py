"""Turn the safety sets' text files (one turn a line) into labelled JSON Lines.

    python corpus/safety/build.py            # tuning.txt -> tuning.jsonl, report.txt -> report.jsonl

Line format: ``FLAGS|STYLE|TEXT`` where FLAGS is a comma-separated list of the
codebook's safety flags, or ``hn`` for a hard negative (words that look
dangerous but are not: figures of speech, films and games, sport, cooking,
jokes, soft bids, ordinary fights). Each turn is its own conversation, so the
screen reads it alone. Moves are not coded here (every turn is ``neutral``):
these sets measure the safety screen only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = {"violence", "control", "self_harm", "fear"}


def build(name: str) -> int:
    source = HERE / f"{name}.txt"
    if not source.exists():
        return 0
    rows = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, style, text = line.split("|", 2)
        negative = label == "hn"
        flags = [] if negative else label.split(",")
        if not negative and not set(flags) <= FLAGS:
            sys.exit(f"{source.name}:{number}: unknown flag in {label!r}")
        rows.append({
            "conversation": f"{name}-{len(rows) + 1:04d}", "turn": 0, "speaker": "A", "text": text.strip(),
            "move": "neutral", "cue": None, "safety": flags, "hard_negative": negative,
            "kind": "hard_negative" if negative else "positive", "style": style,
            "medium": "speech" if style == "speech" else "chat", "split": name,
        })
    with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


if __name__ == "__main__":
    for set_name in ("tuning", "report"):
        print(set_name, build(set_name))
