"""Tables of TAXII sources: each configured remote collection, its runs, and what a push
has sent (so a re-run sends nothing twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class SourceRow(Base):
    """A remote TAXII collection an organisation pulls from or pushes to (no secret here:
    `secret_env` names the environment variable that holds it)."""

    __tablename__ = "taxii_source"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_taxii_source_name"),
                      Index("ix_taxii_source_due", "next_run_at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    api_root: Mapped[str] = mapped_column(Text)
    collection_id: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(8))
    secret_env: Mapped[str] = mapped_column(String(128), default="")
    interval_seconds: Mapped[int] = mapped_column(Integer, default=0)
    peer_org_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"))
    defaults: Mapped[str] = mapped_column(Text)
    added_after: Mapped[str] = mapped_column(String(40), default="")
    next_value: Mapped[str] = mapped_column(Text, default="")
    walk_last: Mapped[str] = mapped_column(String(40), default="")
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: While a run holds the source (renewed with each page); a dead run's lease runs out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SourceRunRow(Base):
    """One run of a source with its counts and errors."""

    __tablename__ = "taxii_source_run"
    __table_args__ = (Index("ix_taxii_source_run_source", "source_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("taxii_source.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    counts: Mapped[str] = mapped_column(Text, default="{}")
    errors: Mapped[str] = mapped_column(Text, default="[]")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SourcePushedRow(Base):
    """One object version a push source has delivered."""

    __tablename__ = "taxii_source_pushed"
    __table_args__ = (UniqueConstraint("source_id", "object_id", "version",
                                       name="uq_taxii_source_pushed"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("taxii_source.id", ondelete="CASCADE"))
    object_id: Mapped[str] = mapped_column(String(256))
    version: Mapped[str] = mapped_column(String(40))
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime())
