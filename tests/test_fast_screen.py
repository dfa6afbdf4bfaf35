"""The speed work on `classify --fast` changes no output: memos, batch reading and the JSON template
give exactly what the straightforward paths give. (Speed itself: bench/classify_speed.py, never here.)"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import astuple
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyclemap import safety, safety_lexicon
from cyclemap.classify import LabelledTurn, classify_stream
from cyclemap.codebook import Move
from cyclemap.ingest import read_turns
from cyclemap.model import Turn
from cyclemap.moves import labeller as labeller_module
from cyclemap.moves import screening
from cyclemap.moves.label import Evidence, MoveLabel
from cyclemap.moves.labeller import Labeller
from cyclemap.moves.readable import unreadable
from cyclemap.safety import screen_turn
from cyclemap.safety_lexicon import compile_lexicon, normalise, normalised_text
from tests import safety_reference as reference

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "cyclemap-corpus.jsonl"
SAFETY_SETS = sorted((ROOT / "corpus" / "safety").glob("*.jsonl"))
DATA = ROOT / "src" / "cyclemap" / "data" / "safety_patterns.json"

# Characters that stress normalisation: accents (composed and combining), apostrophes of every kind,
# spaces of every kind, emoji with joiners and selectors, letters that case-fold oddly, fillers' letters.
TRICKY = [" ", "\n", "\t", "\r", "\u00a0", "\u2028", "\u202f", "a", "e", "u", "m", "h", "r", "k", "i", "l",
          "'", "\u2019", "\u2018", "`", "\u00b4", "\u00e9", "\u00c9", "\u00df", "\u0301", "\u0130", "\ufb01",
          "\uff4b", "!", ".", "?", ",", "<", ">", "_", "\U0001f602", "\ufe0f", "\u200d", "\U0001f52a", "\u03a3"]
ODD = ["", " ", "ok", "um", "uh, I'm, um, scared of him", "I\u2019ll kill you \U0001f52a", "pleeeease \u2764\ufe0f",
       "caf\u00e9 \u00e0 la ma\u00efson", "\u0130stanbul", "\ufb01ne", "soooo    tired\n\n\n\nbye", "ｋｉｌｌ ｙｏｕ",
       "I'm going to kill you. jk", "x" * 700, "he hit me " * 80]


def _findings(lex, text: str) -> list[list[tuple]]:  # noqa: ANN001 - either lexicon
    return [[astuple(hit) for hit in part] for part in lex.scan(text)]


def _texts(path: Path, step: int = 1) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [row["text"] for row in rows[::step] if row.get("text")]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not CORPUS.exists():
        pytest.skip("the corpus is not in this checkout")
    return _texts(CORPUS, 4) + [t for path in SAFETY_SETS for t in _texts(path)] + ODD


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=30))
def test_unicode_normalisation_in_c_matches_the_character_loop(text: str) -> None:
    if not safety_lexicon._plain(text):
        assert safety_lexicon._normalised_unicode_text(text) == normalise(text).text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_unicode_normalisation_matches_on_any_text(text: str) -> None:
    if not safety_lexicon._plain(text):
        assert safety_lexicon._normalised_unicode_text(text) == normalise(text).text
    assert normalised_text(text) == reference.normalised_text(text)


def test_remembered_readings_are_the_fresh_ones(texts: list[str]) -> None:
    """A text scanned again comes from the memo: the same hits, guarded hits and context as the lexicon
    as it was, the first time and the second."""
    lex = compile_lexicon(json.loads(DATA.read_text(encoding="utf-8")))
    old = reference.lexicon()
    sample = texts[::3] + texts[::7]  # many texts twice
    for text in sample:
        assert _findings(lex, text) == _findings(old, text), text
        assert lex.in_context(text) == lex._in_context(text), text
        assert normalised_text(text) == safety_lexicon._normalised_text(text), text
    assert lex._scans and lex._contexts  # the memos were used


def test_a_full_memo_starts_again_without_changing_findings(texts: list[str], monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(safety_lexicon, "MEMO_SIZE", 20)
    lex = compile_lexicon(json.loads(DATA.read_text(encoding="utf-8")))
    old = reference.lexicon()
    sample = texts[:: max(1, len(texts) // 600)] * 2
    assert [_findings(lex, t) for t in sample] == [_findings(old, t) for t in sample]
    assert len(lex._scans) <= 20


def _items(texts: list[str], seed: int) -> list[tuple[str, list[float]]]:
    """Texts (some repeated) with flag probabilities spread over every bar."""
    rng = random.Random(seed)
    picked = [rng.choice(texts) for _ in range(1500)]
    return [(t, [rng.choice((0.0, 0.03, 0.2, 0.45, 0.7, 0.95, rng.random())) for _ in range(4)]) for t in picked]


def test_a_block_screens_as_turn_after_turn(texts: list[str]) -> None:
    items = _items(texts, 1)
    fresh = [screen_turn(text, probabilities) for text, probabilities in items]  # wording read one by one
    assert screening.screen_many(items) == fresh
    assert screening.screen_many(items) == fresh  # again, from the memos
    assert sum(bool(flags) for flags, _ in fresh) > 100  # the comparison covers many findings


@pytest.mark.parametrize("bars", [
    {"bar": 1.01, "guarded": 1.01, "corroborate": 1.01},  # the wording model can never count
    {"bar": 1.01, "guarded": 1.01, "corroborate": 0.0},  # it always agrees
    {"bar": 0.6, "guarded": 0.8, "corroborate": 0.1},  # it counts: rows are read
])
def test_wording_bars_out_of_reach_skip_the_reading_with_the_same_findings(texts, bars) -> None:  # noqa: ANN001
    model = safety._text_model()
    if model is None:
        pytest.skip("no wording model installed")
    flags = ("violence", "control", "self_harm", "fear")
    original = model.bars
    changed = dict(original, **{key: dict.fromkeys(flags, value) for key, value in bars.items()})
    object.__setattr__(model, "bars", changed)  # the shipped model is frozen and shared: put it back below
    try:
        items = _items(texts, 2)[:600]
        assert screening.screen_many(items) == [screen_turn(text, probabilities) for text, probabilities in items]
        assert screening._can_fire(model) == (bars["bar"] <= 1.0)
    finally:
        object.__setattr__(model, "bars", original)


def test_unreadable_remembered_is_unreadable(texts: list[str]) -> None:
    sample = texts[::5] + ["\U0001f602\U0001f602", "que pasa contigo, no quiero hablar", "\u4f60\u597d"] * 2
    assert [labeller_module._unreadable(t) for t in sample] == [unreadable(t) for t in sample]


def _row(turn: Turn, label: MoveLabel, events: list | None = None) -> LabelledTurn:
    return LabelledTurn(turn, label, None, list(events or []))


def test_the_json_template_writes_what_json_dumps_writes() -> None:
    naive, aware = datetime(2024, 3, 31, 1, 59), datetime(2024, 3, 31, 3, 0, tzinfo=timezone(timedelta(hours=2)))
    turns = [
        Turn("1", naive, "Sam", "you said you'd call \"again\" \\ \u2028 \U0001f602\x00"),
        Turn("2", aware, None, "Sam added Mum", "system"),
        Turn("3", None, "\u00c9lodie", "", "media", reply_to="1", conversation="c\n1", offset=12.5),
        Turn("4", naive, "Alex", "ok", offset=3.0),
        Turn("5", naive, "Alex", "ok", offset=float("nan")),
    ]
    labels = [
        MoveLabel(Move.PURSUE, "demand", 0.87654321, (Evidence("words", "said you'd", 4, 14), Evidence("safety: fear (possible)")), ("fear",)),
        MoveLabel(Move.NEUTRAL, None, 1.0, (Evidence("system line, not a message"),)),
        MoveLabel(Move.WITHDRAW, "shutdown", float("nan"), ()),
        MoveLabel(Move.SOFTEN, "repair", 1e-07, (Evidence("x", "y", None, None),)),
        MoveLabel(Move.NEUTRAL, None, math.inf, ()),
    ]
    events = [{"event": "silence", "speaker": "Alex", "after": 0, "evidence": "3.0 h", "counts_as": "withdraw"}]
    for turn, label in zip(turns, labels, strict=True):
        for row in (_row(turn, label), _row(turn, label, events)):
            assert row.to_json_line() == json.dumps(row.to_json(), ensure_ascii=False)


def test_every_classified_line_is_json_dumps() -> None:
    sample = ROOT / "src" / "cyclemap" / "samples" / "WhatsApp Chat with Maya, Theo & Kai.txt"
    turns = list(read_turns(sample))
    rows = list(classify_stream(((t, None) for t in turns), Labeller(fast=True)))
    assert rows and all(r.to_json_line() == json.dumps(r.to_json(), ensure_ascii=False) for r in rows)


# -- the block gate: turns no reading can flag skip the full screen; it must never drop a finding ------------

def _vocabulary() -> list[str]:
    """Words of the lexicon's patterns and macros (the words a flagged turn is made of)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    sources = [*data["macros"].values(), *(p for f in data["families"] for p in f["patterns"]),
               *(p for g in data["guards"].values() for p in g["patterns"])]
    words = {w for source in sources for w in re.findall(r"[a-z]{2,}", source)}
    return sorted(words)


