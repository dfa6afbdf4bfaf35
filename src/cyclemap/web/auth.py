"""Accounts and sessions: argon2 password hashes, server-side sessions, CSRF tokens,
and a limit on failed logins.

The session cookie holds a random token (HttpOnly, SameSite=Strict); the database
keeps only its SHA-256. Every unsafe request must carry a CSRF token (form field
``csrf`` or header ``X-CSRF-Token``): an HMAC of the browser's cookie under the
instance's secret, so a page on another site can neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Setting, User, WebSession

SESSION_COOKIE = "cm_session"
ANON_COOKIE = "cm_anon"  # binds the CSRF token of a visitor who has not signed in yet
MIN_PASSWORD = 8

# OWASP's argon2id floor: strong enough for a local app, quick enough on a small machine.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def instance_secret(db: Session) -> str:
    row = db.get(Setting, "secret")
    if row is None:
        row = Setting(key="secret", value=secrets.token_hex(32))
        db.add(row)
        db.commit()
    return row.value


def csrf_token(secret: str, cookie: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{cookie}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, cookie: str | None, given: str | None) -> bool:
    if not cookie or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), given)


def start_session(db: Session, user: User) -> str:
    token = new_token()
    db.add(WebSession(id=token_hash(token), user_id=user.id))
    db.commit()
    return token


def session_user(db: Session, token: str | None) -> User | None:
    if not token:
        return None
    row = db.get(WebSession, token_hash(token))
    return db.get(User, row.user_id) if row is not None else None


def end_session(db: Session, token: str | None) -> None:
    if token:
        row = db.get(WebSession, token_hash(token))
        if row is not None:
            db.delete(row)
            db.commit()


def find_user(db: Session, username: str) -> User | None:
    return db.scalars(select(User).where(User.username == username.strip().lower())).first()


class LoginLimiter:
    """At most ``attempts`` failed logins per account in ``window`` seconds, and ``per_address`` from one
    address (higher: on a local app every partner signs in from 127.0.0.1)."""

    def __init__(self, attempts: int = 5, window: float = 300.0, per_address: int = 20) -> None:
        self.attempts = attempts
        self.per_address = per_address
        self.window = window
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, moment: float) -> deque[float]:
        queue = self.failures.setdefault(key, deque())
        while queue and moment - queue[0] > self.window:
            queue.popleft()
        return queue

    def wait_seconds(self, *keys: str) -> int:
        """0 when a login may be tried now, else how long to wait."""
        moment = time.monotonic()
        with self.lock:
            waits = [
                int(self.window - (moment - q[0])) + 1
                for k, q in ((k, self._recent(k, moment)) for k in keys)
                if len(q) >= (self.per_address if k.startswith("addr:") else self.attempts)
            ]
        return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        moment = time.monotonic()
        with self.lock:
            for key in keys:
                self._recent(key, moment).append(moment)

    def succeeded(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)
