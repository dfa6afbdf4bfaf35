"""cyclemap: see, name and break the pursue-withdraw cycle in a couple's own conversations."""

from __future__ import annotations

import os as _os

# onnxruntime (1.32 on Linux) keeps a telemetry device id and event database under
# $XDG_CACHE_HOME/Microsoft unless told not to before it is imported; cyclemap keeps
# and sends no telemetry (tests/test_privacy_writes.py catches any such file).
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

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
