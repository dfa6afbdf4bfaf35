"""Build ``src/cyclemap/data/safety-spelling.json``: the key words the safety screen repairs slips towards.

    .venv/bin/python train/build_safety_spelling.py

Key words: every word of four letters or more inside a match of the lexicon on a flagged line of the
training sets (corpus/safety/train_extra, train_extra2, tuning and the corpus train split's flagged turns;
never the report sets, the dev or test split, heldout, blind or report3), most frequent first, then the
words the patterns spell that are English words (the tokenizer's vocabulary). Known extras: every word the
patterns spell (texting forms such as "goin", "finna": never "repaired"), and every English word of a large
dictionary (pyspellchecker's English word frequencies, words seen 100 times or more, and the 20,000
most frequent Spanish, French, German and Portuguese words; a build-time tool only:
``/tmp/train/bin/pip install pyspellchecker``, then ``PYTHONPATH=src /tmp/train/bin/python
train/build_safety_spelling.py``) that the tokenizer's vocabulary lacks and the speller would otherwise
"repair" ("trifle" is no slip of "rifle", nor "chore" of "choke"): only those ship, a few thousand words. See cyclemap/safety_spelling.py.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from cyclemap.safety_lexicon import lexicon
from cyclemap.safety_spelling import _CONTRACTIONS, MIN_LENGTH, Speller, _vocabulary

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("corpus/safety/train_extra.jsonl", "corpus/safety/train_extra2.jsonl", "corpus/safety/tuning.jsonl",
           "corpus/train.jsonl")
OUT = ROOT / "src/cyclemap/data/safety-spelling.json"
ENGLISH_COUNT = 100
FOREIGN_TOP = 20_000
TOKENIZER = ROOT / "src/cyclemap/moves/weights/safety-encoder-v1/tokenizer.json"


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


_BRITISH = ((r"ize", "ise"), (r"ization", "isation"), (r"yze", "yse"), (r"or(?=s?$|ed$|ing$|ite)", "our"),
            (r"(?<=[aeiou])l(?=ed$|ing$|er$|ers$)", "ll"), (r"og$", "ogue"), (r"ense$", "ence"))


def _british(word: str) -> set[str]:
    """British spellings of an American word (one rule at a time): "apologize" -> "apologise"."""
    return {re.sub(pattern, british, word) for pattern, british in _BRITISH} - {word}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", action="append", default=[], help="leave out a source (its file name), to "
                        "measure the repair on typo'd copies of its lines as another writer's (leave-one-set-out)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    vocab = _vocabulary(TOKENIZER)
    counts: Counter[str] = Counter()
    for source in SOURCES:
        if Path(source).name in args.without or Path(source).stem in args.without:
            continue
        for line in (ROOT / source).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not row.get("safety"):
                continue
            hits, _ = lexicon().scan(row["text"])
            for hit in hits:
                counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", hit.text) if len(w) >= MIN_LENGTH)
    spelled: set[str] = set()
    for family in lexicon().families:
        for part in family.parts:
            spelled.update(re.findall(r"(?<![a-z\\])[a-z]+(?![a-z])", part.pattern))
    for guard in lexicon().guards.values():
        spelled.update(re.findall(r"(?<![a-z\\])[a-z]+(?![a-z])", guard.pattern.pattern))
    keys = [w for w, _ in counts.most_common()]
    keys += sorted(w for w in spelled if len(w) >= MIN_LENGTH and w in vocab and w not in counts)
    known = sorted(w for w in spelled if w not in vocab)
    from spellchecker import SpellChecker  # build time only (see the docstring)

    # Words seen ENGLISH_COUNT times or more: rarer entries are often slips themselves ("veery", "hies").
    english = {w for w, n in SpellChecker(language="en").word_frequency.dictionary.items()
               if n >= ENGLISH_COUNT and w.isalpha() and w.isascii()}
    # The languages the patterns speak a little of, their most frequent words (accents folded, as the screen
    # reads them): "dieu" is no slip of "died", nor "sobre" of "sore".
    foreign: set[str] = set()
    for lang in ("es", "fr", "de", "pt"):
        counts_of = SpellChecker(language=lang).word_frequency.dictionary
        foreign.update(_fold(w) for w in sorted(counts_of, key=counts_of.__getitem__, reverse=True)[:FOREIGN_TOP])
    base = frozenset(vocab | _CONTRACTIONS | set(keys))
    trial = Speller(base | set(known), tuple(keys), base)
    words = sorted(w for w in english | {w for w in foreign if w.isalpha() and w.isascii()}
                   if len(w) >= MIN_LENGTH and w not in trial.known and trial.repair(w) is not None)
    # British spellings of a known American word ("apologise", "favours", "counselling") are words too.
    for w in list(english | set(vocab)):
        for british in _british(w):
            if len(british) >= MIN_LENGTH and british not in trial.known and trial.repair(british) is not None:
                words.append(british)
    words = sorted(set(words))
    known = sorted(set(known) | set(words))
    print(f"{len(words)} English words the vocabulary lacks would have been repaired: now known "
          f"(e.g. {', '.join(words[:: max(1, len(words) // 12)][:12])})")
    args.out.write_text(json.dumps({
        "_about": "Key words the safety screen repairs one-letter slips towards, and words the patterns spell that "
                  "are never repaired (cyclemap/safety_spelling.py; built by train/build_safety_spelling.py).",
        "enabled": True, "keys": keys, "known": known}, indent=1) + "\n", encoding="utf-8")
    print(f"{len(keys)} key words ({len(counts)} from matches), {len(known)} known extras -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
