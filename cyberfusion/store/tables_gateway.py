"""Tables of Gateway agreements with partner organisations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, UTCDateTime


class AgreementRow(Base):
    """One agreement: a partner, its validity, categories with directions, onward terms."""

    __tablename__ = "gateway_agreement"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    partner_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    #: {category: direction}, the values of `domain.gateway.DataCategory` and `Direction`.
    categories: Mapped[dict[str, str]] = mapped_column(JSON)
    onward_terms: Mapped[str] = mapped_column(Text, default="")
    onward_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str] = mapped_column(Text, default="")
