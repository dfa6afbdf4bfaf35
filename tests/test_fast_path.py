"""The optimised paths give exactly what the straightforward ones give: same labels, same evidence,
same cache keys, same JSON. (Speed itself is measured by bench/, never here.)"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import statistics
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from cyclemap.analysis import write_json
from cyclemap.model import Turn
from cyclemap.moves.baselines import KEYWORDS
from cyclemap.moves.cache import window_keys
from cyclemap.moves.context import CONTEXT, context_features
from cyclemap.moves.evidence import EXTRA, _PATTERNS
from cyclemap.moves.fast_features import caps, caps_many
from cyclemap.moves.labeller import Labeller
from cyclemap.moves.prefilter import Alternation, Prefilter
from cyclemap.moves.registry import make_model
from cyclemap.timing import _Window

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "cyclemap-corpus.jsonl"
ODD = [
    "", " ", "ok", "OK", "WHY WOULD YOU DO THAT", "I'M DONE", "why?? where were you???",
    "\U0001f602\U0001f602", "ſelfish and lazy", "İ was busy", "KELVIN \u212a", "ıt's fine",
    "one\x00two", "ΟΔΟΣ ΣΑΣ", "ça va? non!", "word " * 120, "x" * 5000, "Hello?\nAre you there?",
    "you never listen. you always leave", "i'm fine. whatever", "L'été", "can we talk tonight",
]


def _texts(limit: int = 3000) -> list[str]:
    texts = list(ODD)
    if CORPUS.exists():
        rows = CORPUS.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in rows[:limit]]
    return texts


def _dialogue(texts: list[str], seed: int = 1) -> list[Turn]:
    rng = random.Random(seed)
    now = datetime(2024, 1, 1, 9, 0)
    turns = []
    for i, text in enumerate(texts):
        now += timedelta(minutes=rng.choice((0, 1, 5, 90, 600)))
        turns.append(Turn(str(i), now if rng.random() > 0.05 else None, rng.choice(("Sam", "Alex", "Jo")), text))
    return turns


@pytest.fixture(scope="module")
def fast():
    return make_model("fast.v1").fit()


def test_block_features_give_the_same_probabilities_as_token_strings(fast):
    turns = _dialogue([t for t in _texts() if "\x00" not in t])
    for start in range(0, len(turns), 700):
        block = turns[start:start + 703]
        rows = list(range(len(block)))
        assert np.array_equal(fast.predict_rows([(block, rows)])[0], fast._plain_rows(block, rows))
    # only some rows asked for (the label cache had the others), the first turn among them
    block = turns[:50]
    for rows in ([0, 7, 8, 49], [3], [0]):
        assert np.array_equal(fast.predict_rows([(block, rows)])[0], fast._plain_rows(block, rows))


def test_a_text_holding_the_block_separator_takes_the_plain_path(fast):
    block = _dialogue(["hello", "one\x00two", "why did you leave??"])
    assert np.array_equal(fast.predict_rows([(block, [0, 1, 2])])[0], fast._plain_rows(block, [0, 1, 2]))


def test_capitals_counted_for_a_block_match_one_text_at_a_time():
    texts = _texts(2000) + ["ABCD", "AbCD", "ÉCOUTE MOI", "ÀÉÎ", "abc", "ABC!", "A B C D E", ""]
    assert caps_many(texts, "\x00".join(texts)).tolist() == [caps(t) for t in texts]


@pytest.mark.parametrize("cue", sorted(_PATTERNS))
def test_evidence_phrases_searched_one_by_one_find_the_same_spans(cue):
    parts = (*KEYWORDS.get(cue, ()), *EXTRA.get(cue, ()))
    quick = Alternation(parts, re.IGNORECASE)
    joined = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    for text in _texts():
        assert [m.span() for m in quick.finditer(text)] == [m.span() for m in joined.finditer(text)], text
        found, quick_found = joined.search(text), quick.search(text)
        assert (found and found.span()) == (quick_found and quick_found.span()), text


def test_the_prefilter_never_hides_a_match():
    patterns = list(_PATTERNS.values()) + [re.compile(r"\bi'?m (so )?scared\b|(?:f+u+c+k (you|off))", re.I)]
    for pattern in patterns:
        test = Prefilter(pattern)
        for text in _texts():
            if pattern.search(text):
                assert test.may_match(text), (pattern.pattern[:60], text)


def test_moves_are_the_same_with_or_without_evidence():
    dialogue = _dialogue(_texts(400))
    full = Labeller(fast=True).label([dialogue])[0]
    lean = Labeller(fast=True, explain=False).label([dialogue])[0]
    assert [(a.move, a.cue, a.confidence, a.safety) for a in full] == [(b.move, b.cue, b.confidence, b.safety) for b in lean]
    # Lean labels carry no word evidence: only safety findings, and why a turn could not be read (cheap, and
    # the analysis counts those turns).
    unread = ("only emoji", "not written in English", "a very long message")
    assert all(e.reason.startswith(("safety", *unread)) for label in lean for e in label.evidence if label.move != "neutral")


def test_cache_keys_are_the_window_hashes_they_always_were():
    turns = _dialogue(_texts(60))
    features = context_features(turns)
    expected = []
    for index, turn in enumerate(turns):
        window = turns[max(0, index - CONTEXT): index + 1]
        same = [t.speaker == turn.speaker for t in window]
        payload = json.dumps([[t.text for t in window], same, np.round(features[index], 4).tolist()])
        expected.append(hashlib.sha256(payload.encode("utf-8")).digest())
    assert window_keys(turns) == expected


def test_running_median_of_reply_delays_is_the_median():
    rng = random.Random(3)
    window, recent = _Window(), []
    for _ in range(700):
        value = rng.choice((rng.random() * 100, float(rng.randrange(5))))
        window.append(value)
        recent = (recent + [value])[-200:]
        assert window.median() == statistics.median(recent)
        assert list(window) == recent


def test_streamed_json_is_the_same_document():
    document = {"turns": 3, "episodes": [{"n": i, "text": "é\u2028\"x\""} for i in range(100)], "safety": {"flags": {}}}
    out = io.StringIO()
    write_json(document, out)
    assert out.getvalue() == json.dumps(document, ensure_ascii=False) + "\n"


def test_lazy_episodes_stream_the_same_document():
    from cyclemap.analysis import analyze

    sample = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples" / "WhatsApp Chat with Alex.txt"
    full, lazy = (analyze(sample, fast=True, cache=False, permutations=20, lazy_episodes=flag) for flag in (False, True))
    assert len(lazy["episodes"]) == len(full["episodes"]) > 0 and list(lazy["episodes"]) == full["episodes"]
    streamed, plain = io.StringIO(), io.StringIO()
    write_json(lazy, streamed)
    write_json(full, plain)
    assert streamed.getvalue() == plain.getvalue() == json.dumps(full, ensure_ascii=False) + "\n"


def test_a_long_block_screened_on_two_processes_gets_the_same_flags(monkeypatch):
    from cyclemap.moves import screening
    from cyclemap.moves.screening import MIN_PARALLEL, screen_block, screen_many

    monkeypatch.setattr(screening, "_FORCE", True)  # the helper process, as under the command

    rng = random.Random(5)
    texts = (_texts(300) + ["I'll kill you if you go", "he hit me again", "I want to die", "give me your phone"]) * 3
    items = [(text, [rng.random() ** 3 for _ in range(4)]) for text in texts][: max(MIN_PARALLEL, 700)]
    assert len(items) >= MIN_PARALLEL
    half = len(items) // 2  # the screen reads a batch at once: compare with the same two batches
    assert screen_block(items) == screen_many(items[:half]) + screen_many(items[half:])
    assert screening._pool is not None or screening._broken


def test_a_program_using_the_library_never_starts_a_process():
    from cyclemap.moves import screening

    assert not screening._helper_allowed()  # pytest's main module is not the command's


def test_a_chat_read_again_from_the_cache_never_loads_the_model(tmp_path):
    from cyclemap.moves.cache import LabelCache

    cache = LabelCache(tmp_path / "cache.sqlite")
    dialogue = _dialogue(["you said you'd call", "I was driving", "ok.", "can we talk tonight?"])
    first = Labeller(cache=cache).label([dialogue])[0]
    again = Labeller(cache=cache)
    second = again.label([dialogue])[0]
    assert again.computed == 0 and again._model is None  # the default model's weights stayed on disk
    assert [(a.move, a.cue, a.safety) for a in first] == [(b.move, b.cue, b.safety) for b in second]


def test_a_second_run_from_the_label_cache_gives_the_same_document(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    sample = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples" / "WhatsApp Chat with Alex.txt"
    first = cli("analyze", "--fast", "--json", "--permutations", "20", str(sample))
    second = cli("analyze", "--fast", "--json", "--permutations", "20", str(sample))
    assert first.exit_code == second.exit_code == 0, first.stderr
    assert (tmp_path / "home" / "label-cache.sqlite").exists()
    assert second.stdout == first.stdout  # confidences and intensities to the last digit
