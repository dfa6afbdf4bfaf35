"""Analysis documents read once: a 100,000-message chat's document is megabytes of JSON,
and its report takes seconds to render, so both are kept (for a few imports) in memory,
keyed by the import's revision, which every correction bumps."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ImportJob

KEEP = 6


def summary_of(document: dict[str, Any]) -> dict[str, Any]:
    """The few figures pages list without the whole document."""
    return {"moves": document.get("moves", {}), "overall": document.get("overall", {}), "turns": document.get("turns", 0),
            "participants": document.get("participants", [])}


class DocumentCache:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.items: OrderedDict[tuple, Any] = OrderedDict()
        self.lock = threading.Lock()

    def _get(self, key: tuple, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()  # outside the lock: another page need not wait for this one
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.keep * 2:
                self.items.popitem(last=False)
        return value

    def document(self, db: Session, job: ImportJob) -> dict[str, Any]:
        def load() -> dict[str, Any]:
            return db.scalar(select(ImportJob.document).where(ImportJob.id == job.id)) or {}

        return self._get(("document", *_key(job)), load)

    def rendered(self, job: ImportJob, what: str, make: Callable[[], Any]) -> Any:
        return self._get((what, *_key(job)), make)


def _key(job: ImportJob) -> tuple:
    # Ids can be reused after a space is forgotten (SQLite): the relationship, file digest and time make it unique.
    return (job.id, job.revision, job.relationship_id, job.sha256, job.created_at)
