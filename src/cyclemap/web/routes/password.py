"""Changing one's password: the current one is required, the new one is hashed with argon2,
and every other signed-in browser of the account is signed out (this one stays signed in)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..auth import MIN_PASSWORD, SESSION_COOKIE, hash_password, token_hash, verify_password
from ..deps import get_db, signed_in
from ..models import User, WebSession
from ..pages import render
from .common import done

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
    keys = (f"user:{user.username}", f"addr:{request.client.host if request.client else '?'}")
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
    # Every other browser signed in as this account is signed out: whoever knew the old password is out.
    here = request.cookies.get(SESSION_COOKIE) or ""
    ended = db.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.id != token_hash(here))).rowcount
    db.add(user)
    db.commit()
    return done(request, "/", {"ok": True, "other_sessions_ended": ended or 0})
