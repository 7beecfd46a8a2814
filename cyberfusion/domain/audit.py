"""Audit events and their hash chain: each event's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

GENESIS = "0" * 64


class AuditAction(StrEnum):
    """Everything the trail records."""

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    ORG_CREATE = "org.create"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    CASE_CREATE = "case.create"
    CASE_UPDATE = "case.update"
    CASE_REVOKE = "case.revoke"
    CASE_READ = "case.read"
    CASE_REVIEW = "case.review"
    CASE_PURGE = "case.purge"
    RETENTION_SWEEP = "retention.sweep"
    ENTITY_READ = "entity.read"
    ENTITY_EDIT = "entity.edit"
    ENTITY_LINK = "entity.link"
    ENTITY_UNLINK = "entity.unlink"
    ENTITY_MERGE = "entity.merge"
    INCIDENT_CREATE = "incident.create"
    INCIDENT_READ = "incident.read"
    INCIDENT_STEP = "incident.step"
    OPERATION_CREATE = "operation.create"
    OPERATION_READ = "operation.read"
    OPERATION_UPDATE = "operation.update"
    OPERATION_TASK = "operation.task"
    OPERATION_ACTION_DAY = "operation.action_day"
    OPERATION_RESULT = "operation.result"
    OPERATION_TAKEDOWN = "operation.takedown"
    OPERATION_PACKAGE = "operation.package"
    OPERATION_REPORT = "operation.report"
    INCIDENT_REPORT_READ = "incident.report"
    COMMUNITY_CREATE = "community.create"
    COMMUNITY_MEMBER = "community.member"
    COMMUNITY_POST = "community.post"
    COMMUNITY_MODERATE = "community.moderate"
    COMMUNITY_LIBRARY = "community.library"
    COMMUNITY_MEETING = "community.meeting"
    COMMUNITY_READ = "community.read"
    SEARCH = "search"
    HIT = "hit"
    EXPORT = "export"
    IMPORT_SUBMIT = "import.submit"
    IMPORT_FINISH = "import.finish"
    IMPORT_LAND = "import.land"
    OBJECT_DELETE = "object.delete"
    SOURCE_ADD = "source.add"
    SOURCE_REMOVE = "source.remove"
    SOURCE_RUN = "source.run"
    GRANT_CREATE = "grant.create"
    GRANT_REVOKE = "grant.revoke"
    AUDIT_READ = "audit.read"
    SEED = "demo.seed"
    MESSAGE_SEND = "channel.send"
    THREAD_READ = "channel.read"
    REQUEST_STATUS = "channel.status"
    ATTACHMENT_READ = "channel.attachment"
    ESCALATE = "channel.escalate"
    PRESERVATION_REMIND = "channel.preservation"
    DIRECTORY_UPDATE = "directory.update"
    BULLETIN_CREATE = "bulletin.create"
    BULLETIN_UPDATE = "bulletin.update"
    BULLETIN_APPROVE = "bulletin.approve"
    BULLETIN_PUBLISH = "bulletin.publish"
    BULLETIN_WITHDRAW = "bulletin.withdraw"
    REPORT_CREATE = "report.create"
    REPORT_APPROVE = "report.approve"
    REPORT_SEND = "report.send"
    REPORT_DELIVER = "report.deliver"
    REPORT_READ = "report.read"
    REPORT_EXPORT = "report.export"
    AGREEMENT_CREATE = "agreement.create"
    AGREEMENT_UPDATE = "agreement.update"
    AGREEMENT_END = "agreement.end"
    GATEWAY_TRANSFER = "gateway.transfer"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One recorded event; `seq`, `prev_hash` and `hash` are set when it is appended."""

    action: str
    at: datetime
    actor_user_id: int | None = None
    actor_org_id: str | None = None
    item_type: str = ""
    item_id: str = ""
    owner_org_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """Where and how the chain fails to verify."""

    seq: int
    problem: str


def canonical_detail(detail: dict[str, Any]) -> str:
    """The exact JSON text stored and hashed for `detail`."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(event: AuditEvent, seq: int, prev_hash: str, detail_json: str) -> str:
    """SHA-256 over the event's fields, its sequence number and the previous hash."""
    fields = [
        seq,
        event.at.isoformat(timespec="microseconds"),
        event.action,
        event.actor_user_id,
        event.actor_org_id,
        event.item_type,
        event.item_id,
        event.owner_org_id,
        detail_json,
        prev_hash,
    ]
    payload = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def find_break(
    stored: Iterable[tuple[AuditEvent, str]], head_seq: int, head_hash: str
) -> ChainBreak | None:
    """The first event that was changed, removed or reordered, or None if all verify.

    `stored` yields (event, stored detail JSON) in seq order; the head row says where the
    chain must end, which catches removal of the newest events.
    """
    expected_seq, prev = 1, GENESIS
    for event, detail_json in stored:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing or out of order")
        if event.prev_hash != prev:
            return ChainBreak(event.seq, "does not follow the event before it (removed or "
                              "reordered)")
        if event_hash(event, event.seq, prev, detail_json) != event.hash:
            return ChainBreak(event.seq, "content changed since it was recorded")
        expected_seq, prev = event.seq + 1, event.hash
    if expected_seq - 1 != head_seq or prev != head_hash:
        return ChainBreak(expected_seq, f"chain ends at {expected_seq - 1} but the head "
                          f"records {head_seq} (newest events removed)")
    return None
