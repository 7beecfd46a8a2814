"""Tables of hits, disclosure, the correlation index and networks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class CorrelationKeyRow(Base):
    """A weak key derived from an observable (a URL's host, an e-mail's domain …)."""

    __tablename__ = "correlation_key"
    __table_args__ = (Index("ix_correlation_key_key", "key", "observable_id"),)
    observable_id: Mapped[int] = mapped_column(ForeignKey("observable.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(20))


class NetworkStateRow(Base):
    """The one row of settings and progress shared by every network run."""

    __tablename__ = "network_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    indexed_upto: Mapped[int] = mapped_column(BigId, default=0)
    max_cases: Mapped[int] = mapped_column(Integer)
    resolution: Mapped[float] = mapped_column(Float)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_full_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NetworkRunRow(Base):
    """One recomputation: what it looked at, what it changed, how long it took."""

    __tablename__ = "network_run"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    cases: Mapped[int] = mapped_column(Integer)
    links: Mapped[int] = mapped_column(Integer)
    clusters: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    kept: Mapped[int] = mapped_column(Integer)
    dissolved: Mapped[int] = mapped_column(Integer)
    max_cases: Mapped[int] = mapped_column(Integer)
    resolution: Mapped[float] = mapped_column(Float)


class NetworkDirtyRow(Base):
    """A case changed since the last run: its networks are recomputed next time."""

    __tablename__ = "network_dirty"
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_case.id", ondelete="CASCADE"),
                                         primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class NetworkClusterRow(Base):
    """A network found in the whole pool; what a viewer sees is derived per viewer."""

    __tablename__ = "network_cluster"
    __table_args__ = (Index("ix_network_cluster_status", "status", "size"),)
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    size: Mapped[int] = mapped_column(Integer)
    links: Mapped[int] = mapped_column(Integer)
    value_count: Mapped[int] = mapped_column(Integer)


class NetworkMemberRow(Base):
    """A case's place in a live network (at most one)."""

    __tablename__ = "network_member"
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_case.id", ondelete="CASCADE"),
                                         primary_key=True)
    cluster_id: Mapped[str] = mapped_column(ForeignKey("network_cluster.id"), index=True)


class NetworkValueRow(Base):
    """A value that holds a network together, with how many cases hold it."""

    __tablename__ = "network_value"
    __table_args__ = (Index("ix_network_value_observable", "observable_id"),)
    cluster_id: Mapped[str] = mapped_column(ForeignKey("network_cluster.id"), primary_key=True)
    observable_id: Mapped[int] = mapped_column(ForeignKey("observable.id"), primary_key=True)
    holders: Mapped[int] = mapped_column(Integer)


class HitQueryRow(Base):
    """One search, lookup or landing that was matched against the pool."""

    __tablename__ = "hit_query"
    __table_args__ = (Index("ix_hit_query_org_at", "org_id", "at"),)
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    source: Mapped[str] = mapped_column(String(12))
    purpose: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    value_count: Mapped[int] = mapped_column(Integer)


class HitRow(Base):
    """One match of a query against another organisation's case, with the answer given."""

    __tablename__ = "hit"
    __table_args__ = (
        Index("ix_hit_owner_at", "owner_org_id", "at"),
        Index("ix_hit_searcher_at", "searcher_org_id", "at"),
        Index("ix_hit_query", "query_id", "owner_org_id"),
        Index("ix_hit_source_case", "source_case_id", "case_id"),
    )
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("hit_query.id"))
    source: Mapped[str] = mapped_column(String(12))
    searcher_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    searcher_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("intel_case.id", ondelete="SET NULL"))
    observable_id: Mapped[int] = mapped_column(ForeignKey("observable.id"))
    source_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("intel_case.id", ondelete="SET NULL"))
    answer: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DisclosureRequestRow(Base):
    """A searcher asks the owner of a HIT to disclose; the owner approves or declines."""

    __tablename__ = "disclosure_request"
    __table_args__ = (
        Index("ix_disclosure_owner", "owner_org_id", "status"),
        Index("ix_disclosure_requester", "requester_org_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    hit_id: Mapped[str] = mapped_column(ForeignKey("hit.id"), index=True)
    requester_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    requester_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DisclosureCaseRow(Base):
    """A case a disclosure request covers, and the grant made for it on approval."""

    __tablename__ = "disclosure_case"
    request_id: Mapped[str] = mapped_column(ForeignKey("disclosure_request.id"),
                                            primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_case.id", ondelete="CASCADE"),
                                         primary_key=True)
    grant_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosure_grant.id", ondelete="SET NULL"))


class DisclosureStepRow(Base):
    """One step of a disclosure request (requested, approved, declined), seen by both sides."""

    __tablename__ = "disclosure_step"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("disclosure_request.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")


class HitNoticeRow(Base):
    """What an organisation is told: a HIT on its data (or its unit's), or a disclosure step."""

    __tablename__ = "hit_notice"
    __table_args__ = (Index("ix_hit_notice_org", "org_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(24))
    hit_id: Mapped[str | None] = mapped_column(ForeignKey("hit.id"))
    request_id: Mapped[str | None] = mapped_column(ForeignKey("disclosure_request.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
