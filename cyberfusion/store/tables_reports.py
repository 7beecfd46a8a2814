"""Tables of cyber activity reports: the report as written and approved, and each
recipient's copy (delivery over the secure channel, retried until sent)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class ReportRow(Base):
    """One cyber activity report: its spec (scope as JSON), status and who did what when."""

    __tablename__ = "activity_report"
    __table_args__ = (Index("ix_activity_report_status", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    scope: Mapped[str] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    assessment: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    tlp: Mapped[str] = mapped_column(String(16))
    author_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approver_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The report document frozen at approval (`formats.report_doc`); empty while a draft.
    content: Mapped[str] = mapped_column(Text, default="")


class ReportDeliveryRow(Base):
    """One recipient's copy of a report: sent as a signed channel message with the PDF."""

    __tablename__ = "report_delivery"
    __table_args__ = (Index("ix_report_delivery_org", "org_id", "report_id"),
                      Index("ix_report_delivery_status", "status", "next_at"))
    report_id: Mapped[int] = mapped_column(
        ForeignKey("activity_report.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    thread_id: Mapped[int | None] = mapped_column(BigId)
    tlp: Mapped[str] = mapped_column(String(16), default="clear")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
