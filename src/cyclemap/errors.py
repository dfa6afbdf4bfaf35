"""The exceptions cyclemap raises, translated once at the edge (CLI, web app).

    CyclemapError            anything cyclemap reports to a person
    ├── InputError           a file that cannot be read as asked (names file and line)
    │   └── UnknownFormatError   no reader recognises the file
    └── UsageError           options that contradict each other or the input

Each message says what was wrong, where, and what to do about it, on one line.
"""

from __future__ import annotations

from os import PathLike


class CyclemapError(Exception):
    """Base of every error cyclemap reports to a person."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())  # always one line


class InputError(CyclemapError):
    """A file that cannot be read as asked; names the file and, where known, the line."""

    def __init__(
        self,
        path: str | PathLike[str],
        message: str,
        *,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = str(path)
        self.line = line

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {super().__str__()}"


class UnknownFormatError(InputError):
    """No reader recognises the file."""


class UsageError(CyclemapError):
    """Options that contradict each other or the input."""
