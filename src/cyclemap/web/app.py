"""The app factory: storage, sessions, security headers, error pages, routes."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException

from ..errors import CyclemapError
from ..paths import data_dir
from .auth import ANON_COOKIE, LoginLimiter, instance_secret, new_token
from .db import make_engine, migrate, session_factory
from .deps import LoginNeeded, csrf_guard
from .documents import DocumentCache
from .imports import ImportRunner
from .pages import make_environment, render, wants_json

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
#: Uploads larger than this are refused before anything is stored.
UPLOAD_LIMIT = 200 * 1024 * 1024

# No page loads anything from elsewhere: the browser is told so too.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class WebState:
    engine: Engine
    sessions: sessionmaker[Session]
    templates: Environment
    secret: str
    runner: ImportRunner
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    upload_limit: int = UPLOAD_LIMIT
    uploads: Path = field(default_factory=lambda: data_dir() / "uploads")
    documents: DocumentCache = field(default_factory=DocumentCache)


def create_app(database_url: str | None = None, *, upload_limit: int = UPLOAD_LIMIT) -> FastAPI:
    """The web app over the database at ``database_url`` (default: SQLite in the data folder)."""
    engine = make_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as db:
        secret = instance_secret(db)
    state = WebState(engine, sessions, make_environment(), secret, ImportRunner(sessions), upload_limit=upload_limit)
    state.uploads.mkdir(mode=0o700, exist_ok=True)
    state.runner.warm = lambda import_id: _warm(state, import_id)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        state.runner.shutdown()

    app = FastAPI(
        title="cyclemap", docs_url=None, redoc_url=None, openapi_url=None,  # nothing the app does not need
        dependencies=[Depends(csrf_guard)], lifespan=lifespan,
    )
    app.state.web = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def visitor(request: Request, call_next) -> Response:
        request.state.anon = None
        fresh = None
        if not request.cookies.get(ANON_COOKIE):
            fresh = request.state.anon = new_token()
        response = await call_next(request)
        if fresh:
            response.set_cookie(ANON_COOKIE, fresh, httponly=True, samesite="strict", path="/")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/icon.svg", status_code=301)

    @app.get("/report.css", include_in_schema=False)
    def report_css() -> Response:
        """The embedded report's own stylesheet (scoped to .cm-report), when the report renderer is installed."""
        try:
            from ..report import stylesheet
        except ImportError:
            return Response("", media_type="text/css")
        return Response(stylesheet(), media_type="text/css")

    _error_pages(app)
    from .routes import accounts, chats, password, private, together

    for module in (accounts, chats, together, private, password):
        app.include_router(module.router)
    return app


def _warm(state: WebState, import_id: int) -> None:
    """Render a finished import's report once, in the worker, so the first visit is quick too."""
    from .models import ImportJob
    from .routes.chats import report_html

    try:
        with state.sessions() as db:
            job = db.get(ImportJob, import_id)
            if job is not None and job.status == "done":
                document = state.documents.document(db, job)
                state.documents.rendered(job, "report", lambda: report_html(document))
                state.documents.rendered(job, "trends", lambda: document.get("trends") or {})
    except Exception as error:  # noqa: BLE001 - only a speed-up: the page renders on demand instead
        log.warning("could not prepare import %s: %s", import_id, type(error).__name__)


def _error_pages(app: FastAPI) -> None:
    """Every error is one plain sentence, as a page or as JSON; never a traceback."""

    def page(request: Request, status: int, message: str) -> Response:
        return render(request, "error.html", {"error": message, "status": status}, status=status)

    @app.exception_handler(LoginNeeded)
    async def login_needed(request: Request, _error: LoginNeeded) -> Response:
        if wants_json(request) or request.method != "GET":
            return page(request, 401, "Please sign in first.")
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else "That did not work."
        if error.status_code == 404 and detail == "Not Found":
            detail = "There is nothing here, or it is not yours to see."
        if error.status_code == 405:
            detail = "This page cannot be used that way."
        return page(request, error.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, error: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ["", "?"])[-1]) for e in error.errors()})
        return page(request, 400, f"Something in the form is missing or not valid ({', '.join(fields)}). Nothing was saved.")

    @app.exception_handler(CyclemapError)
    async def cyclemap_error(request: Request, error: CyclemapError) -> Response:
        return page(request, 400, str(error))

    @app.exception_handler(Exception)
    async def fault(request: Request, error: Exception) -> Response:
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(error).__name__)
        return page(request, 500, "Something went wrong inside cyclemap. Nothing you entered was lost; please try again.")
