"""cyclemap: see, name and break the pursue-withdraw cycle in a couple's own conversations."""

from __future__ import annotations

from .errors import CyclemapError, InputError, UnknownFormatError, UsageError
from .ingest import ReadOptions, detect, load, read_turns, readers
from .model import Conversation, Participant, Turn

__version__ = "0.1.0"

__all__ = [
    "Conversation",
    "CyclemapError",
    "InputError",
    "Participant",
    "ReadOptions",
    "Turn",
    "UnknownFormatError",
    "UsageError",
    "__version__",
    "detect",
    "load",
    "read_turns",
    "readers",
]
