"""The database: SQLite in the data folder by default, PostgreSQL for a practice server.

The schema is Alembic's (``migrations/``, shipped in the package) and is brought up
to date on every start, so an old database keeps working after an upgrade.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ..errors import UsageError
from ..paths import data_dir

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url(name: str = "app.sqlite3") -> str:
    return f"sqlite:///{data_dir() / name}"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` for psycopg 3, the driver cyclemap ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or default_url())
    if not url.startswith(("sqlite", "postgresql")):
        raise UsageError(f"unsupported database {url.split(':', 1)[0]!r}", hint="use sqlite:///PATH or postgresql://...")
    if url.startswith("sqlite"):
        # Requests run in worker threads and imports in a background thread.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # foreign keys are off by default in SQLite
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
