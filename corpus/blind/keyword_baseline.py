"""A deliberately naive keyword matcher, to show how hard the blind sets are.

Its word lists come only from the codebook's own examples (no tuning on these
files). It is a floor to compare against, not a model: run
``python corpus/blind/keyword_baseline.py``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
MOVES = ["pursue", "withdraw", "soften", "neutral"]
LEX = {
    "pursue": r"\byou never\b|\byou always\b|\bwhy didn'?t you\b|\bdo you even care\b|"
              r"\bare we okay\b|\bhello\?\?|\banswer me\b|\bcome back here\b|"
              r"\bdon'?t walk away\b|\bnot listening\b|\bthat'?s all\b|\bi'?m gone\b",
    "withdraw": r"^(fine|ok|k|whatever)\W*$|\bdon'?t want to talk\b|\bleave it\b|"
                r"\bgoing for a walk\b|\bhave to go\b|\bnot a big deal\b|\boverreacting\b|"
                r"\bi don'?t care\b|\bi was busy\b|\bcan we drop it\b|\bnot my fault\b",
    "soften": r"\bi miss you\b|\bi get scared\b|\boverwhelmed\b|\bour loop\b|"
              r"\bi'?m here\b|\bnot going anywhere\b|\bsorry\b|\bi get why\b|"
              r"\bwhat'?s going on for you\b|\bcan we talk\b",
}
FLAG_WORDS = r"\bkill|\bhurt|\bhit\b|\bscared|\bafraid|\bfrighten|\bdie\b|\bdead\b|" \
             r"\blocation\b|\bpassword|\bpasscode|\bpills?\b|\bknife|\bgun\b|\bchoke"


def predict(text: str) -> str:
    t = text.lower().strip()
    for move in ("pursue", "withdraw", "soften"):
        if re.search(LEX[move], t):
            return move
    return "neutral"


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for m in MOVES:
        tp = sum(g == m and p == m for g, p in zip(gold, pred))
        fp = sum(g != m and p == m for g, p in zip(gold, pred))
        fn = sum(g == m and p != m for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def load(name: str) -> list[dict]:
    return [json.loads(x) for x in (HERE / name).read_text(encoding="utf-8").splitlines()]


def main() -> None:
    for name in ("chat.jsonl", "speech.jsonl"):
        rows = load(name)
        gold = [r["move"] for r in rows]
        pred = [predict(r["text"]) for r in rows]
        print(f"{name}: keyword macro-F1 over 4 moves = {macro_f1(gold, pred):.3f} (n={len(rows)})")
    rows = load("safety.jsonl")
    hit = [bool(re.search(FLAG_WORDS, r["text"].lower())) for r in rows]
    pos = [h for h, r in zip(hit, rows) if r["kind"] == "positive"]
    neg = [h for h, r in zip(hit, rows) if r["kind"] == "hard_negative"]
    print(f"safety.jsonl: keyword recall = {sum(pos) / len(pos):.3f} (n={len(pos)}), "
          f"false alarms on hard negatives = {sum(neg) / len(neg):.3f} (n={len(neg)})")


if __name__ == "__main__":
    main()
