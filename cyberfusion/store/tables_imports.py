"""Tables of imports: import jobs and their issues, and source objects kept as given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class ImportJobRow(Base):
    """One import of one file: status, counts and where its bytes are kept."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_status", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(16))
    codec: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigId)
    bytes_done: Mapped[int] = mapped_column(BigId, default=0)
    defaults: Mapped[str] = mapped_column(Text)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    issue_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who runs the job (`host:pid:nonce`) and until when; a lapsed lease is taken over.
    lease_holder: Mapped[str] = mapped_column(String(128), default="", server_default="")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Runs since the job last landed a batch (a job that keeps killing its runner fails).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: JSON: batches landed, bytes read and their sha256, counts and issues at that point.
    checkpoint: Mapped[str] = mapped_column(Text, default="", server_default="")


class ImportIssueRow(Base):
    """A located problem found while importing."""

    __tablename__ = "import_issue"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"),
                                        index=True)
    severity: Mapped[str] = mapped_column(String(8))
    location: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class SourceObjectRow(Base):
    """An imported object kept exactly as given, governed by its own handling record."""

    __tablename__ = "source_object"
    __table_args__ = (Index("ix_source_object_case", "case_id"),
                      Index("ix_source_object_landed", "case_id", "landed_at", "id"),
                      Index("ix_source_object_ref", "ref"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_ref: Mapped[str] = mapped_column(String(320), unique=True)
    ref: Mapped[str] = mapped_column(String(256))
    type: Mapped[str] = mapped_column(String(64))
    modified: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("intel_case.id", ondelete="SET NULL"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("import_job.id", ondelete="SET NULL"))
    #: When this version landed: its TAXII `date_added`.
    landed_at: Mapped[datetime] = mapped_column(UTCDateTime())
