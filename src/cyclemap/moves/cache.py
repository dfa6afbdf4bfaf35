"""The label cache: a chat analysed again costs no model reading, one with new messages appended only the new turns
(and, for the default model, the last block they join).

A model's reading of a turn depends only on the turn and the few turns before
it (:mod:`cyclemap.moves.context`), so that window, hashed, is the key. The
cache keeps hashes and numbers only, never message text or names, in one
SQLite file in the user's data folder. When the data folder is encrypted
(:mod:`cyclemap.vault`) keys are keyed hashes only the passphrase reproduces
(a guessed message cannot be checked against the cache) and values are sealed.

A model that reads turns together (the default model's int8 encoder quantizes a
batch's activations together, so a turn's numbers move a little with the turns
read beside it) is cached by *block* instead: the rows of every turn one call of
the labeller read, under a hash of all their window keys, kept only as a whole.
A chat read again gives the very numbers of the first run; a chat with new
messages appended has its earlier blocks unchanged (``classify_stream`` cuts
blocks at fixed places) and its last block read again with the new turns, as a
cold run reads it: the result is always the cold run's, to the byte.

Beside the labels the cache keeps the safety screen's findings
(:mod:`cyclemap.moves.screen_cache`: flag numbers and character offsets, no
words) under a digest of the screen's version, read in the same query, so a
chat read again is neither read by the model nor screened again.
"""

from __future__ import annotations

import hashlib
import io
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
# One screen per window and model: a newer screen version replaces it (reads ask for their version only).
SCREENS = (
    "CREATE TABLE IF NOT EXISTS screens (model TEXT NOT NULL, key BLOB NOT NULL, version TEXT NOT NULL, "
    "value BLOB NOT NULL, PRIMARY KEY (model, key))"
)
# One row per block of turns read together: their rows (a NumPy array, the turns' order), the screen version and
# findings, and the turns' window keys (for ``forget``); ``batch`` hashes the keys, ``head`` is the first key.
BLOCKS = (
    "CREATE TABLE IF NOT EXISTS blocks (model TEXT NOT NULL, batch BLOB NOT NULL, rows BLOB NOT NULL, "
    "screen TEXT, findings BLOB, head BLOB NOT NULL, keys BLOB NOT NULL, PRIMARY KEY (model, batch))"
)
BLOCK_HEADS = "CREATE INDEX IF NOT EXISTS block_heads ON blocks (model, head)"
_KEY = 32  # bytes in a window key (SHA-256, or the vault's keyed hash of it)
#: Sealed findings are padded to a multiple of this many bytes: a flagged turn's value is no longer than
#: a quiet one's (most findings are far shorter), so the file does not tell how many turns were flagged.
_PAD = 96
_CHUNK = 500  # keys per query (SQLite allows 999 parameters in older builds)


def window_keys(turns: Sequence[Turn]) -> list[bytes]:
    """One key per turn: its text, the CONTEXT texts before it, who said them, and the timing features.

    The key hashes ``json.dumps([texts, same_speaker, rounded_features])`` (the hashes the cache always
    had); the JSON is put together from each text's encoding, made once (a text is in four windows).
    """
    rounded = np.round(context_features(turns), 4).tolist()  # rounded once for all rows: same numbers
    encoded = [_STRING(t.text) for t in turns]
    speakers = [t.speaker for t in turns]
    keys = []
    sha256, numbers = hashlib.sha256, _JSON.encode
    for index, speaker in enumerate(speakers):
        start = max(0, index - CONTEXT)
        same = ", ".join(["true" if s == speaker else "false" for s in speakers[start: index + 1]])
        payload = f"[[{', '.join(encoded[start: index + 1])}], [{same}], {numbers(rounded[index])}]"
        keys.append(sha256(payload.encode("utf-8")).digest())
    return keys


_JSON = json.JSONEncoder()  # json.dumps's own settings
_STRING = json.encoder.encode_basestring_ascii  # how json.dumps writes a str (ensure_ascii)


