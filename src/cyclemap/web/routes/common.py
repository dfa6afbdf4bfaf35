"""Small helpers the route modules share."""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ..auth import SESSION_COOKIE
from ..pages import wants_json

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def done(request: Request, url: str, data: dict[str, Any] | None = None) -> Response:
    """After a successful form: back to a page (HTML) or the result (JSON)."""
    if wants_json(request):
        return JSONResponse(data or {"ok": True})
    return RedirectResponse(url, status_code=303)


def keep_signed_in(response: Response, token: str) -> Response:
    """Give this browser the session ``token``: HttpOnly (no script reads it), SameSite=Strict."""
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def attempt_keys(request: Request, username: str) -> tuple[str, str]:
    """The failed sign-in counters a password check counts against: the account's, then the address's."""
    return f"user:{username.strip().lower()}", f"addr:{request.client.host if request.client else '?'}"


def clean_text(value: str | None, limit: int, what: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise HTTPException(400, f"The {what} is too long (at most {limit} characters). Nothing was saved.")
    return text


def safe_next(url: str | None) -> str:
    """Only ever redirect inside the app."""
    return url if url and url.startswith("/") and not url.startswith("//") and "\\" not in url else "/"
