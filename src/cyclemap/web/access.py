"""Who may see what: every relationship page goes through :func:`member_of`.

Not a member: 404 (the space's existence is not revealed). A therapist on a
partner-only page, or on an area the couple has not shared: 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ImportJob, Member, PrivateEntry, Relationship, Share, User

NOT_FOUND = "There is nothing here, or it is not yours to see."
PARTNERS_ONLY = "Only the partners of this relationship can open this page."
NOT_SHARED = "The couple has not shared this with you."


@dataclass
class Space:
    """A relationship as one member sees it."""

    relationship: Relationship
    member: Member
    members: list[Member]
    shared: dict[str, bool]
    flagged: bool  # the safety screen fired on this relationship's chats

    @property
    def id(self) -> int:
        return self.relationship.id

    @property
    def is_partner(self) -> bool:
        return self.member.role == "partner"

    def partners(self) -> list[Member]:
        return [m for m in self.members if m.role == "partner"]


def member_of(db: Session, user: User, relationship_id: int, *, partner_only: bool = False, area: str | None = None) -> Space:
    relationship = db.get(Relationship, relationship_id)
    members = list(db.scalars(select(Member).where(Member.relationship_id == relationship_id).order_by(Member.id)))
    mine = next((m for m in members if m.user_id == user.id), None)
    if relationship is None or mine is None:
        raise HTTPException(404, NOT_FOUND)
    shared = {s.area: s.shared for s in db.scalars(select(Share).where(Share.relationship_id == relationship_id))}
    if mine.role != "partner":
        if partner_only:
            raise HTTPException(403, PARTNERS_ONLY)
        if area is not None and not shared.get(area, False):
            raise HTTPException(403, NOT_SHARED)
    flagged = db.scalar(
        select(ImportJob.id).where(ImportJob.relationship_id == relationship_id, ImportJob.flagged.is_(True)).limit(1)
    ) is not None
    if not flagged:  # a partner's own safety check governs their own pages (never anyone else's)
        latest = db.scalars(select(PrivateEntry).where(
            PrivateEntry.relationship_id == relationship_id, PrivateEntry.user_id == user.id,
            PrivateEntry.kind == "safety_check",
        ).order_by(PrivateEntry.id.desc()).limit(1)).first()
        flagged = bool(latest and latest.data.get("result", {}).get("concern"))
    return Space(relationship, mine, members, shared, flagged)
