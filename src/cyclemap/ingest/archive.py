"""Zip archives read defensively: no path escapes, no bombs, clear errors on truncation."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO

from ..errors import InputError

#: Total uncompressed size an archive may declare.
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024
#: Compression ratio above which a member is treated as a zip bomb.
MAX_RATIO = 200
MAX_MEMBERS = 100_000


def is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def _check_name(path: Path, name: str) -> None:
    if not name:  # found by fuzzing: zipfile itself trips over an empty member name
        raise InputError(path, "archive member with an empty name", hint="refusing a damaged or hostile zip")
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise InputError(
            path,
            f"archive member {name!r} points outside the archive",
            hint="refusing a zip with unsafe member names",
        )


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError):  # fuzzing found the last three
        raise InputError(path, "not a complete zip archive (truncated or damaged?)",
                         hint="export the chat again") from None
    except OSError as error:
        raise InputError(path, f"cannot open: {error.strerror}") from None


def member_names(path: Path) -> list[str]:
    """The names of the archive's files, after checking every name and the declared sizes."""
    with _open(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(path, f"archive holds {len(infos)} members; too many for a chat export")
        total = 0
        for info in infos:
            _check_name(path, info.filename)
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024:
                raise InputError(path, f"archive member {info.filename!r} expands {info.file_size // info.compress_size}-fold",
                                 hint="refusing what looks like a zip bomb")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise InputError(path, "archive expands to more than 4 GiB", hint="refusing what looks like a zip bomb")
        return [info.filename for info in infos if not info.is_dir()]


class _BoundedMember:
    """A member stream that stops at its declared size, so a lying header cannot bomb."""

    def __init__(self, archive: zipfile.ZipFile, stream: IO[bytes], limit: int, label: str) -> None:
        self._archive, self._stream, self._left, self._label = archive, stream, limit, label

    def _guard(self, data: bytes) -> bytes:
        self._left -= len(data)
        if self._left < 0:
            raise InputError(self._label, "archive member is larger than it declares", hint="refusing a damaged or hostile zip")
        return data

    def read(self, size: int = -1) -> bytes:
        try:
            return self._guard(self._stream.read(size))
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
            raise InputError(self._label, f"archive member cannot be read ({error}); the zip is truncated or damaged") from None

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._guard(self._stream.readline(size))
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
            raise InputError(self._label, f"archive member cannot be read ({error}); the zip is truncated or damaged") from None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._stream.close()
        self._archive.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def __enter__(self) -> _BoundedMember:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self):  # pragma: no cover - io protocol
        while line := self.readline():
            yield line

    def flush(self) -> None:  # io.TextIOWrapper asks for it
        pass

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False


def open_member(path: Path, member: str) -> IO[bytes]:
    member_names(path)  # validates names and sizes first
    archive = _open(path)
    try:
        info = archive.getinfo(member)
        stream = archive.open(info)
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error) as error:
        archive.close()
        raise InputError(path, f"cannot read archive member {member!r}: {error}") from None
    except (RuntimeError, NotImplementedError) as error:  # found by fuzzing: encrypted or exotic members
        archive.close()
        what = "is password-protected" if "encrypted" in str(error) else "uses a compression cyclemap cannot read"
        raise InputError(path, f"archive member {member!r} {what}", hint="export the chat again without a password") from None
    return _BoundedMember(archive, stream, info.file_size, f"{path}!{member}")  # type: ignore[return-value]


def member_size(path: Path, member: str) -> int:
    member_names(path)  # validates names and sizes first, as open_member does
    with _open(path) as archive:
        try:
            return archive.getinfo(member).file_size
        except KeyError:  # e.g. a zip forced through --format docx that is no Word document
            raise InputError(path, f"the archive has no member {member!r}", hint="is this the right --format?") from None


def read_member_head(path: Path, member: str, size: int) -> bytes:
    with open_member(path, member) as handle:
        return handle.read(size)
