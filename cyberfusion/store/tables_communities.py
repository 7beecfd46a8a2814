"""Tables of communities: the group, its member organisations, threads with signed posts,
the library and meetings (threads, library entries and meetings each under a handling row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class CommunityRow(Base):
    """A closed group."""

    __tablename__ = "community"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityMemberRow(Base):
    """An organisation's membership of a community, as member or moderator."""

    __tablename__ = "community_member"
    __table_args__ = (Index("ix_community_member_org", "org_id", "community_id"),)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"),
                                              primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityThreadRow(Base):
    """A discussion thread under its own handling row (which names its owner)."""

    __tablename__ = "community_thread"
    __table_args__ = (Index("ix_community_thread_list", "community_id", "pinned", "updated_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityPostRow(Base):
    """One post, signed with its organisation's Ed25519 key."""

    __tablename__ = "community_post"
    __table_args__ = (Index("ix_community_post_thread", "thread_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("community_thread.id",
                                                      ondelete="CASCADE"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(64), default="")
    signature: Mapped[str] = mapped_column(String(200), default="")


class CommunityLibraryRow(Base):
    """A library entry: a link to a product (`kind`, `ref`) or an uploaded document."""

    __tablename__ = "community_library"
    __table_args__ = (Index("ix_community_library_list", "community_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    ref: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommunityMeetingRow(Base):
    """A meeting with its agenda and minutes, under its own handling row."""

    __tablename__ = "community_meeting"
    __table_args__ = (Index("ix_community_meeting_list", "community_id", "starts_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
