"""Alembic environment: the connection is handed in by cyclemap.web.db.migrate."""

from __future__ import annotations

from alembic import context

from cyclemap.web.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only cyclemap.web.db.migrate runs these
    raise RuntimeError("run migrations through cyclemap.web.db.migrate")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
