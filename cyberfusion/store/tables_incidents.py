"""Tables of incidents: the incident under its own handling record, and its checklist."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class IncidentRow(Base):
    """An attack under way reported by a member (its handling row names the owner)."""

    __tablename__ = "incident"
    __table_args__ = (
        Index("ix_incident_created", "created_at", "id"),
        Index("ix_incident_wallet", "wallet"),
        Index("ix_incident_family", "family"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handling.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    incident_type: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    victim_sector: Mapped[str] = mapped_column(String(100), default="")
    victim_size: Mapped[str] = mapped_column(String(32), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    note_text: Mapped[str] = mapped_column(Text, default="")
    note_file_name: Mapped[str] = mapped_column(String(255), default="")
    extension: Mapped[str] = mapped_column(String(255), default="")
    ransom_amount: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(8), default="")
    wallet: Mapped[str] = mapped_column(String(128), default="")
    family: Mapped[str] = mapped_column(String(300), default="")
    infrastructure_countries: Mapped[str] = mapped_column(String(300), default="")
    assistance: Mapped[str] = mapped_column(Text, default="")
    #: [{at, text}], [{type, value, key, role}] and the hits answered at creation.
    timeline: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    observables: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("channel_thread.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class IncidentStepRow(Base):
    """One checklist step of an incident, ticked once with who and when."""

    __tablename__ = "incident_step"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    done_by_name: Mapped[str] = mapped_column(String(200), default="")
    done_by_org: Mapped[str] = mapped_column(String(64), default="")


class IncidentRequestRow(Base):
    """A channel request made from an incident (a payment stop), with its deadline."""

    __tablename__ = "incident_request"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("channel_thread.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
