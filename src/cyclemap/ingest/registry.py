"""The registry of readers and detection of a file's format from its content.

Each source format is one module in :mod:`cyclemap.ingest.formats` that
defines a :class:`Reader` subclass decorated with :func:`register`. Detection
asks every reader how sure it is that a file is theirs (:meth:`Reader.sniff`,
a score from 0 to 1) from the file's first bytes, its name and, for a folder
or a zip archive, the names inside; the most confident reader wins.
"""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, ClassVar

from ..errors import InputError, UnknownFormatError, UsageError
from ..model import Turn
from . import archive
from .source import SNIFF_BYTES, ReadOptions, repair_lines

_READERS: dict[str, Reader] = {}
_BUILTIN_LOADED = False


@dataclass(frozen=True)
class Sample:
    """What detection may look at: the name, the first bytes, and the names inside."""

    path: Path
    is_dir: bool
    is_zip: bool
    members: tuple[str, ...]
    head: bytes

    @property
    def name(self) -> str:
        return self.path.name.lower()

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @cached_property
    def text(self) -> str:
        """The head decoded leniently, without a leading byte-order mark, each line as
        :meth:`Source.iter_lines` gives it to the readers."""
        text = self.head.decode("utf-8", errors="replace")
        if not text.isascii() or "\\u" in text:
            text = "\n".join(repair_lines(text.split("\n")))
        return text.lstrip("\ufeff")

    def member_head(self, member: str, size: int = SNIFF_BYTES) -> bytes:
        if self.is_dir:
            with open(self.path / member, "rb") as handle:
                return handle.read(size)
        return archive.read_member_head(self.path, member, size)


class Reader(ABC):
    """One source format: how to recognise it and how to read it as turns."""

    #: Registered name, used by ``--format``; never changes meaning.
    name: ClassVar[str]
    #: One line for ``cyclemap formats``.
    title: ClassVar[str]
    #: A few lines of what such a file looks like, for ``cyclemap formats``.
    example: ClassVar[str]

    @abstractmethod
    def sniff(self, sample: Sample) -> float:
        """How sure (0 to 1) this reader is that the sample is its format."""

    @abstractmethod
    def read(self, path: Path, options: ReadOptions) -> Iterator[Turn]:
        """Yield the turns in conversation order; raise InputError on bad input."""

    #: Whether :meth:`write` is implemented (formats researchers move data with).
    writable: ClassVar[bool] = False

    def write(self, turns: Iterable[Turn], handle: IO[str]) -> None:
        raise UsageError(f"cyclemap cannot write the {self.name} format")


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: make a reader available under its ``name``."""
    if cls.name in _READERS:
        raise RuntimeError(f"two readers are called {cls.name!r}")
    _READERS[cls.name] = cls()
    return cls


def _load_builtin() -> None:
    from . import formats

    for module in sorted(pkgutil.iter_modules(formats.__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{formats.__name__}.{module.name}")


def readers() -> dict[str, Reader]:
    """All registered readers by name, in a stable order."""
    global _BUILTIN_LOADED
    if not _BUILTIN_LOADED:  # not "if not _READERS": importing one format module first registers only it
        _load_builtin()
        _BUILTIN_LOADED = True
    return dict(sorted(_READERS.items()))


def get_reader(name: str) -> Reader:
    known = readers()
    if name not in known:
        raise UsageError(f"unknown format {name!r}", hint=f"known formats: {', '.join(known)}")
    return known[name]


def sample(path: Path) -> Sample:
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        members = tuple(
            sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())[:10_000]
        )
        return Sample(path, True, False, members, b"")
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise InputError(path, f"cannot open: {error.strerror}") from None
    if archive.is_zip(path):
        return Sample(path, False, True, tuple(archive.member_names(path)), head)
    return Sample(path, False, False, (), head)


def detect(path: Path) -> Reader:
    """The reader most sure the file is its format, or UnknownFormatError."""
    found = sample(path)
    best: tuple[float, str] = (0.0, "")
    for name, reader in readers().items():
        try:
            score = reader.sniff(found)
        except InputError:
            raise
        except (ValueError, RecursionError, LookupError, TypeError, AttributeError, OSError):
            score = 0.0  # hostile or odd content is not this reader's; say so below
        if score > best[0]:
            best = (score, name)
    if best[0] <= 0.0:
        what = "a folder" if found.is_dir else ("a zip archive" if found.is_zip else "a file")
        hint = "run 'cyclemap formats' to see what cyclemap reads, or pass --format NAME"
        if not found.is_dir and not found.is_zip and found.head and b"\x00" in found.head[:4096]:
            what = "a binary file"
        if not found.is_dir and found.head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Notepad's "Unicode"
            what = "a UTF-16 text file"
            hint = "cyclemap reads UTF-8: save the file again as UTF-8 (in Notepad: Save as, Encoding UTF-8)"
        raise UnknownFormatError(path, f"{what} in no known chat format", hint=hint)
    return readers()[best[1]]


def read_turns(path: str | Path, format: str = "auto", options: ReadOptions | None = None) -> Iterator[Turn]:
    """Stream the turns of ``path``, detecting its format unless one is named."""
    path = Path(path)
    reader = detect(path) if format == "auto" else get_reader(format)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    return reader.read(path, options or ReadOptions())
