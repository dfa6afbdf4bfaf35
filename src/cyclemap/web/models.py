"""What the web app stores: accounts, relationship spaces, imports and their turns,
each partner's private answers, the shared cycle map and practice log.

Messages, analyses, answers and notes are sealed at rest when the data folder is
encrypted (:mod:`.sealed`). Privacy lives in the shape: a partner's private entries carry their own user id and
are only ever read filtered by it; what a therapist sees is governed by ``Share``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .sealed import SealedJSON, SealedText

#: Areas a couple may share with a therapist (everything private is never among them).
SHAREABLE = ("report", "cycle_map", "practice", "trends")
#: Roles inside a relationship space.
ROLES = ("partner", "therapist")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC on every backend


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Instance-wide values (the secret that signs CSRF tokens)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Relationship(Base):
    __tablename__ = "relationships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("relationship_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(80))


class Invitation(Base):
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class Share(Base):
    """What the therapist sees, area by area: shared only while every partner agrees (``ShareConsent``)."""

    __tablename__ = "shares"
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)


class ShareConsent(Base):
    """One partner's agreement to show one area to the therapist (see :mod:`.sharing`)."""

    __tablename__ = "share_consents"
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class ImportJob(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), index=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    document: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True, deferred=True)  # can be megabytes: loaded when read
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Bumped whenever the document changes (a correction): cached readings of it are keyed by it.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    #: The few figures the lists and the correction page show, so they need not load the whole document.
    summary: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class StoredTurn(Base):
    """One turn of an import, with the model's move and, where a person changed it, theirs."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("import_id", "position"), Index("ix_turns_import_kind_position", "import_id", "kind", "position"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # message, media, system: only messages are corrected
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)  # Turn.to_json()
    move: Mapped[str] = mapped_column(String(16))
    cue: Mapped[str | None] = mapped_column(String(32), nullable=True)
    safety: Mapped[list[str]] = mapped_column(JSON, default=list)
    fix_move: Mapped[str | None] = mapped_column(String(16), nullable=True)
    fix_cue: Mapped[str | None] = mapped_column(String(32), nullable=True)
    fixed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class PrivateEntry(Base):
    """A partner's own answers: self-assessment, safety check, private notes. Never shown to others."""

    __tablename__ = "private_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # assessment, safety_check, note
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    consent_compare: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class CycleMapEntry(Base):
    """A partner's own side of the cycle map; shown beside the others' only when all agreed."""

    __tablename__ = "cycle_map_entries"
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class PracticeEntry(Base):
    __tablename__ = "practice_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # caught, repaired
    note: Mapped[str] = mapped_column(SealedText, default="")
    happened_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
