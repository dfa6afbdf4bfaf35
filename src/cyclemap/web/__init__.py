"""The local web app (``cyclemap serve``): a couple or their therapist imports, sees,
maps, practises and tracks, in a browser, privately, on their own machine.

Server-rendered pages (FastAPI + Jinja with autoescape + vendored htmx); every page
is also JSON from the same view. Storage: SQLAlchemy 2 with Alembic migrations,
SQLite in the data folder by default, PostgreSQL for a practice server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the app pulls FastAPI and SQLAlchemy: import them only when asked
    from fastapi import FastAPI


def create_app(database_url: str | None = None, **options) -> FastAPI:
    """The ASGI app; see :func:`cyclemap.web.app.create_app`."""
    from .app import create_app as make

    return make(database_url, **options)


__all__ = ["create_app"]
