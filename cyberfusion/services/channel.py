"""The secure channel: send signed requests and messages, list and open threads, receive.

Only the parties of a thread (its sender and addressees) ever list, count or open it: every
read goes through `store.channel_sql.readable_clause`. A message is delivered to an
addressee when its inbox first fetches it; its Ed25519 signature (which covers the SHA-256
of every attachment) is verified then, and again each time it is shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import (
    AttachmentIn,
    AttachmentMeta,
    Draft,
    Escalation,
    Message,
    MessageKind,
    PartyStatus,
    Priority,
    RequestType,
    Thread,
    ThreadFilter,
    ack_due,
    attachment_name_issues,
    draft_issues,
    message_handling,
    signed_document,
)
from cyberfusion.domain.handling import TLP, review_by_issue, strictest_tlp
from cyberfusion.domain.model import OrgKind, Principal
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue, NotFound
from cyberfusion.formats.case_json import handling_to_json
from cyberfusion.services import audit, escalation, notify, signing
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.channel import Receipt
from cyberfusion.store.repositories.outbox import Deadline
from cyberfusion.store.tx import Tx

MAX_PAGE = 200


#: One page of the inbox and the total the caller takes part in.
ThreadPage = Page[Thread]


@dataclass(frozen=True, slots=True)
class ThreadView:
    """A thread as a party sees it: messages, signature checks, receipts, escalation."""

    thread: Thread
    messages: list[Message]
    verdicts: dict[int, signing.Verdict]
    receipts: list[Receipt]
    escalations: list[Escalation]
    deadlines: list[Deadline] = field(default_factory=list)


def ack_minutes(ctx: Context) -> dict[Priority, int]:
    """The acknowledgement deadline of each priority, from the settings."""
    s = ctx.settings
    return {Priority.FLASH: s.ack_flash_minutes, Priority.URGENT: s.ack_urgent_minutes,
            Priority.ROUTINE: s.ack_routine_minutes}


def attachment_issues(ctx: Context, attachments: Sequence[AttachmentIn]) -> list[Issue]:
    """Attachments over the size limit, or named so that no download could carry the name."""
    limit = ctx.settings.attachment_max_bytes
    return [Issue(f"attachments[{i}]", f"{a.filename!r} is {len(a.content)} bytes; the limit "
                  f"is {limit}") for i, a in enumerate(attachments)
            if len(a.content) > limit] + attachment_name_issues(attachments)


def review_issues(ctx: Context, review_by: date) -> list[Issue]:
    """The review date a sender chose, if it is not after today (see `review_by_issue`)."""
    problem = review_by_issue(review_by, ctx.now().date())
    return [Issue("handling.review_by", problem)] if problem else []


def send(ctx: Context, principal: Principal, draft: Draft) -> Thread:
    """Open a thread: store the signed request, schedule its deadlines, tell the addressees."""
    require(principal, Permission.CHANNEL_SEND)
    issues = draft_issues(draft, principal.org_id) + attachment_issues(ctx, draft.attachments)
    issues += review_issues(ctx, draft.handling.review_by)
    with ctx.db.write() as tx:
        issues += _addressee_issues(tx, draft)
        if issues:
            raise InvalidInput(f"the request has {len(issues)} problem(s)", issues)
        thread_id = _open_thread(tx, ctx, principal, draft)
        thread = tx.channel.get(thread_id, principal.org_id)
        assert thread is not None
        due = ack_due(thread.created_at, thread.priority, ack_minutes(ctx))
        tell(tx, ctx, thread, "request", draft.to, f"request:{thread_id}",
             f"{label(thread)} from {principal.org_id}, acknowledge by "
             f"{due:%Y-%m-%d %H:%M} UTC")
        audit.record(tx, ctx, principal, AuditAction.MESSAGE_SEND, "thread", thread_id,
                     principal.org_id, {"to": list(draft.to), "type": draft.request_type.value,
                                        "priority": draft.priority.value,
                                        "attachments": len(draft.attachments)})
    return thread


def _addressee_issues(tx: Tx, draft: Draft) -> list[Issue]:
    issues = [Issue("to", f"no organisation {o!r}")
              for o in sorted(set(draft.to) - tx.orgs.exists(set(draft.to)))]
    if draft.handling.personal_data:
        for org_id in draft.to:
            org = tx.orgs.get(org_id)
            if org is not None and org.kind is OrgKind.PARTNER:
                issues.append(Issue("to", f"{org_id!r} is a partner: personal data is never "
                                          "sent to partners"))
    return issues


def _open_thread(tx: Tx, ctx: Context, principal: Principal, draft: Draft) -> int:
    now = ctx.now()
    days = None
    if draft.request_type is RequestType.PRESERVATION:
        days = draft.preservation_days or ctx.settings.preservation_days
    handling = message_handling(draft.handling, (principal.org_id, *draft.to))
    thread_id = tx.channel.add_thread(
        principal.org_id, principal.user.id if principal.user else None, draft.request_type,
        draft.priority, draft.subject.strip(), handling.tlp, days, now)
    tx.channel.add_parties(thread_id, principal.org_id, draft.to,
                           ack_due(now, draft.priority, ack_minutes(ctx)))
    details = {"type": draft.request_type.value, "priority": draft.priority.value,
               "subject": draft.subject.strip(), "fields": dict(draft.fields),
               "handling": handling_to_json(handling), "preservation_days": days}
    post(tx, ctx, principal, thread_id, draft.to, MessageKind.REQUEST, draft.body, details,
         draft.attachments)
    escalation.schedule_escalation(tx, ctx, thread_id, draft.to, draft.priority, now)
    return thread_id


def post(tx: Tx, ctx: Context, principal: Principal, thread_id: int, to: Iterable[str],
         kind: MessageKind, body: str, details: dict[str, Any],
         attachments: Sequence[AttachmentIn] = (), tlp: TLP | None = None) -> int:
    """Store one message with its attachments and sign it with the sender's key."""
    now = ctx.now()
    user_id = principal.user.id if principal.user else None
    message_id = tx.channel.add_message(thread_id, principal.org_id, user_id, kind, body,
                                        details, now)
    metas = [tx.channel.add_attachment(message_id, a, hashlib.sha256(a.content).hexdigest())
             for a in attachments]
    key = signing.ensure_key(tx, ctx, principal.org_id)
    document = signed_document(message_id, thread_id, principal.org_id, to, kind, now, body,
                               details, [m.digest for m in metas])
    tx.channel.sign(message_id, key.key_id, signing.sign(ctx, key, document))
    thread = tx.channel.get(thread_id, None) if tlp is not None else None
    tx.channel.touch(thread_id, now, strictest_tlp([thread.tlp, tlp]) if thread and tlp
                     else None)
    return message_id


