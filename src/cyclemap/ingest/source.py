"""Safe access to an input file: bounded lines, strict decoding, clear errors.

Every reader gets its bytes through :class:`Source`, so a truncated, huge,
mis-encoded or hostile file fails the same way everywhere: an
:class:`~cyclemap.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from . import archive

#: The longest line (one message) a reader accepts; a 100,000-character
#: message is fine, a 50 MB line is not a chat.
MAX_LINE_BYTES = 8 * 1024 * 1024
#: The largest file a whole-file format (JSON, XML, DOCX) loads into memory.
MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024
#: How much of a file detection looks at.
SNIFF_BYTES = 64 * 1024

# Invisible marks some apps scatter through exports; never part of what was written.
DIRECTION_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_STRIP_MARKS = str.maketrans("", "", DIRECTION_MARKS)


def strip_marks(text: str) -> str:
    """Remove direction marks and byte-order marks, nothing else."""
    return text.translate(_STRIP_MARKS)


def first_json_object(text: str, lines: int = 5) -> dict[str, Any] | None:
    """The first non-blank line of ``text`` as a JSON object, or None (what JSON Lines sniffers look at)."""
    for line in text.splitlines()[:lines]:
        if line.strip():
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):
                return None
            return value if isinstance(value, dict) else None
    return None


@dataclass
class ReadOptions:
    """Choices a reader cannot always make from the file alone."""

    #: True: dates are day-first; False: month-first; None: infer from the file.
    dayfirst: bool | None = None
    #: The chat to take from an export that holds many (Telegram full export).
    chat: str | None = None
    #: The phone owner's name, for exports that only say "me" (SMS backups).
    owner: str | None = None
    #: Called with a one-line message whenever a reader had to guess.
    warn: Callable[[str], None] = field(default=lambda message: None)


@dataclass(frozen=True)
class Source:
    """A file on disk, or one member of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def label(self) -> str:
        """How errors name this input."""
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def error(self, message: str, *, line: int | None = None, hint: str | None = None) -> InputError:
        return InputError(self.label, message, line=line, hint=hint)

    def open_binary(self) -> IO[bytes]:
        if self.member is None:
            try:
                return open(self.path, "rb")
            except OSError as error:
                raise InputError(self.path, f"cannot open: {error.strerror}") from None
        return archive.open_member(self.path, self.member)

    def size(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        return archive.member_size(self.path, self.member)

    def iter_lines(self) -> Iterator[tuple[int, str]]:
        """Yield (line number, text without its line ending), decoding strictly as UTF-8.

        Byte-order marks and direction marks are left in place; readers strip
        them where they know a line starts, so nothing written is changed.
        """
        with self.open_binary() as handle:
            number = 0
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    raise self.error(
                        f"line longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB",
                        line=number,
                        hint="this does not look like a chat export",
                    )
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise self.error(
                        f"not valid UTF-8 at byte {error.start + 1} of the line",
                        line=number,
                        hint="export the chat again, or convert the file to UTF-8",
                    ) from None
                yield number, text.rstrip("\r\n")

    def iter_objects(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, object) for each non-blank line of a JSON Lines file, strictly."""
        for number, line in self.iter_lines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise self.error(f"broken JSON line: {error.msg}", line=number) from None
            except RecursionError:
                raise self.error("JSON nested too deeply", line=number) from None
            if not isinstance(data, dict):
                raise self.error("each line must be a JSON object", line=number)
            yield number, data

    def read_bytes(self) -> bytes:
        """The whole file, refusing one too large for a whole-file format."""
        size = self.size()
        if size > MAX_WHOLE_FILE_BYTES:
            raise self.error(
                f"file of {size // (1024 * 1024)} MiB is too large for this format "
                f"(at most {MAX_WHOLE_FILE_BYTES // (1024 * 1024)} MiB)",
                hint="split the export into smaller parts",
            )
        with self.open_binary() as handle:
            return handle.read(MAX_WHOLE_FILE_BYTES + 1)

    def read_text(self) -> str:
        data = self.read_bytes()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise self.error(
                "not valid UTF-8", line=line, hint="convert the file to UTF-8"
            ) from None

    def load_json(self) -> Any:
        """Parse the whole file as JSON, with errors that name the line."""
        text = self.read_text()
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            # A string can only go unterminated at the end of the text (a raw line break is another error).
            cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
            what = "JSON ends early (file cut off?)" if cut else f"invalid JSON: {error.msg}"
            raise self.error(what, line=error.lineno) from None
        except RecursionError:
            raise self.error("JSON nested too deeply to be a chat export") from None

    def text_stream(self) -> IO[str]:
        """A text stream of the whole file (UTF-8), for CSV and similar readers."""
        return io.TextIOWrapper(self.open_binary(), encoding="utf-8-sig", newline="")
