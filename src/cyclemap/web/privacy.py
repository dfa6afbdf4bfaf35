"""The web app's database in ``cyclemap forget`` and ``cyclemap export``.

Imported by :mod:`cyclemap.privacy.stores` when it lists its stores; works on the
default database in the data folder, and only if it already exists (listing the
stores must never create one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..paths import data_dir
from .models import (
    CycleMapEntry, ImportJob, Invitation, Member, PracticeEntry, PrivateEntry, Relationship, Share, ShareConsent,
    StoredTurn, User,
)

DB_NAME = "app.sqlite3"


def forget_relationship_in(db: Session, relationship_id: int) -> int:
    """Delete a relationship space and everything stored in it; the number of rows deleted."""
    imports = select(ImportJob.id).where(ImportJob.relationship_id == relationship_id)
    count = db.execute(delete(StoredTurn).where(StoredTurn.import_id.in_(imports))).rowcount or 0
    for table in (ImportJob, PrivateEntry, CycleMapEntry, PracticeEntry, Invitation, ShareConsent, Share, Member):
        count += db.execute(delete(table).where(table.relationship_id == relationship_id)).rowcount or 0
    count += db.execute(delete(Relationship).where(Relationship.id == relationship_id)).rowcount or 0
    db.commit()
    return count


def export_user(db: Session, user_id: int) -> dict[str, Any]:
    """Everything one person may see: their account, their own private entries, the spaces they share."""
    user = db.get(User, user_id)
    spaces = []
    for member in db.scalars(select(Member).where(Member.user_id == user_id)):
        rid = member.relationship_id
        relationship = db.get(Relationship, rid)
        own = db.scalars(select(PrivateEntry).where(PrivateEntry.relationship_id == rid, PrivateEntry.user_id == user_id)).all()
        entry = db.get(CycleMapEntry, (rid, user_id))
        space: dict[str, Any] = {
            "relationship": relationship.name, "role": member.role, "name": member.display_name,
            "private": [{"kind": e.kind, "data": e.data, "created": e.created_at.isoformat()} for e in own],
            "cycle_map": entry.data if entry else None,
            "agreed_to_share": sorted(c.area for c in db.scalars(select(ShareConsent).where(
                ShareConsent.relationship_id == rid, ShareConsent.user_id == user_id))),
        }
        if member.role == "partner":
            space["imports"] = [
                {"file": j.filename, "status": j.status, "created": j.created_at.isoformat(), "analysis": j.document,
                 "turns": [t.data | {"move": t.fix_move or t.move, "cue": t.fix_cue if t.fix_move else t.cue}
                           for t in db.scalars(select(StoredTurn).where(StoredTurn.import_id == j.id).order_by(StoredTurn.position))]}
                for j in db.scalars(select(ImportJob).where(ImportJob.relationship_id == rid))
            ]
            space["practice"] = [
                {"kind": p.kind, "note": p.note, "date": p.happened_on.isoformat(), "mine": p.user_id == user_id}
                for p in db.scalars(select(PracticeEntry).where(PracticeEntry.relationship_id == rid))
            ]
        spaces.append(space)
    return {"user": user.username if user else None, "spaces": spaces}


def _existing_db():
    path = data_dir() / DB_NAME
    if not path.exists():
        return None
    from .db import make_engine, session_factory

    return session_factory(make_engine(f"sqlite:///{path}"))


def _forget(relationship: str) -> int:
    sessions = _existing_db()
    if sessions is None:
        return 0
    with sessions() as db:
        ids = list(db.scalars(select(Relationship.id).where(Relationship.name == relationship)))
        return sum(forget_relationship_in(db, rid) for rid in ids)


def _export(person: str | None) -> Any:
    sessions = _existing_db()
    if sessions is None:
        return None
    with sessions() as db:
        users = db.scalars(select(User).order_by(User.id)).all()
        return [export_user(db, u.id) for u in users if person is None or u.username == person.lower()]


def _wipe() -> int:
    removed = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = data_dir() / f"{DB_NAME}{suffix}"
        if path.exists():
            path.unlink()
            removed += 1
    return removed


def _register() -> None:
    try:
        from ..privacy.stores import Store, register_store
    except ImportError:  # the privacy registry is not in this version
        return
    register_store(Store(
        "web-app", f"{DB_NAME}: the web app's accounts, relationship spaces, imported chats and answers",
        forget_relationship=_forget, export_user=_export, wipe=_wipe,
    ), replace=True)


_register()
