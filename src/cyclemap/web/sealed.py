"""Columns sealed at rest: when the data folder is encrypted (``CYCLEMAP_PASSPHRASE``,
see :mod:`cyclemap.vault`), messages, analyses, answers and notes are stored sealed
(AES-256-GCM under the passphrase's key) and opened only as they are read."""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import JSON, Text
from sqlalchemy.types import TypeDecorator

from ..vault import VaultError, current_vault

MARK = "cyclemap-sealed-v1"
CONTEXT = b"cyclemap web column"
_TEXT_PREFIX = MARK + ":"


def _seal(raw: bytes) -> str | None:
    vault = current_vault()
    return None if vault is None else base64.b64encode(vault.seal(raw, context=CONTEXT)).decode("ascii")


def _open(blob: str) -> bytes:
    vault = current_vault()
    if vault is None:
        raise VaultError("this database holds sealed data", hint="set CYCLEMAP_PASSPHRASE to the passphrase it was sealed with")
    return vault.open(base64.b64decode(blob), context=CONTEXT)


class SealedJSON(TypeDecorator):
    """JSON, sealed when the data folder is encrypted (stored as ``{MARK: blob}``)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        sealed = _seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        return value if sealed is None else {MARK: sealed}

    def process_result_value(self, value: Any, dialect) -> Any:
        if isinstance(value, dict) and len(value) == 1 and MARK in value:
            return json.loads(_open(value[MARK]))
        return value


class SealedText(TypeDecorator):
    """Text, sealed when the data folder is encrypted (stored as ``MARK:blob``)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        sealed = _seal(str(value).encode("utf-8"))
        return value if sealed is None else _TEXT_PREFIX + sealed

    def process_result_value(self, value: Any, dialect) -> Any:
        if isinstance(value, str) and value.startswith(_TEXT_PREFIX):
            return _open(value[len(_TEXT_PREFIX):]).decode("utf-8")
        return value
