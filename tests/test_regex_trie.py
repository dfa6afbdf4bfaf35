"""The yes/no twin of a pattern (cyclemap.regex_trie) finds a match exactly where the pattern does, so
the safety screen's context check gives the same answer with it as without it."""

from __future__ import annotations

import itertools
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyclemap import safety_lexicon
from cyclemap.regex_trie import twin
from cyclemap.safety_lexicon import lexicon, normalised_text

ROOT = Path(__file__).resolve().parent.parent
SAFETY_SETS = sorted((ROOT / "corpus" / "safety").glob("*.jsonl"))
DEV = ROOT / "corpus" / "dev.jsonl"


def _phrases() -> list[str]:
    """Words and phrases the guards themselves name (read from their patterns), with near misses."""
    found: set[str] = set()
    for guard in lexicon().guards.values():
        for source in (guard.pattern.pattern, guard.unless.pattern if guard.unless else ""):
            found.update(w for w in re.findall(r"[a-z][a-z ]{1,30}[a-z]", source) if len(w) < 25)
    phrases = sorted(found)
    return phrases + [p[:-1] for p in phrases[::7]] + [p + "s" for p in phrases[::5]]


PHRASES = _phrases()
NOISE = [" ", ". ", "! ", "\n", "x", "lol", "ok ", "2", "im ", "you ", "the ", "a", "-", "\u00e9", "\U0001f602"]


def _texts(draw_list: list[int]) -> str:
    pieces = PHRASES + NOISE
    return "".join(pieces[i % len(pieces)] for i in draw_list)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=0, max_size=12))
def test_every_guard_twin_matches_where_the_guard_does(picks: list[int]) -> None:
    text = normalised_text(_texts(picks))
    for name, guard in lexicon().guards.items():
        fast = twin(guard.pattern.pattern)
        assert fast is not None, name
        assert bool(fast.search(text)) == bool(guard.pattern.search(text)), (name, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=0, max_size=12))
def test_the_context_check_gives_the_same_answer_with_and_without_the_twin(picks: list[int]) -> None:
    text = _texts(picks)
    assert _in_context_both_ways(text)[0] == _in_context_both_ways(text)[1]


def _in_context_both_ways(text: str) -> tuple[bool, bool]:
    lex = lexicon()
    assert lex._context_twin() is not False  # the shipped guards have a twin: the fast path is tested
    fast = lex._in_context(text)
    saved = lex._context_quick
    object.__setattr__(lex, "_context_quick", False)  # as before the twin: every guard asked in turn
    try:
        plain = lex._in_context(text)
    finally:
        object.__setattr__(lex, "_context_quick", saved)
    return fast, plain


def test_the_context_check_agrees_on_the_safety_sets_and_the_dev_split() -> None:
    paths = [p for p in [*SAFETY_SETS, DEV] if p.exists()]
    if not paths:
        pytest.skip("the corpus is not in this checkout")
    texts = [json.loads(line).get("text") or "" for p in paths for line in p.read_text(encoding="utf-8").splitlines()]
    answers = [_in_context_both_ways(t) for t in texts[::2]]
    assert all(fast == plain for fast, plain in answers)
    assert sum(fast for fast, _ in answers) > 20  # the comparison covers turns in a context, and others


@pytest.mark.parametrize("source", [
    r"(?<![a-z0-9])(?:kill|kick|kiss|ki|k)(?![a-z0-9])",
    r"(?:you|u|ya)(?: (?:never|always|nevr))+ (?:listen|care)",
    r"[^a-c]x|a.b|\bfoo\b|end$|x{2,3}?y",
    r"(?:caf\u00e9|na\u00efve|\U0001f602+)(?:!|\.)?",
    r"(?=ab)a|(?!b)c|(?<=a)d",
])
def test_twins_of_small_patterns_match_on_every_short_text(source: str) -> None:
    fast = twin(source)
    assert fast is not None
    original = re.compile(source)
    alphabet = "abcdkilsuoy xyz.!\u00e9\U0001f602nvertf"
    rng = random.Random(4)
    texts = ["".join(p) for n in range(4) for p in itertools.product("abcdxy !", repeat=n)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += ["you never listen", "u always nevr care", "kiss", "skill", "caf\u00e9!", "\U0001f602\U0001f602."]
    assert [bool(fast.search(t)) for t in texts] == [bool(original.search(t)) for t in texts]


def test_no_twin_where_it_could_differ() -> None:
    assert twin(r"(a)\1") is None  # numbered groups and references
    assert twin("abc", re.IGNORECASE) is None  # case is not copied
    assert twin(r"(?>a|ab)c") is None  # an atomic group: not copied


def test_a_lexicon_without_a_twin_checks_every_guard(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(safety_lexicon, "twin", lambda source, flags=0: None)
    lex = safety_lexicon.compile_lexicon(json.loads(
        (ROOT / "src" / "cyclemap" / "data" / "safety_patterns.json").read_text(encoding="utf-8")))
    assert lex._context_twin() is False
    assert lex.in_context("we watched the film where he kills everyone") == lexicon().in_context(
        "we watched the film where he kills everyone")
