"""The coach: check a draft message and offer softer ways to say it.

    from cyclemap.coach import check_message
    result = check_message("you never help with the dishes")
    result.move, result.cue, result.evidence       # what it does and why
    [a.text for a in result.alternatives]          # two or three softer ways, each read as soften
    result.safety                                  # a notice with help resources instead, when needed
    result.to_json()

Offline by default; see docs/coach.md.
"""

from __future__ import annotations

from .blame import blame_words
from .check import Alternative, MessageCheck, SafetyNotice, check_message, default_labeller

__all__ = ["Alternative", "MessageCheck", "SafetyNotice", "blame_words", "check_message", "default_labeller"]