VOCABULARY = _vocabulary()


def _near_bars() -> list[float]:
    """Probabilities at, just above and just below every bar, in float64 and as float32 rounds them."""
    bars = [*safety.MODEL_THRESHOLDS.values()]
    model = safety._text_model()
    if model is not None:
        bars += list(model.bars.get("bar", {}).values())
    values = {0.0, 1.0}
    for bar in bars:
        narrow = float(np.float32(bar))
        for v in (bar, narrow, math.nextafter(bar, 0), math.nextafter(bar, 2), math.nextafter(narrow, 0)):
            values.add(min(max(v, 0.0), 1.0))
    return sorted(values)


NEAR = _near_bars()


@pytest.mark.parametrize("bar", [None, {"violence": 0.7, "control": 0.65, "self_harm": 0.95, "fear": 0.5}])
def test_the_gate_never_calls_quiet_a_turn_a_reading_could_flag(bar) -> None:  # noqa: ANN001
    """Whatever the rows (float32 wording rows as the model gives them, float64 move rows), a turn the
    gate calls quiet is one where screen_turn's own comparisons find no reading at a bar. The second
    set of bars is rounded down by float32 (0.7 becomes 0.69999999): a row of exactly that value
    reaches the bar in float32 and not in float64, and the gate must let it through."""
    model = safety._text_model()
    if model is None:
        pytest.skip("no wording model installed")
    original = model.bars
    if bar is not None:
        object.__setattr__(model, "bars", dict(original, bar=bar))  # shared and frozen: put back below
    try:
        near = sorted({*NEAR, *(v for b in model.bars["bar"].values()
                                for v in (b, float(np.float32(b)), math.nextafter(float(np.float32(b)), 0)))})
        rng = random.Random(5)
        items, rows = [], []
        for _ in range(3000):
            items.append(("ok", [rng.choice(near + [0.0] * len(near) * 3) for _ in range(4)]))
            rows.append(np.array([rng.choice(near + [0.0] * len(near) * 3) for _ in range(4)], dtype=np.float32))
        quiet = screening._quiet(items, rows)
        bars = model.bars["bar"]
        for (_, probabilities), row, calm in zip(items, rows, quiet, strict=True):
            fires = any(p >= safety.MODEL_THRESHOLDS[f] for f, p in zip(safety.FLAGS, probabilities, strict=True))
            fires = fires or safety._reaches(row, bars)
            assert not (calm and fires), (probabilities, row)
        assert any(quiet) and not all(quiet)
    finally:
        object.__setattr__(model, "bars", original)


