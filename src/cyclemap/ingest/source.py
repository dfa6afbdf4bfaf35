"""Safe access to an input file: bounded lines, strict decoding, clear errors.

Every reader gets its bytes through :class:`Source`, so a truncated, huge,
mis-encoded or hostile file fails the same way everywhere: an
:class:`~cyclemap.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import io
import json
import re
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

# UTF-8 read as Windows-1252 and saved again ("double encoding"): "â€Ž" for a direction mark,
# "ðŸ˜…" for 😅, "Ã©" for é. A lead byte of a UTF-8 sequence followed by a continuation byte,
# both as Windows-1252 shows them.
_CONTINUATION = (  # how Windows-1252 shows a UTF-8 continuation byte
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_MOJIBAKE = re.compile("[\u00c2-\u00f4]" + _CONTINUATION)


# A character of three or four UTF-8 bytes seen that way ("â€Ž", "ðŸ˜…"): the evidence a file
# needs, since two accented letters ("Ã©") could be what someone typed.
_WIDE_MOJIBAKE = re.compile("[\u00e2-\u00f4]" + _CONTINUATION + _CONTINUATION)

# The invisible characters of chat exports written out as escapes ("\\u202f", six characters) by
# scripts that generate test chats: read as the characters they stand for.
_ESCAPED_MARK = re.compile(r"(?<!\\)\\u(200[ef]|202[a-f]|206[6-9]|00a0|202f|feff)", re.IGNORECASE)


#: How many lines at the top of a file decide whether it is double-encoded as a whole.
REPAIR_LOOKAHEAD = 200


def restore_escaped_marks(line: str) -> str:
    """``'\\u202fPM'`` (six characters, then PM) -> ``'\u202fPM'``; other lines unchanged."""
    if "\\u" in line:
        return _ESCAPED_MARK.sub(lambda found: chr(int(found[1], 16)), line)
    return line


def double_encoded(lines: list[str]) -> bool:
    """Whether a file's first lines read as double-encoded UTF-8 throughout: two or more
    lines repair, and every line that looks double-encoded does. One odd string
    (\"Ã©\" quoted in a message) is not enough to change a file's text."""
    suspect = [line for line in lines if not line.isascii() and _MOJIBAKE.search(line)]
    if not any(_WIDE_MOJIBAKE.search(line) for line in suspect):
        return False
    repaired = sum(1 for line in suspect if repair_double_encoding(line) != line)
    return repaired >= 2 and repaired == len(suspect)


def repair_lines(lines: list[str]) -> list[str]:
    """Lines as their writer meant them: escaped invisible marks restored and, when the
    file as a whole is double-encoded, the encoding undone."""
    lines = [restore_escaped_marks(line) for line in lines]
    return [repair_double_encoding(line) for line in lines] if double_encoded(lines) else lines


def repair_double_encoding(line: str) -> str:
    """A line of UTF-8 that was once read as Windows-1252 and saved again, restored
    (``'â€ŽMessages'`` -> ``'\u200eMessages'``); any other line comes back unchanged."""
    if line.isascii() or not _MOJIBAKE.search(line):
        return line
    raw = bytearray()
    for char in line:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:  # not a byte Windows-1252 could have shown: real text
                return line
            raw.append(ord(char))  # the five bytes Windows-1252 leaves undefined pass through
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:  # "Café" and other real text do not decode
        return line
    # Control characters are nobody's writing: the line only looked double-encoded.
    controls = any(ord(char) < 0x20 and char != "\t" or 0x7F <= ord(char) < 0xA0 for char in fixed)
    return line if controls else fixed


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
        lines = self._decoded_lines()
        head: list[str] = []  # the first lines, held until they show whether the file is double-encoded
        for _number, text in lines:
            head.append(restore_escaped_marks(text))
            if len(head) >= REPAIR_LOOKAHEAD:
                break
        repair = double_encoded(head)
        yield from self._held(head, repair)
        for number, text in lines:  # the rest, on the way through (the common case kept cheap)
            if "\\u" in text:
                text = restore_escaped_marks(text)
            yield number, repair_double_encoding(text) if repair else text

    @staticmethod
    def _held(head: list[str], repair: bool) -> Iterator[tuple[int, str]]:
        for number, text in enumerate(head, start=1):
            yield number, repair_double_encoding(text) if repair else text

    def _decoded_lines(self) -> Iterator[tuple[int, str]]:
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
        for number, line in self._decoded_lines():  # JSON carries its own escapes: nothing to repair
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
