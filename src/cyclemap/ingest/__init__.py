"""Reading chats and transcripts into turns: one module per source format."""

from __future__ import annotations

from pathlib import Path

from ..model import Conversation
from .registry import Reader, Sample, detect, get_reader, read_turns, readers, register
from .source import ReadOptions, Source

__all__ = [
    "ReadOptions",
    "Reader",
    "Sample",
    "Source",
    "detect",
    "get_reader",
    "load",
    "read_turns",
    "readers",
    "register",
]


def load(path: str | Path, format: str = "auto", options: ReadOptions | None = None) -> Conversation:
    """Read a whole conversation into memory (use :func:`read_turns` to stream)."""
    path = Path(path)
    options = options or ReadOptions()
    warnings: list[str] = []
    outer = options.warn

    def collect(message: str) -> None:
        warnings.append(message)
        outer(message)

    options.warn = collect
    reader = detect(path) if format == "auto" else get_reader(format)
    turns = list(reader.read(path, options))
    options.warn = outer
    return Conversation(turns=turns, title=path.stem, source_format=reader.name, warnings=warnings)
