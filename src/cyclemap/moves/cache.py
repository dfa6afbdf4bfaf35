"""The label cache: a chat analysed again, or with new messages appended, costs only the new turns.

A model's reading of a turn depends only on the turn and the few turns before
it (:mod:`cyclemap.moves.context`), so that window, hashed, is the key. The
cache keeps hashes and numbers only, never message text or names, in one
SQLite file in the user's data folder. When the data folder is encrypted
(:mod:`cyclemap.vault`) keys are keyed hashes only the passphrase reproduces
(a guessed message cannot be checked against the cache) and values are sealed.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CyclemapError
from ..model import Turn
from ..paths import data_dir
from ..vault import Vault, VaultError, current_vault
from .context import CONTEXT, context_features

SCHEMA = "CREATE TABLE IF NOT EXISTS labels (model TEXT NOT NULL, key BLOB NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model, key))"
META = "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"


def window_keys(turns: Sequence[Turn]) -> list[bytes]:
    """One key per turn: its text, the CONTEXT texts before it, who said them, and the timing features."""
    rounded = np.round(context_features(turns), 4).tolist()  # rounded once for all rows: same numbers
    texts = [t.text for t in turns]
    speakers = [t.speaker for t in turns]
    keys = []
    sha256, dumps = hashlib.sha256, json.dumps
    for index, speaker in enumerate(speakers):
        start = max(0, index - CONTEXT)
        same = [s == speaker for s in speakers[start: index + 1]]
        payload = dumps([texts[start: index + 1], same, rounded[index]])
        keys.append(sha256(payload.encode("utf-8")).digest())
    return keys


def _numbers(values: Sequence[float]) -> str:
    """The model's outputs as a JSON list with 9 significant digits: enough to give back the very
    float32 numbers computed, so a label read from the cache is the label computed (to the digit)."""
    if all(math.isfinite(v) for v in values):
        return "[" + ", ".join(f"{v:.9g}" for v in values) + "]"
    return json.dumps([round(v, 5) for v in values])


class LabelCache:
    """Model outputs by (model name, window key)."""

    def __init__(self, path: Path | None = None, vault: Vault | None | bool = True) -> None:
        """``vault``: True means the data folder's own (:func:`~cyclemap.vault.current_vault`) for the
        default path and none for an explicit ``path``; or a Vault, or None for plain storage."""
        self._vault = (current_vault() if path is None else None) if vault is True else (vault or None)
        self.path = path or data_dir() / "label-cache.sqlite"
        try:
            self._db = sqlite3.connect(self.path)
            self.path.chmod(0o600)
            self._db.execute(SCHEMA)
            self._check_sealing()
        except sqlite3.Error as error:
            raise CyclemapError(
                f"the label cache {self.path} cannot be used ({error})",
                hint="run with --no-cache, or delete the file; it only holds labels cyclemap can compute again",
            ) from None

    def _check_sealing(self) -> None:
        """A cache is sealed or plain for good; plain labels are dropped (recomputable) when sealing starts."""
        self._db.execute(META)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'sealed'").fetchone()
        sealed = self._vault is not None
        if row is not None and row[0] == "1" and not sealed:
            raise VaultError(f"the label cache {self.path} is encrypted",
                             hint="set CYCLEMAP_PASSPHRASE or pass --passphrase-file, or use --no-cache")
        if row is None or (row[0] == "0" and sealed):
            with self._db:
                if sealed:
                    self._db.execute("DELETE FROM labels")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('sealed', ?)", ["1" if sealed else "0"])

    def get_many(self, model: str, keys: Iterable[bytes]) -> dict[bytes, list[float]]:
        if self._vault is not None:
            return self._get_sealed(model, keys)
        found: dict[bytes, list[float]] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(
                f"SELECT key, value FROM labels WHERE model = ? AND key IN ({marks})", [model, *chunk]
            ):
                found[key] = json.loads(value)
        return found

    def put_many(self, model: str, items: Iterable[tuple[bytes, list[float]]]) -> None:
        if self._vault is not None:
            items = [(self._vault.keyed_hash(key), values) for key, values in items]
            rows = [(model, key, self._seal(model, values)) for key, values in items]
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO labels (model, key, value) VALUES (?, ?, ?)", rows)
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO labels (model, key, value) VALUES (?, ?, ?)",
                [(model, key, _numbers(values)) for key, values in items],
            )

    def _seal(self, model: str, values: list[float]) -> bytes:
        assert self._vault is not None
        return self._vault.seal(_numbers(values).encode(), context=model.encode())

    def _get_sealed(self, model: str, keys: Iterable[bytes]) -> dict[bytes, list[float]]:
        assert self._vault is not None
        stored = {self._vault.keyed_hash(key): key for key in keys}
        found: dict[bytes, list[float]] = {}
        unique = list(stored)
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self._db.execute(
                f"SELECT key, value FROM labels WHERE model = ? AND key IN ({marks})", [model, *chunk]
            ):
                found[stored[key]] = json.loads(self._vault.open(value, context=model.encode()))
        return found

    def forget(self, keys: Iterable[bytes]) -> int:
        """Delete the labels of these window keys, for every model; the number of rows deleted."""
        stored = [self._vault.keyed_hash(k) if self._vault else k for k in dict.fromkeys(keys)]
        deleted = 0
        with self._db:
            for start in range(0, len(stored), 500):
                chunk = stored[start:start + 500]
                marks = ",".join("?" * len(chunk))
                deleted += self._db.execute(f"DELETE FROM labels WHERE key IN ({marks})", chunk).rowcount
        return deleted

    def export(self) -> dict[str, Any]:
        """Everything the cache holds, as JSON: per model, hex key and the stored numbers."""
        models: dict[str, list[dict[str, Any]]] = {}
        for model, key, value in self._db.execute("SELECT model, key, value FROM labels ORDER BY model, key"):
            numbers = json.loads(self._vault.open(value, context=model.encode()) if self._vault else value)
            models.setdefault(model, []).append({"key": bytes(key).hex(), "values": numbers})
        return {"sealed": self._vault is not None, "rows": sum(map(len, models.values())), "models": models}

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM labels")

    def close(self) -> None:
        self._db.close()
