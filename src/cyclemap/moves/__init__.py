"""Move detection: the label of every turn, with its cue, confidence and evidence."""

from __future__ import annotations

from .label import Evidence, MoveLabel
from .registry import MoveModel, available_models, make_model, register_model

__all__ = ["Evidence", "MoveLabel", "MoveModel", "available_models", "make_model", "register_model"]
