"""The safety encoder's second opinion (issue 7, S7): a message read with no earlier turn, flagged only by the
move model's or the wording model's reading, is not flagged when the fine-tuned encoder reads no danger in it;
a message with earlier turns, or with words a pattern names, keeps its flags."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cyclemap import safety_encoder
from cyclemap.model import Turn
from cyclemap.moves.label import Evidence
from cyclemap.moves.labeller import FAST, Labeller
from cyclemap.moves.registry import DEFAULT_MODEL
from cyclemap.safety import screen_text

pytest.importorskip("onnxruntime")
ROOT = Path(__file__).resolve().parent.parent

# A worried bid for closeness (a hard negative of the codebook: fear of losing the relationship, not of the
# partner), which the move model reads alone as fear and self-harm.
SOFT_BID = "I'm scared of where this is going if we keep arguing"
DANGER = "he shoved me into the wall last night"


@pytest.fixture(scope="module")
def encoder():
    found = safety_encoder.encoder()
    if found is None or not safety_encoder.settings().get("veto", {}).get("lone"):
        pytest.skip("the safety encoder (with its veto) is not installed")
    return found


def _turn(text: str, n: int = 1) -> Turn:
    return Turn(id=str(n), time=None, speaker="A", text=text)


def _model_says(flag: str) -> tuple[tuple[str, ...], tuple[Evidence, ...]]:
    return (flag,), (Evidence(f"safety: {flag} (possible)", "the model's reading of the turn (0.94)"),)


def test_a_worried_bid_sent_alone_is_not_flagged_as_danger(encoder):
    label = Labeller().label([[_turn(SOFT_BID)]])[0][0]
    assert label.safety == ()
    assert screen_text(SOFT_BID, model=DEFAULT_MODEL) == []  # the coach's draft check agrees


def test_danger_sent_alone_is_still_flagged(encoder):
    label = Labeller().label([[_turn(DANGER)]])[0][0]
    assert "violence" in label.safety
    assert screen_text(DANGER, model=DEFAULT_MODEL)


def test_a_turn_with_earlier_turns_keeps_the_move_models_reading(encoder):
    # After earlier turns the danger may be carried by the context, which the encoder does not see.
    found = safety_encoder.add_findings([(SOFT_BID, [0.1, 0.1, 0.5, 0.94])], [_model_says("fear")], lone=[False])
    assert found[0][0] == ("fear",)
    alone = safety_encoder.add_findings([(SOFT_BID, [0.1, 0.1, 0.5, 0.94])], [_model_says("fear")], lone=[True])
    assert alone[0] == ((), ())


def test_words_a_pattern_names_are_never_vetoed(encoder, monkeypatch):
    # Even where the encoder reads nothing at all, a pattern's match of the flag keeps it.
    monkeypatch.setattr(type(encoder), "probabilities", lambda self, texts, *a, **k: np.zeros((len(texts), 4)))
    screened = [(("violence",), (Evidence("safety: violence (clear)", "shoved me", 3, 12),))]
    found = safety_encoder.add_findings([(DANGER, [0.9, 0.0, 0.0, 0.0])], screened, lone=[True])
    assert found[0][0] == ("violence",)


def test_fast_mode_is_unchanged_by_the_veto(encoder, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the safety encoder ran in --fast mode")

    monkeypatch.setattr(type(encoder), "probabilities", refuse)
    Labeller(model=FAST).label([[_turn(SOFT_BID)], [_turn(DANGER)]])  # no encoder pass, no error


def test_the_veto_bar_is_low_and_documented():
    settings = json.loads((ROOT / "src/cyclemap/data/safety-encoder-v1.json").read_text(encoding="utf-8"))
    # a low bar: only a message the encoder reads as plainly calm loses a model's flag
    assert 0 < settings["veto"]["lone"] <= 0.2
    assert "bench/safety_veto.py" in settings["veto"]["_about"]
