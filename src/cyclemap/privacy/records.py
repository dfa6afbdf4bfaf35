"""Saved records: a person's answers (safety check, assessment) kept only when they ask.

One file per record in ``records/`` in the data folder, owner-only, with a
random name (no person or relationship name in any file name). When the data
folder is encrypted (:mod:`cyclemap.vault`) the whole record is sealed, and
plain records left from before are sealed the next time records are read.

Each record belongs to one person: nothing here ever combines two people's
answers, and :func:`load_records` with ``person=`` returns only theirs.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..paths import data_dir
from ..vault import Vault, VaultError, current_vault
from .logs import LogId, get_logger

FOLDER = "records"
_CONTEXT = b"cyclemap record"
log = get_logger(__name__)


@dataclass(frozen=True)
class Record:
    """One saved thing: its kind, whose it is, which relationship, and the payload."""

    kind: str
    payload: dict[str, Any]
    person: str | None = None
    relationship: str | None = None
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def folder(create: bool = False) -> Path:
    path = data_dir() / FOLDER
    if create and not path.exists():
        path.mkdir()
        path.chmod(0o700)
    return path


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _encode(record: Record, vault: Vault | None) -> tuple[str, bytes]:
    data = json.dumps(record.to_json(), ensure_ascii=False).encode("utf-8")
    return (".sealed", vault.seal(data, context=_CONTEXT)) if vault else (".json", data)


def save_record(kind: str, payload: dict[str, Any], *, person: str | None = None,
                relationship: str | None = None, vault: Vault | None | bool = True) -> Record:
    """Store one record; sealed when the data folder is encrypted (``vault=True``: the current one)."""
    chosen = current_vault() if vault is True else (vault or None)
    record = Record(kind, payload, person, relationship)
    suffix, data = _encode(record, chosen)
    _write_new(folder(create=True) / f"{record.id}{suffix}", data)
    log.debug("saved a %s record (sealed: %s)", LogId(kind), chosen is not None)
    return record


def _read(path: Path, vault: Vault | None) -> Record:
    data = path.read_bytes()
    if path.suffix == ".sealed":
        if vault is None:
            raise VaultError(f"{path} is sealed", hint="set CYCLEMAP_PASSPHRASE or pass --passphrase-file")
        data = vault.open(data, context=_CONTEXT)
    try:
        fields = json.loads(data.decode("utf-8"))
        return Record(**fields)
    except (ValueError, TypeError) as error:
        raise InputError(path, f"damaged saved record ({type(error).__name__})",
                         hint="delete it with 'cyclemap forget --all', or remove the file") from None


def _entries() -> list[Path]:
    here = folder()
    if not here.is_dir():
        return []
    return sorted(p for p in here.iterdir() if p.suffix in (".json", ".sealed"))


def load_records(kind: str | None = None, *, person: str | None = None, relationship: str | None = None,
                 vault: Vault | None | bool = True) -> list[tuple[Path, Record]]:
    """Saved records, oldest first, filtered by kind, person and relationship."""
    chosen = current_vault() if vault is True else (vault or None)
    found = []
    for path in _entries():
        record = _read(path, chosen)
        if chosen is not None and path.suffix == ".json":
            path = _seal_plain(path, record, chosen)
        if kind is not None and record.kind != kind:
            continue
        if person is not None and record.person != person:
            continue
        if relationship is not None and record.relationship != relationship:
            continue
        found.append((path, record))
    return sorted(found, key=lambda item: item[1].created)


def _seal_plain(path: Path, record: Record, vault: Vault) -> Path:
    """A record saved before encryption was turned on, sealed now; the plain copy is removed."""
    _, data = _encode(record, vault)
    sealed = path.with_suffix(".sealed")
    _write_new(sealed, data)
    path.unlink()
    return sealed


def forget_relationship(relationship: str) -> int:
    """Delete every record of ``relationship``; the number deleted."""
    doomed = [path for path, _ in load_records(relationship=relationship)]
    for path in doomed:
        path.unlink()
    return len(doomed)


def forget_person(person: str) -> int:
    doomed = [path for path, _ in load_records(person=person)]
    for path in doomed:
        path.unlink()
    return len(doomed)


def export_user(person: str | None = None) -> list[dict[str, Any]]:
    """The records of ``person`` (every record when None), as JSON."""
    return [record.to_json() for _, record in load_records(person=person)]


def wipe() -> int:
    """Delete every record and the records folder; the number deleted."""
    entries = _entries()
    for path in entries:
        path.unlink()
    here = folder()
    if here.is_dir() and not any(here.iterdir()):
        here.rmdir()
    return len(entries)


__all__ = ["Record", "export_user", "forget_person", "forget_relationship", "load_records", "save_record", "wipe"]
