"""Tables of prevention bulletins: the bulletin with its workflow stamps and its sources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class BulletinRow(Base):
    """One bulletin: always TLP:CLEAR, written by one hub user and approved by another."""

    __tablename__ = "bulletin"
    __table_args__ = (Index("ix_bulletin_status_published", "status", "published_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    threat: Mapped[str] = mapped_column(Text)
    affected: Mapped[str] = mapped_column(Text)
    actions: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    author_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    author_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    approver_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")


class BulletinSourceRow(Base):
    """A case or entity a bulletin cites (shown only while it is still TLP:CLEAR)."""

    __tablename__ = "bulletin_source"
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"),
                                             primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    ref_id: Mapped[int] = mapped_column(BigId)
