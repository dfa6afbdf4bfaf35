"""The label cache: a chat analysed again, or with new messages appended, costs only the new turns.

A model's reading of a turn depends only on the turn and the few turns before
it (:mod:`cyclemap.moves.context`), so that window, hashed, is the key. The
cache keeps hashes and numbers only, never message text or names, in one
SQLite file in the user's data folder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..model import Turn
from ..errors import CyclemapError
from ..paths import data_dir
from .context import CONTEXT, context_features

SCHEMA = "CREATE TABLE IF NOT EXISTS labels (model TEXT NOT NULL, key BLOB NOT NULL, value TEXT NOT NULL, PRIMARY KEY (model, key))"


def window_keys(turns: Sequence[Turn]) -> list[bytes]:
    """One key per turn: its text, the CONTEXT texts before it, who said them, and the timing features."""
    features = context_features(turns)
    keys = []
    for index, turn in enumerate(turns):
        window = turns[max(0, index - CONTEXT): index + 1]
        same = [t.speaker == turn.speaker for t in window]
        payload = json.dumps([[t.text for t in window], same, np.round(features[index], 4).tolist()])
        keys.append(hashlib.sha256(payload.encode("utf-8")).digest())
    return keys


class LabelCache:
    """Model outputs by (model name, window key)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "label-cache.sqlite"
        try:
            self._db = sqlite3.connect(self.path)
            self.path.chmod(0o600)
            self._db.execute(SCHEMA)
        except sqlite3.Error as error:
            raise CyclemapError(
                f"the label cache {self.path} cannot be used ({error})",
                hint="run with --no-cache, or delete the file; it only holds labels cyclemap can compute again",
            ) from None

    def get_many(self, model: str, keys: Iterable[bytes]) -> dict[bytes, list[float]]:
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
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO labels (model, key, value) VALUES (?, ?, ?)",
                [(model, key, json.dumps([round(v, 5) for v in values])) for key, values in items],
            )

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM labels")

    def close(self) -> None:
        self._db.close()