def test_every_safety_set_line_screens_in_a_block_as_alone() -> None:
    """Every line of corpus/safety/*.jsonl, with move-model readings at and around every bar."""
    if not SAFETY_SETS:
        pytest.skip("the safety sets are not in this checkout")
    texts = [t for path in SAFETY_SETS for t in _texts(path)]
    rng = random.Random(11)
    items = [(t, [rng.choice(NEAR + [0.0] * 8) for _ in range(4)]) for t in texts]
    block = [found for start in range(0, len(items), 2048) for found in screening.screen_many(items[start:start + 2048])]
    assert block == [screen_turn(text, probabilities) for text, probabilities in items]
    assert sum(bool(flags) for flags, _ in block) > len(texts) // 4


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCABULARY + ["you", "i", "ill", "im", "my", "him", "her", ".", "!", "lol"]),
                         min_size=1, max_size=12).map(" ".join), min_size=1, max_size=12),
       st.lists(st.sampled_from(NEAR), min_size=4, max_size=4))
def test_texts_made_of_pattern_words_screen_in_a_block_as_alone(texts: list[str], probabilities: list[float]) -> None:
    items = [(text, probabilities if k % 2 else [0.0] * 4) for k, text in enumerate(texts)]
    assert screening.screen_many(items) == [screen_turn(text, p) for text, p in items]
