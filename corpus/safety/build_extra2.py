"""Build ``train_extra2.jsonl`` (core of ``train_extra2.txt`` plus variants) and ``report2.jsonl``.

    python corpus/safety/build_extra2.py

``train_extra2.txt``: training data for ``train/train_safety_text.py`` (safety_text.v2), hand-written
by S3 in many voices (texting, speech with fillers, non-native English, older adults, terse, long,
euphemistic) for all four flags, with hard negatives that borrow the positives' words ("I kept the
rope in the boot for the camping trip"). The variants add breadth only: a texting spelling, speech
fillers, the other partner's pronouns, and the same neutral openings and endings on both sides (so
no framing word predicts the label). ``report2.txt``, written at the same time, is never varied,
trained or tuned on: it is built verbatim (as ``build.py`` does) to measure generalisation. Seeded.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import build  # noqa: E402
from build_extra import speech, texting  # noqa: E402

FLAGS = {"violence", "control", "self_harm", "fear"}
SWAPS = [  # the other partner (both directions), applied word by word
    (("he", "she"), ("him", "her"), ("his", "her"), ("himself", "herself"), ("husband", "wife"),
     ("boyfriend", "girlfriend"), ("bf", "gf"), ("dad", "mum")),
]
OPEN = ["", "", "so ", "ok so ", "honestly ", "just so you know, ", "um ", "hey. "]
CLOSE = ["", "", "", " x", " tbh", " idk", "...", " ok?"]


def swap(text: str) -> str:
    pairs = {a: b for a, b in SWAPS[0]} | {b: a for a, b in SWAPS[0] if b != "her"}
    return re.sub(r"\b[A-Za-z]+\b", lambda m: _case(m.group(0), pairs.get(m.group(0).lower())), text)


def _case(word: str, new: str | None) -> str:
    if new is None:
        return word
    return new.capitalize() if word[0].isupper() else new


def variants(flags: list[str], style: str, text: str, rng: random.Random) -> list[tuple[list[str], str, str]]:
    out = []
    if style not in ("texting",) and rng.random() < 0.35:
        out.append((flags, "texting", texting(text, rng)))
    if style not in ("speech",) and rng.random() < 0.15:
        out.append((flags, "speech", speech(text, rng)))
    if rng.random() < 0.25:
        swapped = swap(text)
        if swapped != text:
            out.append((flags, style, swapped))
    if rng.random() < 0.2:
        framed = (rng.choice(OPEN) + text + rng.choice(CLOSE)).strip()
        if framed != text:
            out.append((flags, style, framed))
    return out


def main() -> None:
    rng = random.Random(20261126)
    core: list[tuple[list[str], str, str]] = []
    for number, line in enumerate((HERE / "train_extra2.txt").read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            label, style, text = line.split("|", 2)
            flags = [] if label == "hn" else label.split(",")
            if not set(flags) <= FLAGS:
                sys.exit(f"train_extra2.txt:{number}: unknown flag in {label!r}")
            core.append((flags, style, text.strip()))
    rows = []  # (core line number, variant number, row): a line and its variants share a group
    for n, (flags, style, text) in enumerate(core, 1):
        rows += [(n, k, row) for k, row in enumerate([(flags, style, text), *variants(flags, style, text, rng)])]
    seen: set[str] = set()
    written = 0
    with (HERE / "train_extra2.jsonl").open("w", encoding="utf-8") as out:
        for group, k, (flags, style, text) in rows:
            if text.lower() in seen:
                continue
            seen.add(text.lower())
            written += 1
            # the conversation names the line's group: cross-validation keeps a line and its variants in one fold
            out.write(json.dumps({
                "conversation": f"train_extra2-{group:04d}-{k}", "turn": 0, "speaker": "A", "text": text,
                "move": "neutral", "cue": None, "safety": flags, "hard_negative": not flags,
                "kind": "positive" if flags else "hard_negative", "style": style,
                "medium": "speech" if style == "speech" else "chat", "split": "train_extra2"}, ensure_ascii=False) + "\n")
    print("train_extra2", written, "report2", build("report2"))


if __name__ == "__main__":
    main()
