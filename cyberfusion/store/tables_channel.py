"""Tables of the secure channel and the 24/7 network: threads, messages, signing keys,
the directory and rota, deadlines and escalation steps, in-app notifications and the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cyberfusion.store.tables import Base, BigId, UTCDateTime


class ThreadRow(Base):
    """A conversation opened by a request or message; `tlp` is the strictest in it."""

    __tablename__ = "channel_thread"
    __table_args__ = (Index("ix_channel_thread_updated", "updated_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sender_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    request_type: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    tlp: Mapped[str] = mapped_column(String(16))
    preservation_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PartyRow(Base):
    """One organisation taking part in a thread, with its request status if an addressee."""

    __tablename__ = "channel_party"
    __table_args__ = (Index("ix_channel_party_org", "org_id", "thread_id"),)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("channel_thread.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    preserve_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    extensions: Mapped[int] = mapped_column(Integer, default=0)


class MessageRow(Base):
    """One signed message; `details` is the canonical JSON of everything signed but the body."""

    __tablename__ = "channel_message"
    __table_args__ = (Index("ix_channel_message_thread", "thread_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("channel_thread.id", ondelete="CASCADE"))
    from_org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(64), default="")
    signature: Mapped[str] = mapped_column(String(128), default="")


class ReceiptRow(Base):
    """When an addressee's inbox first received a message, and whether its signature held."""

    __tablename__ = "channel_receipt"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("channel_message.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verified: Mapped[bool] = mapped_column(Boolean)


class AttachmentRow(Base):
    """An attachment's bytes exactly as given, with the SHA-256 the signature covers."""

    __tablename__ = "channel_attachment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("channel_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigId)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class SigningKeyRow(Base):
    """An organisation's Ed25519 key pair; the private half sealed with the instance key.

    `active_org_id` equals `org_id` while the key signs (unique: one active key per
    organisation) and is NULL once retired; retired keys still verify old messages.
    """

    __tablename__ = "org_signing_key"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    active_org_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))
    private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ContactRow(Base):
    """A 24/7 point of contact of an organisation (a person, or the desk)."""

    __tablename__ = "duty_contact"
    __table_args__ = (UniqueConstraint("org_id", "ref", name="uq_duty_contact_org_ref"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    languages: Mapped[str] = mapped_column(String(100), default="")
    desk: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ShiftRow(Base):
    """One weekly shift; `days` holds weekday digits (0 = Monday), minutes are local."""

    __tablename__ = "duty_shift"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("duty_contact.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))
    days: Mapped[str] = mapped_column(String(7))
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


class NotifyPrefRow(Base):
    """Which channels (besides the in-app inbox) an organisation wants for one priority."""

    __tablename__ = "notify_pref"
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    priority: Mapped[str] = mapped_column(String(8), primary_key=True)
    channels: Mapped[str] = mapped_column(String(100), default="")


class WebhookRow(Base):
    """An organisation's webhook endpoint; the HMAC secret is sealed like signing keys."""

    __tablename__ = "org_webhook"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeadlineRow(Base):
    """A due time the sweep acts on: an escalation step or a preservation reminder.

    (thread, org, kind, step) is unique, so scheduling twice cannot double a step.
    """

    __tablename__ = "channel_deadline"
    __table_args__ = (
        UniqueConstraint("thread_id", "org_id", "kind", "step", name="uq_channel_deadline_key"),
        Index("ix_channel_deadline_due", "done_at", "due_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("channel_thread.id", ondelete="CASCADE"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(24))
    step: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(24), default="")


class EscalationRow(Base):
    """One escalation step taken, written in the transaction that marks its deadline done."""

    __tablename__ = "channel_escalation"
    __table_args__ = (
        UniqueConstraint("thread_id", "org_id", "step", name="uq_channel_escalation_step"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("channel_deadline.id"), unique=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("channel_thread.id", ondelete="CASCADE"),
                                           index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    step: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    targets: Mapped[str] = mapped_column(Text, default="")


class NotificationRow(Base):
    """An in-app inbox notification; `key` makes writing it idempotent."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_org", "org_id", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel_thread.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    """An e-mail or webhook call to deliver, with retries; `key` is its idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisation.id"))
    target: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