def block_id(keys: Sequence[Sequence[bytes]]) -> bytes:
    """One hash for the turns one labeller call reads together: every conversation's window keys, in order."""
    digest = hashlib.sha256(b"cyclemap block 1")
    for ks in keys:
        digest.update(len(ks).to_bytes(8, "little"))
        digest.update(b"".join(ks))
    return digest.digest()


def _screen_context(model: str, screen: str) -> bytes:
    """What a sealed finding is bound to: it opens only as the findings of this model and screen version."""
    return b"screen\0" + model.encode() + b"\0" + screen.encode()


def _array_bytes(rows: np.ndarray) -> bytes:
    """The rows in NumPy's own file format (dtype and shape kept: read back, they are the rows computed)."""
    out = io.BytesIO()
    np.lib.format.write_array(out, np.asarray(rows), allow_pickle=False)
    return out.getvalue()


def _array(data: bytes) -> np.ndarray | None:
    """The rows :func:`_array_bytes` wrote, or None for anything else (read as absent: computed again)."""
    try:
        return np.lib.format.read_array(io.BytesIO(bytes(data)), allow_pickle=False)
    except (ValueError, OSError, EOFError):
        return None


def _block_context(model: str) -> bytes:
    return b"block\0" + model.encode()


def _findings_context(model: str, screen: str) -> bytes:
    return b"findings\0" + model.encode() + b"\0" + screen.encode()


def _numbers(values: Sequence[float]) -> str:
    """The model's outputs as a JSON list with 9 significant digits: enough to give back the very
    float32 numbers computed, so a label read from the cache is the label computed (to the digit)."""
    if all(math.isfinite(v) for v in values):
        return "[" + ", ".join(f"{v:.9g}" for v in values) + "]"
    return json.dumps([round(v, 5) for v in values])


