"""bench/safety_encoder_eval.py chooses the fine-tuned safety encoder's bars on training data alone, within a
false-alarm budget (issue 7, G4). Only the bar search is tested here: the encoder's weights are not shipped."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "safety_encoder_eval.py"


@pytest.fixture(scope="module")
def evaluation():
    pytest.importorskip("onnxruntime")
    spec = importlib.util.spec_from_file_location("safety_encoder_eval", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fold(n_flagged: int = 20, n_hard: int = 40) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gold = np.zeros((n_flagged + n_hard, 4), bool)
    gold[:n_flagged, 0] = True
    hard = np.zeros(n_flagged + n_hard, bool)
    hard[n_flagged:] = True
    probs = np.full((n_flagged + n_hard, 4), 0.01)
    probs[:n_flagged, 0] = np.linspace(0.55, 0.99, n_flagged)  # the danger, read with more or less confidence
    probs[n_flagged:n_flagged + 4, 0] = [0.97, 0.9, 0.8, 0.6]  # four hard negatives that look like it
    return probs, gold, hard


def test_bars_keep_false_alarms_on_hard_negatives_within_the_budget(evaluation):
    probs, gold, hard = _fold()
    none = np.zeros(len(hard), bool)
    bars = evaluation.choose_bars(probs, gold, hard, none, budget=0.05)
    fired = (probs >= bars).any(1)
    assert fired[hard].mean() <= 0.05  # at most 2 of the 40 hard negatives
    # and it catches everything read as surer than the third-surest hard negative (0.8), the lowest bar allowed
    assert fired[gold.any(1)].sum() == (probs[:20, 0] >= 0.81).sum() > 0  # 0.81: the grid step above 0.8
    assert bars[1:].tolist() == [1.01, 1.01, 1.01]  # flags with nothing to catch stay off


def test_bars_never_add_alarms_beyond_what_the_screen_already_raises(evaluation):
    probs, gold, hard = _fold()
    base = np.zeros(len(hard), bool)
    base[-4:] = True  # the screen alone already cries wolf on 4 of 40 (10%)
    bars = evaluation.choose_bars(probs, gold, hard, base, budget=0.05)
    fired = base | (probs >= bars).any(1)
    assert fired[hard].mean() <= 0.10
    assert fired[gold.any(1)].sum() > 0