def label(thread: Thread) -> str:
    """`FLASH preservation request #12`: how notices name a thread to its parties."""
    kind = thread.request_type.label.split(" (")[0].lower()
    return f"{thread.priority.value.upper()} {kind} #{thread.id}"


def tell(tx: Tx, ctx: Context, thread: Thread, event: str, orgs: Iterable[str], key: str,
         text: str) -> None:
    """Notify parties of a thread (they may see its number and link); `key` dedupes."""
    note = notify.Note(key, event, thread.priority, text, thread.id,
                       f"{ctx.settings.public_url.rstrip('/')}/threads/{thread.id}")
    notify.fan_out(tx, ctx, note, [notify.Recipient(o) for o in sorted(set(orgs))])


def list_threads(ctx: Context, principal: Principal, f: ThreadFilter, offset: int = 0,
                 limit: int = 50) -> ThreadPage:
    """A page of the threads the caller's organisation takes part in; fetching delivers."""
    require(principal, Permission.CHANNEL_READ)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    with ctx.db.read() as tx:
        items, total = tx.channel.page(principal.org_id, f, offset, limit)
        pending = tx.channel.undelivered(principal.org_id, [t.id for t in items])
    if pending:
        with ctx.db.write() as tx:
            receive(tx, ctx, principal, pending)
            fresh = {t.id: t for t in tx.channel.get_many([t.id for t in items],
                                                          principal.org_id)}
        items = [fresh.get(t.id, t) for t in items]
    return ThreadPage(items, total, offset, limit)


