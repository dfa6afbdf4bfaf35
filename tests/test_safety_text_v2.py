"""The wording model's versions and its part in the rule: the default loads by name,
it falls back to another installed version, and a ``corroborate`` bar makes a move-model
reading or a possible family count only when the wording model agrees."""

from __future__ import annotations

import pytest

from cyclemap import safety_text
from cyclemap.safety import FLAGS, decide
from cyclemap.safety_lexicon import lexicon

BARS = {"bar": dict.fromkeys(FLAGS, 1.01), "guarded": dict.fromkeys(FLAGS, 1.01), "clear": 1.01}


def test_the_default_version_is_the_named_one() -> None:
    assert safety_text.model() is not None
    assert safety_text.model() is safety_text.model(safety_text.VERSION)
    assert safety_text.model().probabilities(["I want to die", "pass the salt"]).shape == (2, 4)


def test_a_missing_version_falls_back_to_an_installed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety_text, "VERSION", "v99")
    assert safety_text.model() is not None  # the screen keeps its wording model
    assert safety_text.model("v99") is None  # asked by name: no silent substitute


def test_the_move_model_alone_needs_the_wording_model_to_agree() -> None:
    reading = [0.95, 0.0, 0.0, 0.0]  # the move model is sure of violence
    agree = {**BARS, "corroborate": {**dict.fromkeys(FLAGS, 0.0), "violence": 0.3}}
    assert decide([], [], reading, text="ur not goin 2 believe wat happened", text_probabilities=[0.1, 0, 0, 0],
                  text_bars=agree) == ((), ())
    flags, evidence = decide([], [], reading, text="he hurt me", text_probabilities=[0.4, 0, 0, 0], text_bars=agree)
    assert flags == ("violence",) and "model's reading" in evidence[0].text
    # without the wording model's reading, or without corroborate bars, the rule is unchanged
    assert decide([], [], reading, text="x", text_probabilities=None, text_bars=agree)[0] == ("violence",)
    assert decide([], [], reading, text="x", text_probabilities=[0.0] * 4, text_bars=BARS)[0] == ("violence",)


def test_a_clear_family_never_waits_for_the_wording_model() -> None:
    text = "he broke my arm"
    hits, held = lexicon().scan(text)
    bars = {**BARS, "corroborate": dict.fromkeys(FLAGS, 0.99)}
    assert decide(hits, held, [0.0] * 4, text=text, text_probabilities=[0.0] * 4, text_bars=bars)[0] == ("violence",)
