"""blend.v4: blend.v1's readings filtered through how moves follow one another (moves/sequence.py)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

import cyclemap.classify as classify_module
from cyclemap.classify import classify_stream, input_turns
from cyclemap.moves.cache import LabelCache
from cyclemap.moves.classes import CLASS_MOVE, CLASSES, MOVES, decode, move_probabilities
from cyclemap.moves.context import CONTEXT, context_features
from cyclemap.moves.labeller import Labeller
from cyclemap.moves.registry import NotFittedError, available_models, make_model
from cyclemap.moves.sequence import MoveSequence, cut_context

from .sample_chats import FIGHT, chat


@pytest.fixture(scope="module")
def model():
    return make_model("blend.v4").fit()


@pytest.fixture(scope="module")
def v1():
    return make_model("blend.v1").fit()


pytestmark = pytest.mark.usefixtures("data_home")  # conftest's: a data folder of each test's own


def test_blend_v4_is_registered_beside_the_old_names_and_refuses_to_predict_unfitted():
    assert {"blend.v1", "blend.v2", "blend.v3", "blend.v4"} <= set(available_models())
    with pytest.raises(NotFittedError):
        make_model("blend.v4").predict([FIGHT])


def test_the_label_cache_never_replays_blend_v1_labels_for_blend_v4(tmp_path):
    """Same turns, same cache file: blend.v4 reads them itself (its key names the pattern's weights)."""
    v1_name, v4_name = Labeller(model="blend.v1").cache_name, Labeller(model="blend.v4").cache_name
    assert v4_name.startswith("blend.v4:") and "sequence=" in v4_name and v4_name != v1_name
    cache = LabelCache(tmp_path / "cache.sqlite", vault=None)
    Labeller(model="blend.v1", cache=cache).label([FIGHT])
    fresh = Labeller(model="blend.v4", cache=cache)
    fresh.label([FIGHT])
    assert fresh.computed == len(FIGHT)
    again = Labeller(model="blend.v4", cache=cache)
    assert [(str(l.move), l.cue) for l in again.label([FIGHT])[0]] == [(str(l.move), l.cue) for l in fresh.label([FIGHT])[0]]
    assert again.computed == 0


def test_earlier_turns_are_read_as_if_the_chat_began_at_the_window_edge(model, v1):
    """What the filter reads of turn i-k is blend.v1's reading of it in the conversation cut CONTEXT turns before i."""
    rows = list(range(len(FIGHT)))
    read = model.readings([(FIGHT, rows)])[0]
    # all shortened conversations in one call: the same texts in the same encoder batches (the int8
    # encoder's numbers move a little with the texts read beside them)
    starts = [max(0, i - CONTEXT) for i in rows]
    shortened = v1.predict_rows([(FIGHT[start: i + 1], range(i + 1 - start)) for i, start in zip(rows, starts, strict=True)])
    for i, start, cut in zip(rows, starts, shortened, strict=True):
        moves = move_probabilities(cut[:, : len(CLASSES)])
        assert np.allclose(read.classes[i], cut[-1, : len(CLASSES)], atol=1e-5)
        for k, earlier in enumerate(read.earlier, start=1):
            if i - k >= 0:
                assert np.allclose(earlier[i], moves[i - k - start], atol=1e-5)
            else:
                assert not read.present[k - 1][i]


def test_a_turns_label_depends_only_on_it_and_the_three_turns_before(model):
    """What the label cache and block-wise classify rely on: nothing earlier than the window matters."""
    tail = [("Sam", "where were you last night"), ("Alex", "out"), ("Sam", "out where? with who?"), ("Alex", "ok")]
    one = chat([("Sam", "morning"), ("Alex", "hey you"), ("Sam", "coffee?"), *tail])
    other = chat([("Kim", "did you feed the cat"), ("Sam", "yes"), ("Alex", "thanks!!"), *tail], start=datetime(2024, 1, 9, 8))
    last = [len(one) - 1]
    assert np.allclose(model.predict_rows([(one, last)])[0], model.predict_rows([(other, last)])[0], atol=1e-5)


def test_labels_do_not_depend_on_block_boundaries(tmp_path, monkeypatch):
    texts = ["can you call the plumber?", "ok", "you said that last week too", "I'm sorry, I forgot. I'll do it now",
             "thank you", "why do I always have to remind you", "whatever", "fine"]
    rows = [{"speaker": "Sam" if i % 2 else "Alex", "text": texts[i % len(texts)]} for i in range(30)]
    path = tmp_path / "turns.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    whole = [(r.label.move, r.label.cue) for r in classify_stream(input_turns(path), Labeller(model="blend.v4"))]
    monkeypatch.setattr(classify_module, "BLOCK", 7)
    blocked = [(r.label.move, r.label.cue) for r in classify_stream(input_turns(path), Labeller(model="blend.v4"))]
    assert blocked == whole


def test_cue_confidence_and_flags_stay_consistent_with_the_chosen_move(model, v1):
    ours = model.predict_rows([(FIGHT, range(len(FIGHT)))])[0]
    base = v1.predict_rows([(FIGHT, range(len(FIGHT)))])[0]
    classes = ours[:, : len(CLASSES)]
    assert np.allclose(classes.sum(axis=1), 1.0, atol=1e-5)
    # the encoder's safety flags pass through unchanged: the safety screen's thresholds still hold
    assert np.allclose(ours[:, len(CLASSES):], base[:, len(CLASSES):], atol=1e-5)
    moves, cues, confidence = decode(classes)
    for row, (move, cue, p) in enumerate(zip(moves, cues, confidence, strict=True)):
        index = MOVES.index(move.value)
        assert p == pytest.approx(move_probabilities(classes[row: row + 1])[0, index])
        if cue is None:
            assert move.value == "neutral"
        else:  # the chosen move's best cue by blend.v1's own shares
            own = np.where(CLASS_MOVE == index, base[row, : len(CLASSES)], -1.0)
            assert CLASSES.index(cue) == int(own.argmax())
    labels = model.predict([FIGHT])[0]
    assert [str(l.move) for l in labels][2:6] == ["pursue", "withdraw", "pursue", "withdraw"]


def test_the_first_turn_has_nothing_before_it_and_keeps_blend_v1s_move(model, v1):
    one = chat([("Sam", "you never listen to me")])
    assert model.predict([one])[0][0].move == v1.predict([one])[0][0].move


def test_cut_context_gives_the_features_of_the_shortened_conversation():
    turns = FIGHT[:7]
    full = context_features(turns)
    for keep in range(CONTEXT + 1):
        last = len(turns) - 1
        assert np.allclose(cut_context(full[last:], keep)[0], context_features(turns[last - keep:])[-1])


def test_the_filter_weighs_a_turn_by_what_the_pattern_expects():
    """After a likely pursuit by the other person, an unsure reply leans to withdrawal; alone, it keeps its reading."""
    n = len(MOVES)
    p, w, neutral = MOVES.index("pursue"), MOVES.index("withdraw"), MOVES.index("neutral")
    other = np.full((n, n), 0.1)
    other[p, w] = 0.7
    other /= other.sum(axis=1, keepdims=True)
    sequence = MoveSequence(np.stack([other, np.full((n, n), 1 / n)]), np.full(n, 1 / n), 1.0, 1, 1.0)
    own = np.zeros((2, n))
    own[:, neutral], own[:, w] = 0.55, 0.45
    before = np.zeros((2, n))
    before[:, p] = 1.0
    present = np.array([True, False])
    out = sequence.filter([own, before], [np.ones(2, bool), present], [np.ones(2, bool), np.array([False, False])])
    assert out[0].argmax() == w
    assert np.allclose(out[1], own[1])
    calm = MoveSequence(sequence.transitions, sequence.prior, 0.0, 1, 1.0)
    assert np.allclose(calm.filter([own, before], [np.ones(2, bool), present], [np.ones(2, bool), present]), own)


def test_the_shipped_pattern_was_counted_on_the_train_split():
    path = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "moves" / "weights" / "blend-v4" / "sequence.json"
    sequence = MoveSequence.load(path)
    assert np.allclose(sequence.transitions.sum(axis=2), 1.0) and sequence.prior.sum() == pytest.approx(1.0)
    assert 1 <= sequence.look_back < CONTEXT
