"""The learned wording model (``safety_text``, v2 by default): it loads, reads wording no pattern names, stays quiet
on figures of speech, and names the words that weighed most."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from cyclemap import safety
from cyclemap.moves.screening import screen_many
from cyclemap.safety import FLAGS, decide, screen_text, screen_turn
from cyclemap.safety_lexicon import lexicon
from cyclemap.safety_text import VERSION, featurise, model, text_probabilities

#: Danger in words the lexicon has no pattern for (the wording model must carry these; from its training set).
UNLISTED = [
    ("self_harm", "I bought rope today"),  # a veiled hint
    ("control", "he takes my whole wage and gives me twenty quid a week"),  # money
    ("violence", "the hole in the plaster is exactly where my head was"),  # harm told indirectly
    ("violence", "im gna fuck u up when i get home"),  # texting
]

FIGURES = [
    "this spreadsheet is going to kill me",
    "I could murder a curry right now",
    "in the game you have to kill the boss before the timer runs out",
    "my feet are killing me after that walk",
    "I'm dying to see the new flat",
    "we absolutely killed them in the second half",
    "where were you? I was worried sick, you could have texted",
    "I need some space tonight, please don't take it personally",
]

BARS = {"bar": dict.fromkeys(FLAGS, 0.5), "guarded": dict.fromkeys(FLAGS, 1.01), "clear": 1.01}


def test_the_shipped_model_loads_small_and_reads_four_flags() -> None:
    m = model()
    assert m is not None, f"safety_text.{VERSION} weights are missing from cyclemap/data"
    size = resources.files("cyclemap").joinpath(f"data/safety-text-{VERSION}.npz").stat().st_size  # type: ignore[attr-defined]
    assert size < 5_000_000
    probabilities = m.probabilities(["I want to die", "pass the salt"])
    assert probabilities.shape == (2, 4)
    assert probabilities[0, FLAGS.index("self_harm")] > probabilities[1, FLAGS.index("self_harm")]


@pytest.mark.parametrize(("flag", "text"), UNLISTED)
def test_wording_no_pattern_names_raises_its_flag(flag: str, text: str) -> None:
    hits, _ = lexicon().scan(text)
    assert not [h for h in hits if h.flag == flag], "the lexicon already catches this: pick other words"
    flags, evidence = screen_turn(text, None)
    assert flag in flags
    words = [e for e in evidence if e.reason.startswith(f"safety: {flag}")][0]
    assert words.text and text[words.start:words.end] == words.text  # the original words, where they are


@pytest.mark.parametrize("text", FIGURES)
def test_figures_of_speech_and_ordinary_fights_raise_nothing(text: str) -> None:
    assert screen_text(text) == []


def test_a_strong_reading_names_its_strongest_words() -> None:
    text = "he kneeled on my ribs and I could not breathe"
    flags, evidence = decide([], [], None, text=text, text_probabilities=[0.99, 0, 0, 0], text_bars=BARS)
    assert flags == ("violence",)
    assert evidence[0].reason == "safety: violence (possible)"
    assert evidence[0].text in text and evidence[0].text.strip()


def test_a_guard_silences_the_reading_below_its_guarded_bar() -> None:
    # the same reading, but the turn is about a game: the guarded bar (off here) applies
    text = "in the game you have to kill the boss first"
    assert decide([], [], None, text=text, text_probabilities=[0.99, 0, 0, 0], text_bars=BARS) == ((), ())
    held = [safety._CONTEXT]
    assert decide([], held, None, text="he hit me", text_probabilities=[0.99, 0, 0, 0], text_bars=BARS) == ((), ())


def test_a_batch_reads_the_same_as_one_turn_at_a_time() -> None:
    texts = ["I've given my guitar to Sam, I won't need it", "pass the salt", "", "héllo 😂 wörld"]
    batch = text_probabilities(texts)
    single = np.concatenate([text_probabilities([t]) for t in texts])
    assert np.allclose(batch, single, atol=1e-5)
    items = [(t, None) for t in texts]
    assert screen_many(items) == [screen_turn(t, None) for t in texts]


def test_features_do_not_depend_on_where_the_words_stand() -> None:
    inner = set(featurise(["hit you"]).buckets.tolist())
    outer = set(featurise(["so he said hit you"]).buckets.tolist())
    assert inner <= outer
