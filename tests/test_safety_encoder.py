"""The safety encoder (cyclemap/safety_encoder.py) reads what a message means in the default mode (issue 7):
danger written in words no pattern names is flagged, its look-alikes are not, --fast is unchanged."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from cyclemap import safety_encoder
from cyclemap.model import Turn
from cyclemap.moves.labeller import FAST, Labeller
from cyclemap.safety import conversation_flagged, screen_text

pytest.importorskip("onnxruntime")
ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "src/cyclemap/moves/weights/safety-encoder-v1"

# Fear shown by planning around a partner's moods and by readiness to flee (codebook: fear), in words the
# lexicon does not name; each beside a look-alike about the gym or a baby.
FEAR = "I've started keeping a bag packed by the door, just in case he comes home in one of his moods"
FEAR_LOOKALIKE = "I keep a gym bag packed by the door so I don't skip training"
PLANNING = "I plan my whole day around what kind of mood he'll be in when he gets back"
PLANNING_LOOKALIKE = "I plan my whole day around the baby's naps"


def _flags(texts: list[str], model: str | None = None) -> list[tuple[tuple[str, ...], list[str]]]:
    labeller = Labeller(model=model) if model else Labeller()
    labels = labeller.label([[Turn(id="1", time=None, speaker="A", text=t)] for t in texts])
    return [(label[0].safety, [e.text for e in label[0].evidence if e.reason.startswith("safety")]) for label in labels]


@pytest.fixture(scope="module")
def encoder():
    found = safety_encoder.encoder()
    if found is None:
        pytest.skip("the safety encoder's weights are not installed")
    return found


def test_the_shipped_encoder_is_one_small_int8_file_with_its_bars(encoder):
    files = sorted(p.name for p in WEIGHTS.iterdir())
    assert files == ["meta.json", "model.int8.onnx", "tokenizer.json"]
    assert (WEIGHTS / "model.int8.onnx").stat().st_size < 25 * 2**20
    settings = json.loads((ROOT / "src/cyclemap/data/safety-encoder-v1.json").read_text(encoding="utf-8"))
    assert settings["name"] == "safety_encoder.v1" and set(settings["bar"]) == {"violence", "control", "self_harm", "fear"}
    # at least one flag is live, and the gate is a real filter (not every turn is read)
    assert min(settings["bar"].values()) <= 1.0 and settings["gate"]["wording"] > 0


def test_default_mode_flags_fear_shown_without_any_pattern_words(encoder):
    (flags, evidence), (lookalike, _) = _flags([FEAR, FEAR_LOOKALIKE])
    assert "fear" in flags
    assert any("safety encoder" in e for e in evidence)  # the evidence says which reading raised it
    assert lookalike == ()


def test_planning_around_a_partners_moods_is_flagged_but_not_around_a_babys_naps(encoder):
    (flags, _), (lookalike, _) = _flags([PLANNING, PLANNING_LOOKALIKE])
    assert "fear" in flags
    assert lookalike == ()


def test_fast_mode_does_not_run_the_encoder(encoder, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the safety encoder ran in --fast mode")

    monkeypatch.setattr(type(encoder), "probabilities", refuse)
    (flags, evidence), = _flags([FEAR], model=FAST)
    assert not any("safety encoder" in e for e in evidence)


def test_a_calm_chat_is_not_read_by_the_encoder_and_gets_no_flag(encoder, monkeypatch):
    read: list[str] = []
    original = type(encoder).probabilities

    def counting(self, texts, *args, **kwargs):
        read.extend(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(type(encoder), "probabilities", counting)
    calm = ["running late, see you at six", "can you grab milk on the way", "love you x", "ok"]
    assert all(flags == () for flags, _ in _flags(calm))
    assert read == []  # below every gate: the chat costs no encoder pass


def test_its_signs_are_possible_ones_a_conversation_needs_a_cluster(encoder):
    from cyclemap.safety import SafetyFinding

    (flags, _), = _flags([FEAR])
    labels = Labeller().label([[Turn(id="1", time=None, speaker="A", text=FEAR)]])
    evidence = tuple(e for e in labels[0][0].evidence if e.reason.startswith("safety"))
    one = [SafetyFinding("1", "A", flags, evidence, 0)]
    assert not conversation_flagged(one)  # one possible sign alone does not flag a conversation
    three = [SafetyFinding(str(k), "A", flags, evidence, k) for k in range(3)]
    assert conversation_flagged(three)


def test_switched_off_the_screen_runs_as_before(encoder, monkeypatch):
    monkeypatch.setattr(safety_encoder, "settings", lambda: None)
    (flags, evidence), = _flags([FEAR])
    assert not any("safety encoder" in e for e in evidence)


def test_the_coach_screens_a_draft_with_the_encoder_in_the_default_mode(encoder):
    from cyclemap.moves.registry import DEFAULT_MODEL

    findings = screen_text(FEAR, model=DEFAULT_MODEL)
    assert findings and "fear" in findings[0].flags
    assert screen_text(FEAR_LOOKALIKE, model=DEFAULT_MODEL) == []
    assert screen_text(FEAR) == []  # the lexicon alone (no model named) stays instant and word-based


def test_a_message_is_read_once_and_gives_the_same_probabilities_again(encoder):
    first = encoder.probabilities([FEAR, PLANNING])
    again = encoder.probabilities([PLANNING, FEAR, FEAR])
    assert np.array_equal(first[0], again[1]) and np.array_equal(first[0], again[2])
    assert first.shape == (2, 4) and ((first >= 0) & (first <= 1)).all()


def test_the_bar_search_never_adds_false_alarms_beyond_the_screens_own():
    spec = importlib.util.spec_from_file_location("safety_encoder_bars", ROOT / "bench" / "safety_encoder_bars.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    n = 60
    gold = np.zeros((n, 4), bool)
    gold[:20, 3] = True
    hard = np.zeros(n, bool)
    hard[20:] = True
    probs = np.full((n, 4), 0.01)
    probs[:20, 3] = np.linspace(0.5, 0.99, 20)
    probs[20:24, 3] = [0.98, 0.9, 0.8, 0.7]  # hard negatives the encoder reads as fear
    base = np.zeros(n, bool)
    base[-4:] = True  # the screen already raises 4 of 40 (10%): the limit
    source = np.array(["a"] * n)
    bars = module.choose(probs, gold, hard, source, base)
    fired = base | (probs >= bars).any(1)
    assert fired[hard].mean() <= 0.1
    assert bars[:3].tolist() == [1.01, 1.01, 1.01] and bars[3] < 1.0
