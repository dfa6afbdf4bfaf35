"""What a therapist sees changes only when every partner agrees; any partner can stop it at once.

Each partner's agreement is kept per area (``ShareConsent``). An area is shared
(``Share.shared``) only while every partner of the space has agreed to it: one
partner's request is pending until the others agree too, and a partner who joins
later has not agreed yet, so sharing pauses until they do. Withdrawing takes one
partner, and takes effect immediately.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import SHAREABLE, Member, Relationship, Share, ShareConsent


def _partners(db: Session, relationship_id: int) -> list[Member]:
    return list(db.scalars(select(Member).where(Member.relationship_id == relationship_id, Member.role == "partner")
                           .order_by(Member.id)))


def _agreed(db: Session, relationship_id: int) -> dict[str, set[int]]:
    agreed: dict[str, set[int]] = {area: set() for area in SHAREABLE}
    for row in db.scalars(select(ShareConsent).where(ShareConsent.relationship_id == relationship_id)):
        agreed.setdefault(row.area, set()).add(row.user_id)
    return agreed


def recompute(db: Session, relationship_id: int) -> dict[str, bool]:
    """Set every area's ``Share`` to whether all partners agree now; the result by area (not committed)."""
    partners = {m.user_id for m in _partners(db, relationship_id)}
    agreed = _agreed(db, relationship_id)
    shared = {}
    for area in SHAREABLE:
        row = db.get(Share, (relationship_id, area)) or Share(relationship_id=relationship_id, area=area)
        # Two partners at least: until the invited partner has joined, the chat still holds their messages,
        # and one person alone cannot agree for both.
        row.shared = len(partners) >= 2 and partners <= agreed[area]
        db.add(row)
        shared[area] = row.shared
    return shared


def set_agreement(db: Session, relationship_id: int, user_id: int, chosen: set[str]) -> dict[str, bool]:
    """Record one partner's choice for every area (agreed to those in ``chosen``), then what is shared."""
    # One change to a space's sharing at a time: on PostgreSQL (read committed) two partners ticking and
    # unticking at once could each decide from the other's old choice and leave an area shared that one
    # of them had just withdrawn. The row lock makes the second wait (SQLite serialises writes anyway).
    db.execute(select(Relationship.id).where(Relationship.id == relationship_id).with_for_update())
    db.execute(delete(ShareConsent).where(ShareConsent.relationship_id == relationship_id,
                                          ShareConsent.user_id == user_id, ShareConsent.area.not_in(chosen)))
    have = _agreed(db, relationship_id)
    for area in chosen & set(SHAREABLE):
        if user_id not in have[area]:
            db.add(ShareConsent(relationship_id=relationship_id, area=area, user_id=user_id))
    db.flush()
    return recompute(db, relationship_id)


def sharing_state(db: Session, relationship_id: int, user_id: int) -> dict[str, dict[str, Any]]:
    """Per area: shared now, whether this partner agreed, and who has not agreed yet (names)."""
    partners = _partners(db, relationship_id)
    agreed = _agreed(db, relationship_id)
    shared = {s.area: s.shared for s in db.scalars(select(Share).where(Share.relationship_id == relationship_id))}
    return {
        area: {
            "shared": bool(shared.get(area)),
            "you": user_id in agreed[area],
            "waiting_for": [m.display_name for m in partners if m.user_id not in agreed[area]],
        }
        for area in SHAREABLE
    }