def receive(tx: Tx, ctx: Context, principal: Principal, messages: Sequence[Message]) -> None:
    """Record delivery to the principal's organisation, verifying each signature."""
    org_id, now = principal.org_id, ctx.now()
    fresh = _not_yet_received(tx, org_id, messages)
    if not fresh:
        return
    verdicts = verify_all(tx, fresh)
    tx.channel.add_receipts([Receipt(m.id, org_id, now, verdicts[m.id].ok) for m in fresh])
    for thread_id in sorted({m.thread_id for m in fresh if m.kind is MessageKind.REQUEST}):
        thread = tx.channel.get(thread_id, org_id)
        party = thread.party(org_id) if thread else None
        if party is not None and party.status is PartyStatus.SENT:
            tx.channel.set_party(thread_id, org_id, status=PartyStatus.DELIVERED.value,
                                 delivered_at=now)
    audit.record(tx, ctx, principal, AuditAction.THREAD_READ, "thread",
                 ",".join(str(t) for t in sorted({m.thread_id for m in fresh}))[:64], org_id,
                 {"received": [m.id for m in fresh],
                  "unverified": [m.id for m in fresh if not verdicts[m.id].ok]})


def _not_yet_received(tx: Tx, org_id: str, messages: Sequence[Message]) -> list[Message]:
    done = {(r.message_id, r.org_id) for t in {m.thread_id for m in messages}
            for r in tx.channel.receipts(t)}
    return [m for m in messages if (m.id, org_id) not in done and m.from_org_id != org_id]


def verify_all(tx: Tx, messages: Sequence[Message]) -> dict[int, signing.Verdict]:
    """The signature check of each message, against its sender's stored public key."""
    verdicts = {}
    for m in messages:
        thread = tx.channel.get(m.thread_id, None)
        to = thread.parties if thread else ()
        document = signed_document(m.id, m.thread_id, m.from_org_id,
                                   [p.org_id for p in to if p.org_id != m.from_org_id],
                                   m.kind, m.created_at, m.body, m.details,
                                   [a.digest for a in m.attachments])
        verdicts[m.id] = signing.verify(tx.keys.get(m.key_id), m.from_org_id, document,
                                        m.signature)
    return verdicts


def get_thread(ctx: Context, principal: Principal, thread_id: int) -> ThreadView:
    """One thread the caller's organisation takes part in (404 otherwise); opening delivers."""
    require(principal, Permission.CHANNEL_READ)
    with ctx.db.read() as tx:
        thread = tx.channel.get(thread_id, principal.org_id)
        if thread is None:
            raise NotFound(f"no thread {thread_id}")
        pending = tx.channel.undelivered(principal.org_id, [thread_id])
    if pending:
        with ctx.db.write() as tx:
            receive(tx, ctx, principal, pending)
    with ctx.db.read() as tx:
        thread = tx.channel.get(thread_id, principal.org_id)
        assert thread is not None
        messages = tx.channel.messages(thread_id)
        return ThreadView(thread, messages, verify_all(tx, messages),
                          tx.channel.receipts(thread_id),
                          tx.channel.escalations(thread_id, principal.org_id),
                          tx.outbox.pending(thread_id))


def attachment(ctx: Context, principal: Principal,
               attachment_id: int) -> tuple[AttachmentMeta, bytes]:
    """An attachment of a thread the caller takes part in, checked against its SHA-256."""
    require(principal, Permission.CHANNEL_READ)
    with ctx.db.write() as tx:
        found = tx.channel.attachment(attachment_id, principal.org_id)
        if found is None:
            raise NotFound(f"no attachment {attachment_id}")
        meta, content, thread_id = found
        intact = hashlib.sha256(content).hexdigest() == meta.sha256
        audit.record(tx, ctx, principal, AuditAction.ATTACHMENT_READ, "attachment",
                     attachment_id, principal.org_id, {"thread": thread_id, "intact": intact})
    if not intact:
        raise InvalidInput("the attachment does not match its signed SHA-256",
                           [Issue("attachment", "stored bytes were altered; do not use them")])
    return meta, content
