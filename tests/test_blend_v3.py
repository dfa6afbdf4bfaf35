"""blend.v3: blend.v1 plus codebook rules (moves/rules.py) over its class probabilities."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from cyclemap.moves import rules
from cyclemap.moves.classes import CLASSES, move_probabilities
from cyclemap.moves.registry import NotFittedError, available_models, make_model
from cyclemap.model import Turn

START = datetime(2024, 3, 1, 18, 0)


def chat(*lines: tuple[str, str]) -> list[Turn]:
    return [Turn(id=str(i), time=START + timedelta(minutes=3 * i), speaker=s, text=t) for i, (s, t) in enumerate(lines)]


def uniform(n: int) -> np.ndarray:
    """Class probabilities of a model with no opinion: each move 1/4, shared among its cues."""
    from cyclemap.moves.classes import CLASS_MOVE

    per_class = 0.25 / np.bincount(CLASS_MOVE)[CLASS_MOVE]
    return np.tile(per_class, (n, 1))


def move_of(probs: np.ndarray) -> str:
    from cyclemap.moves.classes import MOVES

    return MOVES[int(move_probabilities(probs[None, :])[0].argmax())]


def cue_of(probs: np.ndarray) -> str | None:
    from cyclemap.moves.classes import decode

    return decode(probs[None, :])[1][0]


@pytest.fixture(scope="module")
def model():
    return make_model("blend.v3").fit()


# --- the estimator contract ------------------------------------------------------------------------

def test_blend_v3_is_registered_and_refuses_to_predict_unfitted():
    assert "blend.v3" in available_models()
    with pytest.raises(NotFittedError):
        make_model("blend.v3").predict([chat(("A", "hi"))])


def test_version_names_the_rules_so_cached_blend_v1_labels_are_not_reused(model):
    v1 = make_model("blend.v1").version()
    assert model.version().startswith("blend.v3:")
    assert model.version() != v1 and "minimal_reply" in model.version()


def test_one_label_per_turn_with_probabilities_that_sum_to_one(model):
    turns = chat(("Sam", "you said you'd be home by 7. it's 9"), ("Alex", "ok."), ("Sam", "can you grab milk?"))
    labels = model.predict([turns])[0]
    assert len(labels) == len(turns)
    rows = model.predict_rows([(turns, range(len(turns)))])[0]
    assert rows.shape == (3, len(CLASSES) + 4)
    assert np.allclose(rows[:, : len(CLASSES)].sum(axis=1), 1.0, atol=1e-5)
    assert all(0.0 < label.confidence <= 1.0 for label in labels)


def test_rows_read_alone_match_rows_read_with_the_whole_chat(model):
    # the rules read only inside the label cache's window, so a chat read piecewise gets the same rules
    turns = chat(("Sam", "we need to talk about the money you spent"), ("Alex", "fine."), ("Sam", "fine?"),
                 ("Alex", "ok"))
    whole = model.predict_rows([(turns, range(4))])[0]
    later = model.predict_rows([(turns, [3])])[0]
    assert move_of(whole[3, : len(CLASSES)]) == move_of(later[0, : len(CLASSES)])


# --- calibration sanity ----------------------------------------------------------------------------

def test_a_rule_pulls_but_does_not_overrule_a_model_that_is_sure():
    turns = chat(("Sam", "where are you"), ("Alex", "(to the waiter) two coffees please"))
    sure = np.zeros((1, len(CLASSES)))
    sure[0, CLASSES.index("criticize")] = 0.999
    sure[0, CLASSES.index("neutral")] = 0.001
    corrected = rules.correct(sure, turns, [1], {})
    assert move_of(corrected[0]) == "pursue"  # 0.999 against 20 x 0.001: the model still wins
    assert corrected[0, CLASSES.index("neutral")] > 0.001
    assert np.isclose(corrected.sum(), 1.0)


def test_rows_no_rule_touches_are_returned_unchanged():
    turns = chat(("Sam", "I miss you"), ("Alex", "miss you too, see you at 6"))
    probs = np.random.default_rng(3).dirichlet(np.ones(len(CLASSES)), size=2)
    assert np.array_equal(rules.correct(probs, turns, [0, 1], {}), probs)


# --- the rules on invented turns -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["(to the waiter) can we get the bill", "[to his mother] we'll call you sunday",
                                  "(to Dana) put your shoes on please"])
def test_a_turn_said_to_someone_else_is_neutral(text):
    turns = chat(("Sam", "you always do this"), ("Alex", text))
    assert move_of(rules.correct(uniform(1), turns, [1], {})[0]) == "neutral"


def test_a_stage_direction_naming_the_partner_is_left_to_the_model():
    turns = chat(("Sam", "I can't find it anywhere"), ("Alex", "(to Sam) find the form. please."))
    assert np.array_equal(rules.correct(uniform(1), turns, [1], {}), uniform(1))


def test_ok_after_a_complaint_is_shutdown_and_after_a_calm_question_neutral():
    pursued = np.array([0.8, 0.05, 0.05, 0.1])  # the fast model read the turn before as pursue
    calm = np.array([0.05, 0.05, 0.1, 0.8])
    complaint = chat(("Sam", "you forgot again. you always forget"), ("Alex", "ok."))
    question = chat(("Sam", "can you pick up milk on the way?"), ("Alex", "ok."))
    after_complaint = rules.correct(uniform(1), complaint, [1], {1: pursued})[0]
    after_question = rules.correct(uniform(1), question, [1], {1: calm})[0]
    assert (move_of(after_complaint), cue_of(after_complaint)) == ("withdraw", "shutdown")
    assert move_of(after_question) == "neutral"


def test_a_minimal_reply_to_oneself_is_left_to_the_model():
    turns = chat(("Alex", "running late"), ("Alex", "ok"))
    pursued = np.array([0.8, 0.05, 0.05, 0.1])
    assert np.array_equal(rules.correct(uniform(1), turns, [1], {1: pursued}), uniform(1))


def test_a_mock_apology_is_criticism():
    turns = chat(("Sam", "you forgot her nap"), ("Alex", "oh I'm sorry, I forgot you're the perfect parent"))
    corrected = rules.correct(uniform(1), turns, [1], {}, (rules.MOCK_APOLOGY,))[0]
    assert (move_of(corrected), cue_of(corrected)) == ("pursue", "criticize")


def test_a_real_apology_is_not_touched():
    turns = chat(("Sam", "you forgot her nap"), ("Alex", "I'm sorry, I forgot. that's on me"))
    assert np.array_equal(rules.correct(uniform(1), turns, [1], {}, (rules.MOCK_APOLOGY,)), uniform(1))


def test_end_to_end_ok_after_a_complaint_reads_as_withdrawal(model):
    turns = chat(("Sam", "you said you'd call and you didn't. again. I'm sick of always being the one who chases"),
                 ("Alex", "ok."))
    label = model.predict([turns])[0][1]
    assert str(label.move) == "withdraw"
