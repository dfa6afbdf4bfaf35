"""The safety lexicon's speed work changes no finding: the shipped scan, next to the lexicon as it was.

``tests/safety_reference.py`` keeps the lexicon from before the word gate and the fast normalisation,
verbatim. Both read the same pattern file; on the corpus's turns, the safety sets and spellings made up
to stress normalisation (fillers, curly apostrophes, drawn-out letters, accents) they must agree on
every hit, every guarded hit and every normalised character's source. (Speed: bench/safety_speed.py.)
"""

from __future__ import annotations

import json
import random
from dataclasses import astuple
from pathlib import Path

import pytest

from cyclemap import safety_lexicon
from cyclemap.safety_lexicon import compile_lexicon, lexicon, normalise, normalised_text
from tests import safety_reference as reference

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "cyclemap-corpus.jsonl"
SAFETY_SETS = sorted((ROOT / "corpus" / "safety").glob("*.jsonl"))
DATA = ROOT / "src" / "cyclemap" / "data" / "safety_patterns.json"


def _texts(path: Path) -> list[str]:
    return [row["text"] for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if row.get("text")]


def _made_up(count: int = 4000) -> list[str]:
    """Turns in odd spellings, built from the corpus's own words (fixed seed)."""
    rng = random.Random(10)
    words = "i ill im you u ur gonna kill hurt um uh hmm phone pass code scared of him her dont can't won't " \
            "me myself end it all knife the kids money card out tell everyone home by 10 lol jk fr film".split()
    marks = ["", "", " ", ", ", ". ", "!!! ", "\u2019", "'", "...", "\n", " um ", " uhh, ", "\u00e9", "  ",
             " \U0001f60c ", "\u2764\ufe0f", " \U0001f469\u200d\U0001f469 ", "\u0130", " \u03a3\u0391\u03a3 ", "\ufb01ne",
             " \uff4b\uff49\uff4c\uff4c ", "e\u0301", "\u00df", " contrase\u00f1a ", "\u2028", "\u00a0", "\U0001f52a"]
    out = []
    for _ in range(count):
        turn = ""
        for _ in range(rng.randint(1, 12)):
            word = rng.choice(words)
            if rng.random() < 0.15:
                word = word.upper() if rng.random() < 0.5 else word.replace(word[-1:], word[-1:] * 4)
            turn += word + rng.choice(marks)
        out.append(turn)
    out += ["".join(chr(rng.randrange(0, 128)) for _ in range(rng.randint(0, 40))) for _ in range(500)]
    out += ["".join(chr(rng.choice([rng.randrange(0, 0x3000), rng.randrange(0x1F300, 0x1FAFF)])) for _ in range(rng.randint(0, 30)))
            for _ in range(500)]
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not CORPUS.exists():
        pytest.skip("the corpus is not in this checkout")
    corpus = _texts(CORPUS)
    return corpus[::3] + [t for path in SAFETY_SETS for t in _texts(path)] + _made_up()


def _findings(lex, text: str) -> list[list[tuple]]:  # noqa: ANN001 - either lexicon
    return [[astuple(hit) for hit in part] for part in lex.scan(text)]


def test_scan_finds_exactly_what_it_found_before(texts: list[str]) -> None:
    old = reference.lexicon()
    new = lexicon()
    differ = [t for t in texts if _findings(old, t) != _findings(new, t)]
    assert differ == []
    flagged = sum(bool(old.scan(t)[0]) for t in texts)
    assert flagged > 500  # the comparison covers many real findings, not only quiet turns


def test_normalisation_is_unchanged(texts: list[str]) -> None:
    for text in texts:
        before, after = reference.normalise(text), normalise(text)
        assert (after.text, after.source) == (before.text, before.source), text
        assert normalised_text(text) == reference.normalised_text(text), text


def test_a_full_word_cache_starts_again_without_changing_findings(texts: list[str], monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(safety_lexicon, "WORD_CACHE_SIZE", 50)
    small = compile_lexicon(json.loads(DATA.read_text(encoding="utf-8")))
    old = reference.lexicon()
    sample = texts[:: max(1, len(texts) // 1500)]
    assert [_findings(small, t) for t in sample] == [_findings(old, t) for t in sample]
    assert len(small._word_cache) <= 50


def test_curly_apostrophes_take_the_fast_path_and_still_name_the_words() -> None:
    text = "I swear I\u2019ll kill you"
    hits, _ = lexicon().scan(text)
    threat = next(h for h in hits if h.flag == "violence")
    assert threat.level == "clear"
    assert text[threat.start:threat.end] == threat.text == "I swear I\u2019ll kill you"  # the original spelling
