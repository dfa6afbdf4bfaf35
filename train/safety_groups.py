"""Which rows of the safety training data are held out together in cross-validation.

Shared by train/train_safety_text.py and train/train_safety_encoder.py (the second runs in the
scratch torch environment without cyclemap installed, so this module imports nothing)."""

from __future__ import annotations


def group(row: dict) -> str | None:
    """The cross-validation group of a training row: a line of train_extra2 with its variants, a corpus
    conversation, a tuning line; None (always trained on, never read out of fold) for train_extra, whose
    variants cannot be traced to their line."""
    split, conversation = row.get("split"), str(row.get("conversation"))
    if split == "train_extra":
        return None
    if split == "train_extra2":
        return conversation.rsplit("-", 1)[0]
    return f"{split}:{conversation}"
