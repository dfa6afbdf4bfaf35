"""Write typo'd and texting copies of our own safety lines, to measure the spelling repair (issue 7, S8).

    .venv/bin/python bench/safety_typos.py OUT_DIR
    .venv/bin/python bench/safety_screen.py OUT_DIR/typo_report.jsonl [--no-spelling]

``typo_NAME.jsonl``: every line of corpus/safety/NAME.jsonl (tuning, report, report2, and train_extra2's
hand-written lines, not their generated variants) with one slip of ``train/messy.py``'s kind (a letter
dropped, doubled or swapped) in the longest word of the lexicon's first match (held by a guard or not),
else in a random word of four letters or more: flagged lines and hard negatives alike. ``text_NAME.jsonl``
(tuning, report, report2): ``messy.texting`` copies (abbreviations, no apostrophes, a slip in 40% of
lines, "lol" or an emoji now and then). Seeded. Never reads corpus/blind or corpus/report3.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "train"))

from messy import _typo, texting  # noqa: E402

from cyclemap.safety_lexicon import lexicon  # noqa: E402


def typo_copy(text: str, rng: random.Random) -> str | None:
    """``text`` with one slip in its key word (see the module docstring), or None if it has no long word."""
    hits, held = lexicon().scan(text)
    words: list[tuple[int, int]] = []
    if hits or held:
        hit = (hits or held)[0]
        found = [(m.start() + hit.start, m.end() + hit.start) for m in re.finditer(r"[A-Za-z]{4,}", hit.text)]
        words = sorted(found, key=lambda w: w[0] - w[1])[:1]
    if not words:
        found = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}", text)]
        if not found:
            return None
        words = [rng.choice(found)]
    a, b = words[0]
    new = text[a:b]
    for _ in range(10):
        new = _typo(text[a:b], rng)
        if new != text[a:b]:
            break
    return text[:a] + new + text[b:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    for name in ("tuning", "report", "report2", "train_extra2"):
        rows = []
        for line in (ROOT / f"corpus/safety/{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if name == "train_extra2" and not row["conversation"].endswith("-0"):
                continue  # the hand-written line only, not its generated variants
            text = typo_copy(row["text"], rng)
            if text is not None:
                rows.append({**row, "text": text})
        (args.out / f"typo_{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        print(f"typo_{name}.jsonl: {len(rows)} lines")
    rng = random.Random(9)
    for name in ("tuning", "report", "report2"):
        rows = [json.loads(line) for line in (ROOT / f"corpus/safety/{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        (args.out / f"text_{name}.jsonl").write_text(
            "".join(json.dumps({**r, "text": texting(r["text"], rng)}) + "\n" for r in rows), encoding="utf-8")
        print(f"text_{name}.jsonl: {len(rows)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
