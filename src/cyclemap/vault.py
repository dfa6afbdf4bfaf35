"""Encryption at rest: a passphrase-derived key that seals what cyclemap stores.

When ``CYCLEMAP_PASSPHRASE`` is set (or a command is given ``--passphrase-file``),
everything cyclemap keeps in the data folder about a couple is sealed: label-cache
values, saved safety checks and other saved records. The key is derived with
scrypt from the passphrase and a random salt kept in ``vault.json`` in the data
folder; sealing uses AES-256-GCM, so a changed or foreign blob is refused, never
misread. A wrong passphrase is a clear error, checked against a sealed marker.

Once a data folder has a vault, it stays encrypted: commands that read or write
its stores refuse to run without the passphrase rather than fall back to
plain text. The passphrase is never stored and never logged.

Library use (the web app seals its own columns the same way)::

    vault = Vault.unlock_or_create("correct horse battery staple")
    blob = vault.seal(b"private")
    assert vault.open(blob) == b"private"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

from .errors import CyclemapError, InputError
from .paths import data_dir

FILE_NAME = "vault.json"
ENV = "CYCLEMAP_PASSPHRASE"
#: scrypt cost: 2**15 x 8 x 128 bytes = 32 MiB and about a tenth of a second per unlock.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_FORMAT = b"\x01"  # first byte of every sealed blob: the layout below, versioned
_NONCE = 12
_MARKER = b"cyclemap vault v1"

_passphrase_file: Path | None = None
_cached: tuple[Path, str, Vault] | None = None


class VaultError(CyclemapError):
    """The data folder's encryption cannot be used as asked (wrong or missing passphrase, damaged file)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise VaultError("the passphrase is empty", hint="choose a passphrase of a few words")
    return bytes(Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8")))


class Vault:
    """A key derived from a passphrase; seals and opens bytes (AES-256-GCM)."""

    def __init__(self, master: bytes) -> None:
        # Separate keys for separate jobs, derived from one master key.
        self._seal_key = hmac.new(master, b"cyclemap seal", hashlib.sha256).digest()
        self._hash_key = hmac.new(master, b"cyclemap keyed hash", hashlib.sha256).digest()

    # -- making and unlocking ------------------------------------------------

    @classmethod
    def create(cls, passphrase: str, folder: Path | None = None, *, n: int = SCRYPT_N) -> Vault:
        """A new vault in ``folder`` (the data folder by default); refuses to replace one."""
        path = (folder or data_dir()) / FILE_NAME
        salt = os.urandom(16)
        vault = cls(_derive(passphrase, salt, n, SCRYPT_R, SCRYPT_P))
        record = {
            "about": "cyclemap's encryption settings: a random salt and a sealed marker; no key, no passphrase",
            "version": 1, "kdf": "scrypt", "n": n, "r": SCRYPT_R, "p": SCRYPT_P,
            "salt": _b64(salt), "check": _b64(vault.seal(_MARKER, context=b"check")),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise VaultError(f"{path} already exists", hint="unlock it with its passphrase") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
        return vault

    @classmethod
    def unlock(cls, passphrase: str, folder: Path | None = None) -> Vault:
        """The vault in ``folder``, or VaultError if the passphrase is wrong."""
        path = (folder or data_dir()) / FILE_NAME
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            salt, check = _unb64(record["salt"]), _unb64(record["check"])
            n, r, p = int(record["n"]), int(record["r"]), int(record["p"])
        except FileNotFoundError:
            raise VaultError(f"{path} does not exist", hint="this data folder is not encrypted") from None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise InputError(path, f"damaged encryption settings ({type(error).__name__})",
                             hint="restore it from a backup; without it the sealed data cannot be opened") from None
        vault = cls(_derive(passphrase, salt, n, r, p))
        try:
            if vault.open(check, context=b"check") == _MARKER:
                return vault
        except VaultError:
            pass
        raise VaultError(f"wrong passphrase for the encrypted data folder {path.parent}",
                         hint="check CYCLEMAP_PASSPHRASE or the --passphrase-file")

    @classmethod
    def unlock_or_create(cls, passphrase: str, folder: Path | None = None) -> Vault:
        folder = folder or data_dir()
        if (folder / FILE_NAME).exists():
            return cls.unlock(passphrase, folder)
        return cls.create(passphrase, folder)

    # -- the work ------------------------------------------------------------

    def seal(self, data: bytes, *, context: bytes = b"") -> bytes:
        """``data`` encrypted and authenticated; ``context`` (not secret) must match when opening."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(_NONCE)
        return _FORMAT + nonce + bytes(AESGCM(self._seal_key).encrypt(nonce, data, context))

    def open(self, blob: bytes, *, context: bytes = b"") -> bytes:
        """The bytes ``seal`` was given, or VaultError if the blob was sealed otherwise or changed."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(blob) < 1 + _NONCE + 16 or blob[:1] != _FORMAT:
            raise VaultError("stored data is not sealed by this version of cyclemap",
                             hint="it may be from before encryption was turned on")
        try:
            return bytes(AESGCM(self._seal_key).decrypt(blob[1:1 + _NONCE], blob[1 + _NONCE:], context))
        except InvalidTag:
            raise VaultError("stored data cannot be opened with this passphrase (or it was changed)") from None

    def keyed_hash(self, data: bytes) -> bytes:
        """A hash only this passphrase can reproduce (keys of sealed stores cannot be guessed from text)."""
        return hmac.new(self._hash_key, data, hashlib.sha256).digest()


# -- the passphrase a command runs with ----------------------------------------


def use_passphrase_file(path: Path | None) -> None:
    """Take the passphrase from this file (its first line) instead of $CYCLEMAP_PASSPHRASE."""
    global _passphrase_file
    _passphrase_file = path


def _passphrase() -> str | None:
    if _passphrase_file is not None:
        try:
            lines = _passphrase_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(_passphrase_file, f"cannot read the passphrase file ({type(error).__name__})") from None
        if not lines or not lines[0]:
            raise InputError(_passphrase_file, "the passphrase file is empty", line=1)
        return lines[0]
    return os.environ.get(ENV) or None


def is_encrypted(folder: Path | None = None) -> bool:
    return ((folder or data_dir()) / FILE_NAME).exists()


def current_vault() -> Vault | None:
    """The vault for this run: None when no passphrase is set and the data folder is not encrypted.

    A passphrase with no vault yet creates one (encryption is turned on); a vault
    with no passphrase is an error, so nothing is ever stored in plain text by
    mistake beside sealed data.
    """
    global _cached
    folder = data_dir()
    passphrase = _passphrase()
    if passphrase is None:
        if is_encrypted(folder):
            raise VaultError(f"the data folder {folder} is encrypted",
                             hint=f"set {ENV} or pass --passphrase-file, or use --no-cache")
        return None
    if _cached is not None and _cached[0] == folder and hmac.compare_digest(_cached[1], passphrase):
        return _cached[2]
    vault = Vault.unlock_or_create(passphrase, folder)
    _cached = (folder, passphrase, vault)  # one scrypt per process, not one per store
    return vault


__all__ = ["Vault", "VaultError", "current_vault", "is_encrypted", "use_passphrase_file"]
