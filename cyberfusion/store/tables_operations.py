"""Tables of operations: the operation under its own handling record (released to its
participants), its participants, target cases, tasks, action days, results and takedowns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class OperationRow(Base):
    """A coordinated action against a network; its handling row names the lead as owner."""

    __tablename__ = "operation"
    __table_args__ = (Index("ix_operation_created", "created_at", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planning")
    countries: Mapped[str] = mapped_column(String(600), default="")
    network_ref: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(200), default="")
    #: The creator's organisation: the only one whose name for the network is shown.
    created_by_org: Mapped[str] = mapped_column(String(64), default="")


class OperationParticipantRow(Base):
    """An organisation taking part in an operation."""

    __tablename__ = "operation_participant"
    __table_args__ = (Index("ix_operation_participant_org", "org_id", "operation_id"),)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)


class OperationTargetRow(Base):
    """A target case of an operation (each participant's package reads only its own share)."""

    __tablename__ = "operation_target"
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_case.id", ondelete="CASCADE"),
                                         primary_key=True)


class OperationTaskRow(Base):
    """A task: owner organisation (and person), due date, status, last change."""

    __tablename__ = "operation_task"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_org_id: Mapped[str] = mapped_column(String(64))
    owner_user: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class OperationActionDayRow(Base):
    """A day of coordinated action, in some countries."""

    __tablename__ = "operation_action_day"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              index=True)
    day: Mapped[date] = mapped_column(Date)
    countries: Mapped[str] = mapped_column(String(600), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class OperationResultRow(Base):
    """One line of the results ledger."""

    __tablename__ = "operation_result"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(8), default="")
    country: Mapped[str] = mapped_column(String(2))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_org: Mapped[str] = mapped_column(String(64))
    by_user: Mapped[str] = mapped_column(String(200), default="")


class OperationTakedownRow(Base):
    """The takedown of one infrastructure item, with its latest status."""

    __tablename__ = "operation_takedown"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id", ondelete="CASCADE"),
                                              index=True)
    value_type: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(2048))
    country: Mapped[str] = mapped_column(String(2), default="")
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_org: Mapped[str] = mapped_column(String(64))
    by_user: Mapped[str] = mapped_column(String(200), default="")
