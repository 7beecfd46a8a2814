"""Presenters of the secure channel: a thread as listed, and a thread with its messages."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.channel import Escalation, Message, Party, Thread
from cyberfusion.presenters.common import Page, iso, page_json
from cyberfusion.services.channel import ThreadPage, ThreadView
from cyberfusion.services.signing import Verdict


class PartyDoc(TypedDict):
    """An organisation's place in a thread."""

    org_id: str
    status: str
    ack_due_at: str | None
    delivered_at: str | None
    acknowledged_at: str | None
    answered_at: str | None
    closed_at: str | None
    decline_reason: str | None
    preserve_until: str | None
    extensions: int


class ThreadDoc(TypedDict):
    """A thread as listed (no message content), with the viewer's own status."""

    id: int
    sender: str
    to: list[str]
    type: str
    priority: str
    subject: str
    tlp: str
    status: str
    my_status: str | None
    created_at: str
    updated_at: str
    closed_at: str | None
    preservation_days: int | None
    parties: list[PartyDoc]


class VerdictDoc(TypedDict):
    """A message's signature check."""

    ok: bool
    key_id: str
    signer: str
    reason: str


class AttachmentDoc(TypedDict):
    """An attachment's metadata (its bytes are at /api/v1/attachments/{id})."""

    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


MessageDoc = TypedDict("MessageDoc", {
    "id": int, "from": str, "from_user_id": int | None, "kind": str, "body": str,
    "details": dict[str, Any], "created_at": str, "key_id": str, "signature": str,
    "verification": VerdictDoc, "attachments": list[AttachmentDoc]})
MessageDoc.__doc__ = "A message with its attachments' metadata and its signature check."


class EscalationDoc(TypedDict):
    """One escalation step."""

    org_id: str
    step: int
    level: str
    at: str
    targets: list[str]


class ReceiptDoc(TypedDict):
    """When a party received a message, and whether it verified the signature."""

    message_id: int
    org_id: str
    delivered_at: str
    verified: bool


class DeadlineDoc(TypedDict):
    """A party's next deadline on the thread."""

    org_id: str
    kind: str
    step: int
    due_at: str


class ThreadViewDoc(ThreadDoc):
    """A thread with its messages, signature checks, receipts and escalation steps."""

    messages: list[MessageDoc]
    receipts: list[ReceiptDoc]
    escalations: list[EscalationDoc]
    deadlines: list[DeadlineDoc]


def party_json(p: Party) -> PartyDoc:
    """An organisation's place in a thread."""
    return {"org_id": p.org_id, "status": p.status.value, "ack_due_at": iso(p.ack_due_at),
            "delivered_at": iso(p.delivered_at), "acknowledged_at": iso(p.acknowledged_at),
            "answered_at": iso(p.answered_at), "closed_at": iso(p.closed_at),
            "decline_reason": p.decline_reason or None,
            "preserve_until": iso(p.preserve_until), "extensions": p.extensions}


def thread_json(t: Thread, viewer_org_id: str) -> ThreadDoc:
    """A thread as listed (no message content), with the viewer's own status."""
    mine = t.party(viewer_org_id)
    return {"id": t.id, "sender": t.sender_org_id, "to": list(t.addressees),
            "type": t.request_type.value, "priority": t.priority.value, "subject": t.subject,
            "tlp": t.tlp.value, "status": t.overall().value,
            "my_status": mine.status.value if mine else None,
            "created_at": t.created_at.isoformat(), "updated_at": t.updated_at.isoformat(),
            "closed_at": iso(t.closed_at), "preservation_days": t.preservation_days,
            "parties": [party_json(p) for p in t.parties]}


def thread_page_json(page: ThreadPage, viewer_org_id: str) -> Page[ThreadDoc]:
    """A page of the threads the viewer's organisation takes part in."""
    return page_json([thread_json(t, viewer_org_id) for t in page.items], page.total,
                     page.offset, page.limit)


def verdict_json(v: Verdict) -> VerdictDoc:
    """A message's signature check."""
    return {"ok": v.ok, "key_id": v.key_id, "signer": v.signer_org_id, "reason": v.reason}


def message_json(m: Message, verdict: Verdict) -> MessageDoc:
    """A message with its attachments' metadata and its signature check."""
    return {"id": m.id, "from": m.from_org_id, "from_user_id": m.from_user_id,
            "kind": m.kind.value, "body": m.body, "details": dict(m.details),
            "created_at": m.created_at.isoformat(), "key_id": m.key_id,
            "signature": m.signature, "verification": verdict_json(verdict),
            "attachments": [{"id": a.id, "filename": a.filename, "media_type": a.media_type,
                             "size": a.size, "sha256": a.sha256} for a in m.attachments]}


def escalation_json(e: Escalation) -> EscalationDoc:
    """One escalation step."""
    return {"org_id": e.org_id, "step": e.step, "level": e.level.value,
            "at": e.at.isoformat(), "targets": list(e.targets)}


def thread_view_json(view: ThreadView, viewer_org_id: str) -> ThreadViewDoc:
    """A thread with its messages, signature checks, receipts and escalation steps."""
    return {**thread_json(view.thread, viewer_org_id),
            "messages": [message_json(m, view.verdicts[m.id]) for m in view.messages],
            "receipts": [{"message_id": r.message_id, "org_id": r.org_id,
                          "delivered_at": r.delivered_at.isoformat(), "verified": r.verified}
                         for r in view.receipts],
            "escalations": [escalation_json(e) for e in view.escalations],
            "deadlines": [{"org_id": d.org_id, "kind": d.kind, "step": d.step,
                           "due_at": d.due_at.isoformat()} for d in view.deadlines]}
