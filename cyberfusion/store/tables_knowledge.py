"""Tables of knowledge: the merge keys of entities and the relationships between entities
and cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class EntityKeyRow(Base):
    """One merge key of an entity row: `n:<name or alias>` or `x:<external id>` in a group."""

    __tablename__ = "entity_key"
    __table_args__ = (Index("ix_entity_key_grp_key", "grp", "key"),)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"),
                                           primary_key=True)
    grp: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)


class RelationshipRow(Base):
    """A typed link; each end is an entity row or a case (or neither, when only its STIX id
    is known), under the relationship's own handling (whose owner owns it)."""

    __tablename__ = "relationship"
    __table_args__ = (
        Index("ix_relationship_source_ref", "source_ref", unique=True),
        Index("ix_relationship_source_entity", "source_entity_id"),
        Index("ix_relationship_target_entity", "target_entity_id"),
        Index("ix_relationship_source_case", "source_case_id"),
        Index("ix_relationship_target_case", "target_case_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: `<owner>|<STIX id>` or `<owner>|link:<case>:<entity>:<type>`: upserts are idempotent.
    source_ref: Mapped[str] = mapped_column(String(320))
    stix_id: Mapped[str] = mapped_column(String(256), default="")
    type: Mapped[str] = mapped_column(String(64))
    source_entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="CASCADE"))
    source_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("intel_case.id", ondelete="CASCADE"))
    source_stix: Mapped[str] = mapped_column(String(256), default="")
    target_entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="CASCADE"))
    target_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("intel_case.id", ondelete="CASCADE"))
    target_stix: Mapped[str] = mapped_column(String(256), default="")
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
