"""Changing one's password: the current one is required, the new one is hashed with argon2,
every other signed-in browser of the account is signed out, and this browser stays signed
in under a fresh session token (a copy of the old cookie no longer opens anything)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..auth import MIN_PASSWORD, SESSION_COOKIE, csrf_token, hash_password, start_session, token_hash, verify_password
from ..deps import get_db, signed_in
from ..models import User, WebSession
from ..pages import render
from .common import attempt_keys, done, keep_signed_in

router = APIRouter()


def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
    return render(request, "password.html", {"error": error, "min_length": MIN_PASSWORD}, status=status)


@router.get("/account/password")
def password_page(request: Request, user: User = Depends(signed_in)) -> Response:
    return _page(request)


@router.post("/account/password")
def change_password(
    request: Request, current: str = Form(""), password: str = Form(""), password2: str = Form(""),
    db: Session = Depends(get_db), user: User = Depends(signed_in),
) -> Response:
    # Wrong current passwords count as failed logins, so this page cannot be used to guess it.
    limiter = request.app.state.web.limiter
    keys = attempt_keys(request, user.username)
    if limiter.wait_seconds(*keys):
        return _page(request, "Too many attempts. Please wait a few minutes and try again.", 429)
    if not verify_password(user.password_hash, current):
        limiter.failed(*keys)
        return _page(request, "Your current password is not right. Nothing was changed.", 400)
    if len(password) < MIN_PASSWORD:
        return _page(request, f"A password needs at least {MIN_PASSWORD} characters. Nothing was changed.", 400)
    if password != password2:
        return _page(request, "The two new passwords differ. Nothing was changed.", 400)
    limiter.succeeded(keys[0])
    user.password_hash = hash_password(password)
    # Every session of this account ends, this browser's too: whoever knew the old password, or
    # copied this browser's cookie, is out. This browser alone is let in again under a new token.
    here = token_hash(request.cookies.get(SESSION_COOKIE) or "")
    had_this = db.get(WebSession, here) is not None
    ended = (db.execute(delete(WebSession).where(WebSession.user_id == user.id)).rowcount or 0) - had_this
    db.add(user)
    token = start_session(db, user)  # commits the new hash and the deletions together
    # Forms are bound to the session cookie, so a JSON client needs the new CSRF token too.
    data = {"ok": True, "other_sessions_ended": ended, "csrf": csrf_token(request.app.state.web.secret, token)}
    return keep_signed_in(done(request, "/", data), token)
