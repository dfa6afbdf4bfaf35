"""Check: can Hyperscan (PyPI ``hyperscan``) gate the safety lexicon without missing a match?

    .venv/bin/pip install hyperscan   # not a dependency of cyclemap
    .venv/bin/python bench/hyperscan_check.py

Idea tried for issue 4 (``classify --fast``): one Hyperscan pass over a turn's normalised text says which
of the lexicon's 344 patterns *can* match (HS_FLAG_PREFILTER promises no false negatives), and only those
are searched with Python's ``re``. It is not used, because Hyperscan 5.4 (in the 0.9.1 wheel) misses real
matches: this script prints a minimal pattern and text where Python's ``re`` finds a match and Hyperscan
finds none, in prefilter mode and in exact mode alike, then counts the misses over the corpus's texts.
The labels must stay byte-identical, so a gate that can miss a match is not an option.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

try:
    import hyperscan
except ImportError:
    sys.exit("hyperscan is not installed (pip install hyperscan): nothing to check")

from cyclemap.safety_lexicon import lexicon, normalised_text

ROOT = Path(__file__).resolve().parent.parent
#: The smallest failing case found by reducing the lexicon's fear-of-partner pattern by hand.
PATTERN = r"(?:im|i) (?:(?:honestly|kind of|more and more) )*(?:frightened|scared shitless) of you"
TEXT = "my hands literally shake. im frightened of you kaveh"


def matches(database: hyperscan.Database, text: bytes) -> set[int]:
    found: set[int] = set()
    database.scan(text, match_event_handler=lambda i, *_: found.add(i))
    return found


def compiled(patterns: list[str], flags: int) -> hyperscan.Database:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[p.encode() for p in patterns], ids=list(range(len(patterns))),
                     flags=[flags] * len(patterns))
    return database


def main() -> None:
    print(f"Python re: {bool(re.search(PATTERN, TEXT))}")
    for name, flags in (("exact", 0), ("prefilter", hyperscan.HS_FLAG_PREFILTER)):
        print(f"Hyperscan {name}: {bool(matches(compiled([PATTERN], flags), TEXT.encode()))}")
    parts = [part for _, part in lexicon()._parts]  # type: ignore[attr-defined]
    flags = (hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
             | hyperscan.HS_FLAG_UCP)
    database = compiled([p.pattern for p in parts], flags)
    texts = [json.loads(line)["text"] for line in (ROOT / "corpus" / "cyclemap-corpus.jsonl").read_text().splitlines()]
    missed = 0
    for text in dict.fromkeys(texts):
        norm = normalised_text(text)
        said = matches(database, norm.encode())
        missed += any(part.search(norm) for i, part in enumerate(parts) if i not in said)
    print(f"corpus texts where a lexicon pattern matches but Hyperscan (prefilter) said it cannot: {missed}")


if __name__ == "__main__":
    main()
