"""SQLAlchemy 2 table definitions; the schema Alembic migrates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        """Convert to UTC; SQLite gets a naive UTC value so strings compare in order."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to naive values read back from SQLite."""
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them)."""

    metadata = MetaData(naming_convention=NAMING)


class OrgRow(Base):
    __tablename__ = "organisation"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisation.id"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Its admins let partners read its 24/7 contacts and rota (`domain.duty.can_read_contacts`).
    contacts_open_to_partners: Mapped[bool] = mapped_column(Boolean, default=False,
                                                            server_default=false())


class UserRow(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    language: Mapped[str] = mapped_column(String(8), default="", server_default="")


class TokenRow(Base):
    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SessionRow(Base):
    __tablename__ = "web_session"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginAttemptRow(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_user_at", "username", "at"),
                      Index("ix_login_attempt_address_at", "address", "at"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    success: Mapped[bool] = mapped_column(Boolean)


class HandlingRow(Base):
    __tablename__ = "handling"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(16))
    hit_policy: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(16))
    review_by: Mapped[date] = mapped_column(Date)
    reliability: Mapped[str | None] = mapped_column(String(1))
    credibility: Mapped[int | None] = mapped_column(Integer)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    #: sha256 of owner and rules for records shared by imported objects (never edited in
    #: place), so a re-import reuses its rows; None for a case's own record.
    content_key: Mapped[str | None] = mapped_column(String(64), index=True)


class HandlingTokenRow(Base):
    """One release, exclude or partner token of a handling record."""

    __tablename__ = "handling_token"
    __table_args__ = (Index("ix_handling_token_kind_token", "kind", "token", "handling_id"),)
    handling_id: Mapped[int] = mapped_column(
        ForeignKey("handling.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    token: Mapped[str] = mapped_column(String(80), primary_key=True)


class GrantRow(Base):
    __tablename__ = "disclosure_grant"
    __table_args__ = (Index("ix_grant_org_handling", "org_id", "handling_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id", ondelete="CASCADE"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    granted_by_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CaseRow(Base):
    __tablename__ = "intel_case"
    __table_args__ = (
        Index("ix_intel_case_created", "created_at"),
        Index("ix_intel_case_updated", "updated_at", "id"),
        Index("ix_intel_case_source_ref", "source_ref", unique=True),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    crime_type: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    countries: Mapped[str] = mapped_column(String(300), default="")
    first_seen: Mapped[date | None] = mapped_column(Date)
    last_seen: Mapped[date | None] = mapped_column(Date)
    victim_count: Mapped[int] = mapped_column(Integer, default=0)
    victim_sectors: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    source_ref: Mapped[str | None] = mapped_column(String(320))
    source_modified: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CaseVersionRow(Base):
    """The full content of each earlier version of a case."""

    __tablename__ = "case_version"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("intel_case.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ObservableRow(Base):
    __tablename__ = "observable"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    warninglists: Mapped[str] = mapped_column(Text, default="")


class OccurrenceRow(Base):
    __tablename__ = "occurrence"
    __table_args__ = (
        UniqueConstraint("case_id", "observable_id", name="uq_occurrence_case_observable"),
        Index("ix_occurrence_observable", "observable_id", "case_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_case.id", ondelete="CASCADE"))
    observable_id: Mapped[int] = mapped_column(ForeignKey("observable.id"))
    role: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class EntityRow(Base):
    __tablename__ = "entity"
    __table_args__ = (
        Index("ix_entity_kind_name", "kind", "name"),
        Index("ix_entity_source_ref", "source_ref", unique=True),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300))
    aliases: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(32), default="member")
    source_ref: Mapped[str | None] = mapped_column(String(320))
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The smallest id of the rows that name the same thing (`domain.entity_merge`).
    canonical_id: Mapped[int | None] = mapped_column(BigId, index=True)
    stix_id: Mapped[str] = mapped_column(String(256), default="", server_default="", index=True)
    #: JSON list of {source_name, external_id, url}.
    external_refs: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    is_family: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    identity_class: Mapped[str] = mapped_column(String(32), default="", server_default="")
    sectors: Mapped[str] = mapped_column(Text, default="", server_default="")
    country: Mapped[str] = mapped_column(String(2), default="", server_default="")
    region: Mapped[str] = mapped_column(String(64), default="", server_default="")
    first_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """One audit event, chained to the one before by `prev_hash`."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_owner_at", "owner_org_id", "seq"),
        Index("ix_audit_actor_org", "actor_org_id", "seq"),
    )
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(48))
    actor_user_id: Mapped[int | None] = mapped_column(BigId)
    actor_org_id: Mapped[str | None] = mapped_column(String(64))
    item_type: Mapped[str] = mapped_column(String(32), default="")
    item_id: Mapped[str] = mapped_column(String(64), default="")
    owner_org_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The single row holding the chain's last seq and hash; locked while appending."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigId)
    hash: Mapped[str] = mapped_column(String(64))
