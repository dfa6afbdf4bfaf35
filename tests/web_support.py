"""Helpers for the web app's tests: a throwaway PostgreSQL, the app over SQLite or
PostgreSQL, and people with their own cookie jars.

Not a conftest: test modules import the fixtures they use
(``from tests.web_support import db_url, postgres, home``); pytest finds imported fixtures.
"""

from __future__ import annotations

import glob
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "src" / "cyclemap" / "samples"
COUPLE_CHAT = SAMPLES / "WhatsApp Chat with Jordan.txt"
SHORT_CHAT = SAMPLES / "WhatsApp Chat with Alex.txt"
PASSWORD = "correct horse battery"


# -- PostgreSQL ---------------------------------------------------------------------

def _initdb() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found[-1] if found else (shutil.which("initdb") or None)


class Postgres:
    """A private cluster on a Unix socket in a temporary folder, for one test session."""

    def __init__(self) -> None:
        initdb = _initdb()
        if initdb is None:
            pytest.skip("PostgreSQL's initdb is not installed (./dev test installs Debian's postgresql)")
        self.bin = Path(initdb).parent
        self.root = Path(tempfile.mkdtemp(prefix="cyclemap-pg-"))
        self.data, self.socket = self.root / "data", self.root / "socket"
        self.socket.mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres system user
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.names = itertools.count(1)

    def _run(self, *command: str) -> None:
        result = subprocess.run([*self.prefix, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stderr[-2000:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"

    def new_database(self) -> str:
        import psycopg

        name = f"cyclemap_test_{os.getpid()}_{next(self.names)}"
        with psycopg.connect(f"dbname=postgres user=postgres host={self.socket}", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class ExternalPostgres:
    """$CYCLEMAP_TEST_POSTGRES_URL: a server someone else runs; each test gets its own database."""

    def __init__(self, url: str) -> None:
        self.base = url
        self.names = itertools.count(1)

    def new_database(self) -> str:
        import psycopg
        from sqlalchemy.engine import make_url

        name = f"cyclemap_test_{os.getpid()}_{next(self.names)}"
        url = make_url(self.base.replace("postgresql://", "postgresql+psycopg://", 1))
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return url.set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        pass


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres | ExternalPostgres]:
    given = os.environ.get("CYCLEMAP_TEST_POSTGRES_URL")
    server = ExternalPostgres(given) if given else Postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder for each test (uploads, the label cache)."""
    folder = tmp_path / "home"
    monkeypatch.setenv("CYCLEMAP_HOME", str(folder))
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, home: Path) -> str:
    """The same test on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{home.parent / 'app.sqlite3'}"
    return request.getfixturevalue("postgres").new_database()


# -- people ---------------------------------------------------------------------------

class Person:
    """One browser's worth of cookies, talking to the app in-process."""

    def __init__(self, app: Any) -> None:
        from fastapi.testclient import TestClient

        self.app = app
        self.client = TestClient(app, raise_server_exceptions=False)
        self.csrf = ""

    def _remember(self, response) -> Any:
        found = re.search(r'data-csrf="([0-9a-f]+)"', response.text or "")
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs: Any):
        return self._remember(self.client.get(path, **kwargs))

    def json(self, path: str) -> Any:
        response = self.client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()

    def token(self) -> str:
        if not self.csrf:
            self.get("/login")
        return self.csrf

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        form = {"csrf": self.token(), **(data or {})}
        return self._remember(self.client.post(path, data=form, **kwargs))

    def upload(self, rid: int, path: Path | None = None, *, content: bytes | None = None, name: str | None = None):
        body = content if content is not None else path.read_bytes()
        return self.client.post(
            f"/r/{rid}/import", params={"name": name or (path.name if path else "chat.txt")}, content=body,
            headers={"X-CSRF-Token": self.token(), "Content-Type": "application/octet-stream", "Accept": "application/json"},
        )

    def sign_in(self, username: str, password: str = PASSWORD):
        self.csrf = ""
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 200, response.text[:300]
        return response


def wait_for_import(person: Person, rid: int, iid: int, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = person.json(f"/r/{rid}/imports/{iid}")
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def import_chat(person: Person, rid: int, path: Path = COUPLE_CHAT) -> int:
    response = person.upload(rid, path)
    assert response.status_code == 202, response.text[:300]
    iid = response.json()["id"]
    assert wait_for_import(person, rid, iid)["status"] == "done"
    return iid


def invite(person: Person, rid: int, role: str = "partner") -> str:
    response = person.post(f"/r/{rid}/invitations", {"role": role}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text[:300]
    return response.json()["invitation"]["link"].split("/join/")[1]


def join(app: Any, token: str, username: str, name: str) -> Person:
    person = Person(app)
    response = person.post(f"/join/{token}", {"username": username, "password": PASSWORD, "password2": PASSWORD,
                                              "display_name": name})
    assert response.status_code == 200, response.text[:300]
    return person


class Couple:
    """Sam (owner, partner), Alex (partner), Dr Lee (their therapist), and Casey, who is in another space."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sam = Person(app)
        self.sam.get("/setup")
        response = self.sam.post("/setup", {"username": "sam", "password": PASSWORD, "password2": PASSWORD})
        assert response.status_code == 200, response.text[:300]
        response = self.sam.post("/relationships", {"name": "Sam and Alex", "display_name": "Sam"}, headers={"Accept": "application/json"})
        self.rid = response.json()["id"]
        self.alex = join(app, invite(self.sam, self.rid), "alex", "Alex")
        self.lee = join(app, invite(self.sam, self.rid, "therapist"), "drlee", "Dr Lee")
        response = self.sam.post("/relationships", {"name": "Another couple", "display_name": "Sam"}, headers={"Accept": "application/json"})
        self.other_rid = response.json()["id"]
        self.casey = join(app, invite(self.sam, self.other_rid), "casey", "Casey")


def make_app(url: str, **options: Any):
    from cyclemap.web import create_app

    return create_app(url, **options)


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    """The app over a fresh database (SQLite and PostgreSQL in turn)."""
    made = make_app(db_url)
    try:
        yield made
    finally:
        made.state.web.runner.pool.shutdown(wait=True)
        made.state.web.engine.dispose()


@pytest.fixture
def couple(app: Any) -> Couple:
    return Couple(app)


def all_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every page and form of the app, however FastAPI nests included routers."""
    found: list[tuple[str, str]] = []

    def walk(routes) -> None:
        for route in routes:
            nested = getattr(route, "original_router", None)
            if nested is not None:
                walk(nested.routes)
            elif hasattr(route, "methods") and route.methods:
                found.extend((method, route.path) for method in sorted(route.methods) if method != "HEAD")

    walk(app.routes)
    return found
