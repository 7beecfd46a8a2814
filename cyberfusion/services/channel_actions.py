"""What parties do with a request: acknowledge, reply, answer, decline, close, extend.

Each action is a signed message in the thread plus a status change of the acting addressee
(`domain.channel.next_status`), in one transaction with its audit event, the cancelled or
new deadlines and the notifications of the other parties.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import (
    MAX_PRESERVATION_DAYS,
    Action,
    AttachmentIn,
    MessageKind,
    Party,
    PartyStatus,
    RequestType,
    Thread,
    next_status,
)
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats.case_json import handling_to_json
from cyberfusion.services import audit, escalation
from cyberfusion.services.channel import (
    attachment_issues,
    label,
    post,
    receive,
    review_issues,
    tell,
)
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

_STAMP = {PartyStatus.DELIVERED: "delivered_at", PartyStatus.ACKNOWLEDGED: "acknowledged_at",
          PartyStatus.ANSWERED: "answered_at", PartyStatus.CLOSED: "closed_at"}


def _load(tx: Tx, principal: Principal, thread_id: int, lock: bool = False) -> Thread:
    thread = tx.channel.get(thread_id, principal.org_id)
    if thread is None:
        raise NotFound(f"no thread {thread_id}")
    if lock:
        tx.channel.lock(thread_id)
        return _load(tx, principal, thread_id)
    return thread


def _addressee(thread: Thread, principal: Principal) -> Party:
    party = thread.party(principal.org_id)
    if party is None or party.is_sender:
        raise PermissionDenied("only an addressee of the request does this")
    return party


def _move(tx: Tx, ctx: Context, thread: Thread, party: Party, action: Action,
          **extra: Any) -> PartyStatus | None:
    """Apply `action` to an addressee: status, timestamps, deadlines, preservation period."""
    target = next_status(party.status, action)
    if target is None:
        return None
    now = ctx.now()
    values: dict[str, Any] = {"status": target.value, **extra}
    stamps = {PartyStatus.CLOSED: ["closed_at"], PartyStatus.DECLINED: []}.get(
        target, [c for s, c in _STAMP.items() if _rank(s) <= _rank(target)])
    values.update({c: now for c in stamps if getattr(party, c) is None})
    tx.channel.set_party(thread.id, party.org_id, **values)
    if target is not PartyStatus.DELIVERED:
        escalation.settle(tx, ctx, thread.id, party.org_id)
    if thread.request_type is RequestType.PRESERVATION and party.preserve_until is None \
            and target in (PartyStatus.ACKNOWLEDGED, PartyStatus.ANSWERED):
        until = now + timedelta(days=thread.preservation_days or ctx.settings.preservation_days)
        tx.channel.set_party(thread.id, party.org_id, preserve_until=until)
        escalation.schedule_preservation(tx, ctx, thread.id, party.org_id, until, 0)
    return target


def _rank(status: PartyStatus) -> int:
    order = [PartyStatus.DELIVERED, PartyStatus.ACKNOWLEDGED, PartyStatus.ANSWERED,
             PartyStatus.CLOSED]
    return order.index(status) if status in order else 99


def _others(thread: Thread, org_id: str) -> list[str]:
    return [p for p in sorted(thread.ref.parties) if p != org_id]


def _deliver_first(tx: Tx, ctx: Context, principal: Principal, thread: Thread) -> Thread:
    """Acting on a thread receives what the organisation had not fetched yet."""
    pending = tx.channel.undelivered(principal.org_id, [thread.id])
    if pending:
        receive(tx, ctx, principal, pending)
        return _load(tx, principal, thread.id)
    return thread


def acknowledge(ctx: Context, principal: Principal, thread_id: int, note: str = "") -> Thread:
    """The addressee confirms it has the request in hand; escalation stops."""
    require(principal, Permission.CHANNEL_SEND)
    with ctx.db.write() as tx:
        thread = _deliver_first(tx, ctx, principal, _load(tx, principal, thread_id, lock=True))
        party = _addressee(thread, principal)
        if _move(tx, ctx, thread, party, Action.ACKNOWLEDGE) is not None:
            _record(tx, ctx, principal, thread, MessageKind.ACK, note.strip(), {})
        return _load(tx, principal, thread_id)


def reply(ctx: Context, principal: Principal, thread_id: int, body: str, handling: Handling,
          attachments: Sequence[AttachmentIn] = (), answer: bool = False) -> Thread:
    """A message in the thread; from an addressee it acknowledges, and `answer` answers."""
    require(principal, Permission.CHANNEL_SEND)
    issues = attachment_issues(ctx, attachments) + review_issues(ctx, handling.review_by)
    if not body.strip() and not attachments:
        issues.append(Issue("body", "write something or attach a file"))
    if issues:
        raise InvalidInput("the reply is not valid", issues)
    with ctx.db.write() as tx:
        thread = _deliver_first(tx, ctx, principal, _load(tx, principal, thread_id, lock=True))
        party = thread.party(principal.org_id)
        assert party is not None
        kind = MessageKind.REPLY
        if not party.is_sender:
            action = Action.ANSWER if answer else Action.ACKNOWLEDGE
            if _move(tx, ctx, thread, party, action) is PartyStatus.ANSWERED or answer:
                kind = MessageKind.ANSWER
        elif answer:
            raise PermissionDenied("only an addressee answers a request")
        _record(tx, ctx, principal, thread, kind, body, {"handling": handling_to_json(handling)},
                attachments, handling)
        return _load(tx, principal, thread_id)


def decline(ctx: Context, principal: Principal, thread_id: int, reason: str) -> Thread:
    """The addressee refuses the request, saying why."""
    require(principal, Permission.CHANNEL_SEND)
    if not reason.strip():
        raise InvalidInput("say why", [Issue("reason", "a declined request needs a reason")])
    with ctx.db.write() as tx:
        thread = _deliver_first(tx, ctx, principal, _load(tx, principal, thread_id, lock=True))
        party = _addressee(thread, principal)
        _move(tx, ctx, thread, party, Action.DECLINE, decline_reason=reason.strip())
        _record(tx, ctx, principal, thread, MessageKind.DECLINE, reason.strip(), {})
        return _load(tx, principal, thread_id)


def close(ctx: Context, principal: Principal, thread_id: int, note: str = "") -> Thread:
    """The sender closes the request for every addressee that has not declined it."""
    require(principal, Permission.CHANNEL_SEND)
    with ctx.db.write() as tx:
        thread = _load(tx, principal, thread_id, lock=True)
        if thread.sender_org_id != principal.org_id:
            raise PermissionDenied("only the sender closes a request")
        if thread.closed_at is not None:
            return thread
        for party in thread.parties:
            if not party.is_sender and party.status is not PartyStatus.DECLINED:
                _move(tx, ctx, thread, party, Action.CLOSE)
        tx.channel.close_thread(thread_id, ctx.now())
        escalation.stop_all(tx, ctx, thread)
        _record(tx, ctx, principal, thread, MessageKind.CLOSE, note.strip(), {})
        return _load(tx, principal, thread_id)


def extend_preservation(ctx: Context, principal: Principal, thread_id: int,
                        days: int) -> Thread:
    """Either side records a longer preservation period; reminders move with it."""
    require(principal, Permission.CHANNEL_SEND)
    if not 1 <= days <= MAX_PRESERVATION_DAYS:
        raise InvalidInput("bad extension", [Issue("days", f"1 to {MAX_PRESERVATION_DAYS}")])
    with ctx.db.write() as tx:
        thread = _load(tx, principal, thread_id, lock=True)
        held = [p for p in thread.parties if p.preserve_until is not None]
        if thread.request_type is not RequestType.PRESERVATION or not held \
                or thread.closed_at is not None:
            raise InvalidInput("nothing to extend", [Issue(
                "days", "only an acknowledged, open preservation request has a period")])
        party = held[0]
        assert party.preserve_until is not None
        until = party.preserve_until + timedelta(days=days)
        tx.channel.set_party(thread_id, party.org_id, preserve_until=until,
                             extensions=party.extensions + 1)
        escalation.schedule_preservation(tx, ctx, thread_id, party.org_id, until,
                                         party.extensions + 1)
        _record(tx, ctx, principal, thread, MessageKind.EXTEND, "",
                {"days": days, "until": until.isoformat()})
        return _load(tx, principal, thread_id)


def _record(tx: Tx, ctx: Context, principal: Principal, thread: Thread, kind: MessageKind,
            body: str, details: dict[str, Any], attachments: Sequence[AttachmentIn] = (),
            handling: Handling | None = None) -> None:
    """The signed message of an action, its audit event and the other parties' notice."""
    others = _others(thread, principal.org_id)
    message_id = post(tx, ctx, principal, thread.id, others, kind, body, details, attachments,
                      handling.tlp if handling else None)
    audit.record(tx, ctx, principal, AuditAction.REQUEST_STATUS, "thread", thread.id,
                 principal.org_id, {"kind": kind.value, "message": message_id,
                                    "attachments": len(attachments)})
    verb = {MessageKind.ACK: "acknowledged", MessageKind.ANSWER: "answered",
            MessageKind.DECLINE: "declined", MessageKind.CLOSE: "closed",
            MessageKind.EXTEND: "extended the preservation period of",
            MessageKind.REPLY: "replied on"}.get(kind, kind.value)
    tell(tx, ctx, thread, kind.value, others, f"msg:{message_id}",
         f"{principal.org_id} {verb} {label(thread)}")
