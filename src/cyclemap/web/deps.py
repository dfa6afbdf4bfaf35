"""Request dependencies: the database session, the signed-in person, the CSRF guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from .auth import ANON_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token, session_user
from .models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORGED = "This form has expired or did not come from this app. Reload the page and try again."


class LoginNeeded(Exception):
    """Raised for pages that need a signed-in person; answered with the login page."""


@dataclass
class View:
    """What every template may use: who is looking and the token their forms carry."""

    user: User | None
    csrf: str


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.web.sessions() as db:
        yield db


def _cookie(request: Request) -> str:
    """The cookie a CSRF token is bound to: the session's, else the visitor's anonymous one."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE) or request.state.anon


def current_view(request: Request, db: Session = Depends(get_db)) -> View:
    user = session_user(db, request.cookies.get(SESSION_COOKIE))
    view = View(user, csrf_token(request.app.state.web.secret, _cookie(request)))
    request.state.view = view
    return view


def signed_in(view: View = Depends(current_view)) -> User:
    if view.user is None:
        raise LoginNeeded()
    return view.user


async def csrf_guard(request: Request) -> None:
    """Every unsafe request carries the token: header X-CSRF-Token (htmx, JSON clients, uploads) or form field."""
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        given = (await request.form()).get("csrf")
    cookie = request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE)
    if not csrf_ok(request.app.state.web.secret, cookie, given if isinstance(given, str) else None):
        raise HTTPException(403, FORGED)