class LabelCache:
    """Model outputs by (model name, window key), or by (model name, block); the screen's findings beside them."""

    def __init__(self, path: Path | None = None, vault: Vault | None | bool = True) -> None:
        """``vault``: True means the data folder's own (:func:`~cyclemap.vault.current_vault`) for the
        default path and none for an explicit ``path``; or a Vault, or None for plain storage."""
        self._vault = (current_vault() if path is None else None) if vault is True else (vault or None)
        self.path = path or data_dir() / "label-cache.sqlite"
        try:
            self._screens_pruned: set[tuple[str, str]] = set()
            self._db = sqlite3.connect(self.path)
            self.path.chmod(0o600)
            self._db.execute(SCHEMA)
            self._db.execute(SCREENS)
            self._db.execute(BLOCKS)
            if "head" not in {row[1] for row in self._db.execute("PRAGMA table_info(blocks)")}:
                # an early shape of the table (its rows are numbers cyclemap can compute again)
                self._db.execute("DROP TABLE blocks")
                self._db.execute(BLOCKS)
            self._db.execute(BLOCK_HEADS)
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
                    self._db.execute("DELETE FROM screens")
                    self._db.execute("DELETE FROM blocks")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('sealed', ?)", ["1" if sealed else "0"])

    def get_many(self, model: str, keys: Iterable[bytes]) -> dict[bytes, list[float]]:
        return self.read(model, keys)[0]

    def read(
        self, model: str, keys: Iterable[bytes], screen: str | None = None,
    ) -> tuple[dict[bytes, list[float]], dict[bytes, str]]:
        """The stored labels by key and, with ``screen`` (a screen version), the stored findings of the
        labelled keys that have them for that version (:mod:`.screen_cache` values), in one query a chunk."""
        vault = self._vault
        stored = {vault.keyed_hash(key): key for key in keys} if vault is not None else dict.fromkeys(keys)
        unique = list(stored)
        labels: dict[bytes, list[float]] = {}
        screens: dict[bytes, str] = {}
        context = model.encode()
        screen_context = _screen_context(model, screen) if screen is not None else b""
        loads = json.loads
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            if screen is None:
                query = f"SELECT key, value, NULL FROM labels WHERE model = ? AND key IN ({marks})"
                parameters = [model, *chunk]
            else:
                query = (
                    "SELECT l.key, l.value, s.value FROM labels AS l LEFT JOIN screens AS s "
                    f"ON s.model = l.model AND s.key = l.key AND s.version = ? WHERE l.model = ? AND l.key IN ({marks})"
                )
                parameters = [screen, model, *chunk]
            for key, value, found in self._db.execute(query, parameters):
                if vault is not None:
                    key = stored[key]
                    value = vault.open(value, context=context)
                    if found is not None:
                        found = vault.open(found, context=screen_context).decode().rstrip()
                labels[key] = loads(value)
                if found is not None:
                    screens[key] = found
        return labels, screens

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

    def put_screens(self, model: str, screen: str, items: Iterable[tuple[bytes, str | None]]) -> None:
        """Store the screen's findings (:mod:`.screen_cache` values) of labelled windows; None deletes a
        window's stored findings (they could not be stored exactly: the turn is screened again next time)."""
        vault = self._vault
        keep, drop = [], []
        context = _screen_context(model, screen)
        for key, value in items:
            stored = vault.keyed_hash(key) if vault is not None else key
            if value is None:
                drop.append((model, stored))
            elif vault is not None:
                data = value.encode()
                data += b" " * (-len(data) % _PAD)
                keep.append((model, stored, screen, vault.seal(data, context=context)))
            else:
                keep.append((model, stored, screen, value))
        with self._db:
            if (model, screen) not in self._screens_pruned:
                # Findings of any other screen version are never read again: drop them once.
                self._db.execute("DELETE FROM screens WHERE model = ? AND version != ?", [model, screen])
                self._screens_pruned.add((model, screen))
            self._db.executemany("INSERT OR REPLACE INTO screens (model, key, version, value) VALUES (?, ?, ?, ?)", keep)
            self._db.executemany("DELETE FROM screens WHERE model = ? AND key = ?", drop)

    def read_block(self, model: str, block: bytes, screen: str) -> tuple[np.ndarray | None, str | None]:
        """A block's rows (as computed: dtype and shape kept) and, when stored for ``screen``, its findings;
        (None, None) if the block is not stored."""
        vault = self._vault
        found = self._db.execute(
            "SELECT rows, screen, findings FROM blocks WHERE model = ? AND batch = ?",
            [model, vault.keyed_hash(block) if vault is not None else block],
        ).fetchone()
        if found is None:
            return None, None
        rows, stored_screen, findings = found
        if stored_screen != screen or findings is None:
            findings = None
        elif vault is not None:
            findings = vault.open(findings, context=_findings_context(model, screen)).decode().rstrip()
        if vault is not None:
            rows = vault.open(rows, context=_block_context(model))
        array = _array(rows)
        return (array, findings) if array is not None else (None, None)

    def put_block(
        self, model: str, block: bytes, keys: Sequence[bytes], rows: np.ndarray, screen: str, findings: str | None,
    ) -> None:
        """Store a block's rows (one per key, in order) and its findings (None: screen it again when read)."""
        vault = self._vault
        if not keys:
            return
        data = _array_bytes(rows)
        if vault is not None:
            block = vault.keyed_hash(block)
            keys = [vault.keyed_hash(k) for k in keys]
            data = vault.seal(data, context=_block_context(model))
            if findings is not None:
                padded = findings.encode()
                padded += b" " * (-len(padded) % _PAD)
                findings = vault.seal(padded, context=_findings_context(model, screen))  # type: ignore[assignment]
        joined = b"".join(keys)
        with self._db:
            # A chat's last block read again with new messages appended replaces the shorter one it grew from
            # (same first turns): that one would never be read again.
            grown_from = [
                (rowid,) for rowid, earlier in self._db.execute(
                    "SELECT rowid, keys FROM blocks WHERE model = ? AND head = ? AND batch != ?", [model, keys[0], block])
                if len(earlier) < len(joined) and joined.startswith(bytes(earlier))
            ]
            self._db.executemany("DELETE FROM blocks WHERE rowid = ?", grown_from)
            self._db.execute("INSERT OR REPLACE INTO blocks (model, batch, rows, screen, findings, head, keys) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", [model, block, data, screen, findings, keys[0], joined])

    def _seal(self, model: str, values: list[float]) -> bytes:
        assert self._vault is not None
        return self._vault.seal(_numbers(values).encode(), context=model.encode())

    def forget(self, keys: Iterable[bytes]) -> int:
        """Delete the labels of these window keys, for every model; the number of rows deleted."""
        stored = [self._vault.keyed_hash(k) if self._vault else k for k in dict.fromkeys(keys)]
        deleted = 0
        with self._db:
            for start in range(0, len(stored), 500):
                chunk = stored[start:start + 500]
                marks = ",".join("?" * len(chunk))
                deleted += self._db.execute(f"DELETE FROM labels WHERE key IN ({marks})", chunk).rowcount
                self._db.execute(f"DELETE FROM screens WHERE key IN ({marks})", chunk)
            # A block goes whole when any of its turns is forgotten (its rows were read together).
            wanted = set(stored)
            doomed = []
            for rowid, joined in self._db.execute("SELECT rowid, keys FROM blocks"):
                joined = bytes(joined)
                block_keys = {joined[i:i + _KEY] for i in range(0, len(joined), _KEY)}
                if block_keys & wanted:
                    doomed.append(rowid)
                    deleted += len(block_keys)
            self._db.executemany("DELETE FROM blocks WHERE rowid = ?", [(r,) for r in doomed])
        return deleted

    def export(self) -> dict[str, Any]:
        """Everything the cache holds, as JSON: per model, hex key and the stored numbers."""
        models: dict[str, list[dict[str, Any]]] = {}
        for model, key, value in self._db.execute("SELECT model, key, value FROM labels ORDER BY model, key"):
            numbers = json.loads(self._vault.open(value, context=model.encode()) if self._vault else value)
            models.setdefault(model, []).append({"key": bytes(key).hex(), "values": numbers})
        screens: dict[str, list[dict[str, Any]]] = {}
        for model, key, version, value in self._db.execute(
            "SELECT model, key, version, value FROM screens ORDER BY model, key"
        ):
            found = self._vault.open(value, context=_screen_context(model, version)).decode() if self._vault else value
            screens.setdefault(model, []).append({"key": bytes(key).hex(), "version": version,
                                                  "findings": json.loads(found)})
        blocks: dict[str, list[dict[str, Any]]] = {}
        for model, batch, rows, screen, findings, keys in self._db.execute(
            "SELECT model, batch, rows, screen, findings, keys FROM blocks ORDER BY model, batch"
        ):
            if self._vault is not None:
                rows = self._vault.open(rows, context=_block_context(model))
                if findings is not None:
                    findings = self._vault.open(findings, context=_findings_context(model, screen)).decode()
            keys = bytes(keys)
            numbers = _array(rows)
            if numbers is None:
                continue
            blocks.setdefault(model, []).append({
                "block": bytes(batch).hex(), "keys": [keys[i:i + _KEY].hex() for i in range(0, len(keys), _KEY)],
                "values": numbers.tolist(), "screen": screen,
                "findings": None if findings is None else json.loads(findings),
            })
        turns = sum(map(len, models.values())) + sum(len(b["keys"]) for bs in blocks.values() for b in bs)
        return {"sealed": self._vault is not None, "rows": turns, "models": models, "screens": screens,
                "blocks": blocks}

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM labels")
            self._db.execute("DELETE FROM screens")
            self._db.execute("DELETE FROM blocks")

    def close(self) -> None:
        self._db.close()
