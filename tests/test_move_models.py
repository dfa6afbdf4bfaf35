"""The shipped move models: blend.v2 reads context and keeps its window; the default clears the issue's floors."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from cyclemap.classify import classify_stream, input_turns
from cyclemap.model import Turn
from cyclemap.moves.classes import CLASSES
from cyclemap.moves.labeller import Labeller
from cyclemap.moves.registry import DEFAULT_MODEL, NotFittedError, available_models, make_model

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "corpus" / "heldout"


@pytest.fixture(scope="module")
def stacked():
    return make_model("blend.v2").fit()


def chat(lines: list[tuple[str, str]], start: datetime = datetime(2025, 3, 1, 17)) -> list[Turn]:
    return [Turn(id=str(i), time=start + timedelta(minutes=5 * i), speaker=s, text=t) for i, (s, t) in enumerate(lines)]


def test_the_models_are_registered_and_the_default_is_one_of_them():
    assert {"blend.v2", "fast.v2", "blend.v1", "fast.v1", "encoder.v1"} <= set(available_models())
    assert DEFAULT_MODEL in available_models()


def test_a_bare_ok_reads_by_what_it_answers(stacked):
    """The codebook's minimal-reply rule: "sure" to a calm request is neutral, "ok" to a complaint shuts it down."""
    turns = chat([
        ("Sam", "can you pick up milk on the way home?"),
        ("Alex", "sure"),
        ("Sam", "you NEVER listen to me. why do I even bother talking to you"),
        ("Alex", "ok"),
    ])
    labels = stacked.predict([turns])[0]
    assert [str(l.move) for l in labels] == ["neutral", "neutral", "pursue", "withdraw"]
    assert labels[3].cue == "shutdown"


def test_a_turns_reading_depends_only_on_it_and_the_three_turns_before(stacked):
    """What the label cache and block-wise classify rely on: nothing earlier than the window matters."""
    tail = [("Sam", "where were you last night"), ("Alex", "out"), ("Sam", "out where? with who?"), ("Alex", "ok")]
    one = chat([("Sam", "morning"), ("Alex", "hey you"), ("Sam", "coffee?"), *tail])
    other = chat([("Kim", "did you feed the cat"), ("Sam", "yes"), ("Alex", "thanks!!"), *tail], start=datetime(2024, 1, 9, 8))
    # same window (texts, speakers, gaps) for the last turn, different turns before it
    last = [len(one) - 1]
    a = stacked.predict_rows([(one, last)])[0]
    b = stacked.predict_rows([(other, last)])[0]
    assert np.allclose(a, b, atol=1e-5)


def test_blend_v2_labels_do_not_depend_on_block_boundaries(tmp_path, monkeypatch):
    import cyclemap.classify as module

    monkeypatch.setenv("CYCLEMAP_HOME", str(tmp_path / "home"))
    texts = ["can you call the plumber?", "ok", "you said that last week too", "I'm sorry, I forgot. I'll do it now",
             "thank you", "why do I always have to remind you", "whatever", "fine"]
    rows = [{"speaker": "Sam" if i % 2 else "Alex", "text": texts[i % len(texts)]} for i in range(30)]
    path = tmp_path / "turns.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    whole = [(r.label.move, r.label.cue) for r in classify_stream(input_turns(path), Labeller(model="blend.v2"))]
    monkeypatch.setattr(module, "BLOCK", 7)
    blocked = [(r.label.move, r.label.cue) for r in classify_stream(input_turns(path), Labeller(model="blend.v2"))]
    assert blocked == whole


def test_blend_v2_keeps_the_encoders_safety_readings(stacked):
    """The safety screen's thresholds were tuned on encoder.v1's flag outputs; blend.v2 passes them on unchanged."""
    turns = chat([("Sam", "if you leave I'll make sure you regret it"), ("Alex", "you're scaring me"), ("Sam", "good")])
    ours = stacked.predict_rows([(turns, range(3))])[0]
    encoder = make_model("encoder.v1").fit().predict_rows([(turns, range(3))])[0]
    assert np.allclose(ours[:, len(CLASSES):], encoder[:, len(CLASSES):])
    assert np.allclose(ours[:, : len(CLASSES)].sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(("tidy", "messy"), [
    ("You never listen to me, I'm so tired of asking.", "u never listen 2 me im so tired of asking lol"),
    ("You never listen to me, I'm so tired of asking.", "um, you- you never, like, listen to me"),
    ("I'm sorry, I shouldn't have snapped at you.", "im sorry i shouldnt have snapped at u 😔"),
])
@pytest.mark.parametrize("model", ["blend.v2", "fast.v2"])
def test_texting_and_transcript_spelling_read_like_tidy_text(model, tidy, messy):
    reader = make_model(model).fit()
    moves = [str(reader.predict([[Turn(id="0", time=None, speaker="A", text=t)]])[0][0].move) for t in (tidy, messy)]
    assert moves[0] == moves[1] != "neutral"


@pytest.mark.skipif(not HELDOUT.is_dir(), reason="the held-out set is not here")
def test_the_default_clears_the_issues_floors_on_the_held_out_set():
    """Issue 4's floors for the default mode: macro-F1 0.70 on texted chats and 0.50 on transcribed speech."""
    from cyclemap.evaluation import evaluate

    chat_f1 = evaluate(HELDOUT / "moves-chat.jsonl", baselines=False).scores.macro_f1
    speech_f1 = evaluate(HELDOUT / "moves-speech.jsonl", baselines=False).scores.macro_f1
    assert chat_f1 >= 0.70 and speech_f1 >= 0.50


def test_the_combiner_follows_the_estimator_contract():
    from cyclemap.codebook import Move
    from cyclemap.moves.label import MoveLabel

    model = make_model("blend.v2")
    with pytest.raises(NotFittedError):
        model.predict([chat([("A", "hi")])])
    turns = [chat([("A", "can you call the plumber?"), ("B", "ok"), ("A", "you never do anything"), ("B", "fine")])] * 3
    gold = [[MoveLabel(Move.NEUTRAL, None), MoveLabel(Move.NEUTRAL, None),
             MoveLabel(Move.PURSUE, "criticize"), MoveLabel(Move.WITHDRAW, "shutdown")]] * 3
    assert model.fit(turns, gold) is model
    assert [str(l.move) for l in model.predict(turns[:1])[0]] == ["neutral", "neutral", "pursue", "withdraw"]
