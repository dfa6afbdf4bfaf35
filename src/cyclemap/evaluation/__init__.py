"""Measuring move models honestly: labelled data, metrics and reference baselines."""

from __future__ import annotations

from .labelled import LabelledTurn, group_dialogues, read_labelled, read_predictions
from .metrics import Scores, score
from .run import EvalReport, evaluate

__all__ = [
    "EvalReport",
    "LabelledTurn",
    "Scores",
    "evaluate",
    "group_dialogues",
    "read_labelled",
    "read_predictions",
    "score",
]
