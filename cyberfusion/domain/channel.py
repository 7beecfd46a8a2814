"""The secure channel: threads of messages and typed requests between organisations.

Pure rules, no I/O: who may read a thread (its sender and addressees, nobody else), which
fields each request type needs (Budapest Convention Art. 29 and 30), how a request moves
sent -> delivered -> acknowledged -> answered -> closed (or declined), the acknowledgement
deadline of each priority, the escalation ladder, and the exact bytes that are signed.
`store.channel_sql` holds the SQL form of `can_read_thread`; a property suite checks both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.safe_text import file_name_problem, media_type_problem
from cyberfusion.errors import InvalidInput, Issue


class Priority(StrEnum):
    """How fast the addressee must acknowledge: flash 15 min, urgent 2 h, routine 72 h."""

    FLASH = "flash"
    URGENT = "urgent"
    ROUTINE = "routine"


#: Default acknowledgement deadlines (settings `ack_<priority>_minutes` override them).
DEFAULT_ACK_MINUTES = {Priority.FLASH: 15, Priority.URGENT: 120, Priority.ROUTINE: 72 * 60}


class RequestType(StrEnum):
    """What a thread opens with."""

    MESSAGE = "message"
    INFORMATION = "information"
    PRESERVATION = "preservation"
    TRAFFIC_DATA = "traffic_data"
    DISCLOSURE = "disclosure"
    INCIDENT = "incident_assistance"
    PAYMENT_STOP = "payment_stop"

    @property
    def label(self) -> str:
        """How forms and lists name the type."""
        return REQUEST_LABELS[self]


REQUEST_LABELS = {
    RequestType.MESSAGE: "Message",
    RequestType.INFORMATION: "Information request",
    RequestType.PRESERVATION: "Expedited preservation request (Budapest Art. 29)",
    RequestType.TRAFFIC_DATA: "Expedited disclosure of traffic data (Budapest Art. 30)",
    RequestType.DISCLOSURE: "Disclosure request after a hit",
    RequestType.INCIDENT: "Assistance during an incident",
    RequestType.PAYMENT_STOP: "Payment stop (freeze a wallet or a transfer)",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One structured field of a request form."""

    name: str
    label: str
    required: bool = True


#: The structured fields of each request type, in form order.
REQUEST_FIELDS: dict[RequestType, tuple[FieldSpec, ...]] = {
    RequestType.MESSAGE: (),
    RequestType.INFORMATION: (
        FieldSpec("question", "What do you need to know"),
        FieldSpec("reference", "Your case or file reference", required=False),
    ),
    RequestType.PRESERVATION: (
        FieldSpec("authority", "(a) Authority seeking the preservation"),
        FieldSpec("offence", "(b) Offence under investigation"),
        FieldSpec("facts", "(b) Brief summary of the facts"),
        FieldSpec("data", "(c) Stored computer data to be preserved"),
        FieldSpec("link", "(c) Relationship of the data to the offence"),
        FieldSpec("location", "(d) Custodian of the data or location of the system"),
        FieldSpec("necessity", "(e) Why preservation is necessary"),
        FieldSpec("mutual_assistance", "(f) The mutual-assistance request that will follow"),
    ),
    RequestType.TRAFFIC_DATA: (
        FieldSpec("authority", "Authority seeking the disclosure"),
        FieldSpec("offence", "Offence under investigation"),
        FieldSpec("data", "Communication whose path is sought (time, addresses, provider)"),
        FieldSpec("preservation_ref", "Related preservation request (thread number)",
                  required=False),
    ),
    RequestType.DISCLOSURE: (
        FieldSpec("reference", "Hit reference or case number"),
        FieldSpec("justification", "Why your investigation needs the data"),
    ),
    RequestType.INCIDENT: (
        FieldSpec("incident", "What is happening (victim, sector, since when)"),
        FieldSpec("assistance", "What help is needed"),
    ),
    RequestType.PAYMENT_STOP: (
        FieldSpec("target", "Wallet address, or the transfer to stop (account, bank, reference)"),
        FieldSpec("amount", "Amount and currency", required=False),
        FieldSpec("deadline", "Freeze needed by (UTC, e.g. 2026-05-20T18:00Z)"),
        FieldSpec("grounds", "The offence and why the funds are linked to it"),
        FieldSpec("incident", "Incident number", required=False),
    ),
}

#: Art. 29(7): preservation lasts at least sixty days; the default period asked for.
MIN_PRESERVATION_DAYS = 60
MAX_PRESERVATION_DAYS = 365
MAX_ADDRESSEES = 10
MAX_FIELD_CHARS = 4000
MAX_BODY_CHARS = 100_000
MAX_SUBJECT_CHARS = 300


class PartyStatus(StrEnum):
    """Where a request stands for one addressee (the sender's row says `sender`)."""

    SENDER = "sender"
    SENT = "sent"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"


_RANK = {PartyStatus.SENT: 0, PartyStatus.DELIVERED: 1, PartyStatus.ACKNOWLEDGED: 2,
         PartyStatus.ANSWERED: 3, PartyStatus.CLOSED: 4, PartyStatus.DECLINED: 4}
#: Statuses after which no escalation or reminder applies.
SETTLED = frozenset({PartyStatus.ACKNOWLEDGED, PartyStatus.ANSWERED, PartyStatus.CLOSED,
                     PartyStatus.DECLINED})


class MessageKind(StrEnum):
    """What a message in a thread does."""

    REQUEST = "request"
    REPLY = "reply"
    ANSWER = "answer"
    ACK = "ack"
    DECLINE = "decline"
    CLOSE = "close"
    EXTEND = "extend"


class Action(StrEnum):
    """Status changes a party can make."""

    DELIVER = "deliver"
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    DECLINE = "decline"
    CLOSE = "close"


def next_status(current: PartyStatus, action: Action) -> PartyStatus | None:
    """The addressee's status after `action`, or None if nothing changes.

    Raises InvalidInput for a change the state machine forbids (acknowledging a closed
    request, declining an answered one …).
    """
    if current is PartyStatus.SENDER:
        raise InvalidInput("the sender has no request status", [Issue("status", current)])
    target = {Action.DELIVER: PartyStatus.DELIVERED, Action.ACKNOWLEDGE: PartyStatus.ACKNOWLEDGED,
              Action.ANSWER: PartyStatus.ANSWERED, Action.DECLINE: PartyStatus.DECLINED,
              Action.CLOSE: PartyStatus.CLOSED}[action]
    if current in (PartyStatus.CLOSED, PartyStatus.DECLINED):
        if action is Action.DELIVER or current is target:
            return None
        raise InvalidInput(f"the request is {current.value}",
                           [Issue("status", f"cannot {action.value} a {current.value} request")])
    if action is Action.DECLINE and current is PartyStatus.ANSWERED:
        raise InvalidInput("the request was answered",
                           [Issue("status", "an answered request cannot be declined")])
    if action in (Action.DECLINE, Action.CLOSE):
        return target
    return target if _RANK[target] > _RANK[current] else None


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """What the access rule needs of a thread: its sender and its addressees."""

    id: int
    sender_org_id: str
    addressees: frozenset[str]

    @property
    def parties(self) -> frozenset[str]:
        """Everyone who takes part: the sender and the addressees."""
        return self.addressees | {self.sender_org_id}


def can_read_thread(org_id: str, thread: ThreadRef) -> bool:
    """A thread is readable by its sender and its addressees only: never the hub unless named."""
    return org_id == thread.sender_org_id or org_id in thread.addressees


@dataclass(frozen=True, slots=True)
class AttachmentIn:
    """An attachment as given by the sender: stored byte for byte."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Draft:
    """A new thread: addressees, type, priority, handling, text, fields and attachments."""

    to: tuple[str, ...]
    request_type: RequestType
    priority: Priority
    subject: str
    body: str
    handling: Handling
    fields: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[AttachmentIn, ...] = ()
    preservation_days: int | None = None


def attachment_name_issues(attachments: Iterable[AttachmentIn]) -> list[Issue]:
    """File names and media types a download could not send back in its headers, located."""
    issues = []
    for i, attachment in enumerate(attachments):
        name_problem = file_name_problem(attachment.filename)
        if name_problem:
            issues.append(Issue(f"attachments[{i}].filename", name_problem))
        media_problem = media_type_problem(attachment.media_type)
        if media_problem:
            issues.append(Issue(f"attachments[{i}].media_type", media_problem))
    return issues


def draft_issues(draft: Draft, sender_org_id: str) -> list[Issue]:
    """Every problem of a draft, located: missing Art. 29 fields are named one by one."""
    issues: list[Issue] = []
    if not draft.to:
        issues.append(Issue("to", "name at least one addressee organisation"))
    if len(draft.to) > MAX_ADDRESSEES:
        issues.append(Issue("to", f"at most {MAX_ADDRESSEES} addressees"))
    if sender_org_id in draft.to:
        issues.append(Issue("to", "you cannot address your own organisation"))
    if len(set(draft.to)) != len(draft.to):
        issues.append(Issue("to", "an addressee is named twice"))
    if draft.request_type in (RequestType.PRESERVATION, RequestType.TRAFFIC_DATA) \
            and len(draft.to) > 1:
        issues.append(Issue("to", "a Budapest Convention request goes to one Party only"))
    if not draft.subject.strip():
        issues.append(Issue("subject", "must not be empty"))
    if len(draft.subject) > MAX_SUBJECT_CHARS:
        issues.append(Issue("subject", f"at most {MAX_SUBJECT_CHARS} characters"))
    if len(draft.body) > MAX_BODY_CHARS:
        issues.append(Issue("body", f"at most {MAX_BODY_CHARS} characters"))
    if draft.request_type is RequestType.MESSAGE and not draft.body.strip():
        issues.append(Issue("body", "a message needs a text"))
    issues += field_issues(draft.request_type, draft.fields)
    issues += _preservation_issues(draft)
    issues += _handling_issues(draft.handling, draft.to)
    if draft.request_type is RequestType.PAYMENT_STOP and draft.fields.get("deadline"):
        problem = deadline_problem(draft.fields["deadline"])
        issues += [Issue("fields.deadline", problem)] if problem else []
    return issues


def parse_deadline(text: str) -> datetime | None:
    """A payment-stop deadline (ISO 8601, UTC when no zone is given), or None."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def deadline_problem(text: str) -> str | None:
    """Why a payment-stop deadline cannot be read, or None."""
    if parse_deadline(text) is None:
        return f"{text!r} is not a time such as 2026-05-20T18:00Z"
    return None


def field_issues(request_type: RequestType, fields: Mapping[str, str]) -> list[Issue]:
    """Missing required fields and unknown ones, each named (`fields.authority`)."""
    specs = {s.name: s for s in REQUEST_FIELDS[request_type]}
    issues = [Issue(f"fields.{s.name}", f"{s.label}: required in a {request_type.value} "
                    "request")
              for s in specs.values() if s.required and not fields.get(s.name, "").strip()]
    for name in sorted(set(fields) - set(specs)):
        issues.append(Issue(f"fields.{name}", f"not a field of a {request_type.value} request"))
    issues += [Issue(f"fields.{n}", f"at most {MAX_FIELD_CHARS} characters")
               for n, v in sorted(fields.items()) if len(v) > MAX_FIELD_CHARS]
    return issues


def _preservation_issues(draft: Draft) -> list[Issue]:
    days = draft.preservation_days
    if draft.request_type is not RequestType.PRESERVATION:
        return [] if days is None else [Issue("preservation_days",
                                              "only a preservation request has a period")]
    if days is not None and not MIN_PRESERVATION_DAYS <= days <= MAX_PRESERVATION_DAYS:
        return [Issue("preservation_days", f"between {MIN_PRESERVATION_DAYS} (Art. 29(7)) "
                      f"and {MAX_PRESERVATION_DAYS} days")]
    return []


def _handling_issues(handling: Handling, to: Iterable[str]) -> list[Issue]:
    """A message's handling may narrow onward use but never names readers beyond `to`."""
    named = {t.removeprefix("org:") for t in handling.exclude if t.startswith("org:")}
    return [Issue("handling.exclude", f"{org!r} is an addressee; do not address it instead")
            for org in sorted(named & set(to))]


def message_handling(handling: Handling, parties: Iterable[str]) -> Handling:
    """The stored handling: `release` is exactly the parties, whatever was asked."""
    return Handling(
        tlp=handling.tlp, release=frozenset(f"org:{p}" for p in parties),
        review_by=handling.review_by, exclude=handling.exclude, partners=frozenset(),
        hit_policy=handling.hit_policy, purpose=handling.purpose,
        reliability=handling.reliability, credibility=handling.credibility,
        personal_data=handling.personal_data,
    )


def ack_due(sent_at: datetime, priority: Priority, minutes: Mapping[Priority, int]) -> datetime:
    """When the addressee must have acknowledged."""
    return sent_at + timedelta(minutes=minutes[priority])


class EscalationLevel(StrEnum):
    """The escalation ladder: duty officer, then the backup, then the hub's 24/7 desk."""

    DUTY_OFFICER = "duty_officer"
    BACKUP = "backup"
    HUB = "hub"


LADDER = (EscalationLevel.DUTY_OFFICER, EscalationLevel.BACKUP, EscalationLevel.HUB)


def escalation_times(sent_at: datetime, priority: Priority,
                     minutes: Mapping[Priority, int]) -> list[tuple[int, datetime]]:
    """(step, due) of each rung: step n falls n acknowledgement deadlines after sending."""
    gap = timedelta(minutes=minutes[priority])
    return [(n, sent_at + n * gap) for n in range(1, len(LADDER) + 1)]


@dataclass(frozen=True, slots=True)
class AttachmentDigest:
    """What a signature covers of an attachment: its name, type, size and SHA-256."""

    filename: str
    media_type: str
    size: int
    sha256: str


def signed_document(
    message_id: int, thread_id: int, from_org_id: str, to: Iterable[str], kind: MessageKind,
    sent_at: datetime, body: str, details: Mapping[str, Any],
    attachments: Iterable[AttachmentDigest],
) -> bytes:
    """The canonical JSON bytes signed for a message (sorted keys, no spaces, UTF-8)."""
    doc = {
        "v": 1, "message": message_id, "thread": thread_id, "from": from_org_id,
        "to": sorted(to), "kind": kind.value,
        "sent_at": sent_at.astimezone(UTC).isoformat(timespec="microseconds"), "body": body,
        "details": dict(details),
        "attachments": sorted(
            ({"filename": a.filename, "media_type": a.media_type, "size": a.size,
              "sha256": a.sha256} for a in attachments), key=lambda a: (a["sha256"],
                                                                       a["filename"])),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class Party:
    """One organisation in a thread and, for an addressee, where the request stands."""

    org_id: str
    status: PartyStatus
    ack_due_at: datetime | None = None
    delivered_at: datetime | None = None
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    decline_reason: str = ""
    preserve_until: datetime | None = None
    extensions: int = 0

    @property
    def is_sender(self) -> bool:
        """True for the organisation that opened the thread."""
        return self.status is PartyStatus.SENDER


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation: the opening request's type and priority, and every party's status."""

    id: int
    sender_org_id: str
    request_type: RequestType
    priority: Priority
    subject: str
    tlp: TLP
    created_at: datetime
    updated_at: datetime
    parties: tuple[Party, ...]
    preservation_days: int | None = None
    closed_at: datetime | None = None

    @property
    def ref(self) -> ThreadRef:
        """The access view of the thread."""
        return ThreadRef(self.id, self.sender_org_id, frozenset(self.addressees))

    @property
    def addressees(self) -> tuple[str, ...]:
        """Addressee organisation ids, sorted."""
        return tuple(sorted(p.org_id for p in self.parties if not p.is_sender))

    def party(self, org_id: str) -> Party | None:
        """The party row of `org_id`, if it takes part."""
        return next((p for p in self.parties if p.org_id == org_id), None)

    def overall(self) -> PartyStatus:
        """The least advanced addressee status (what the sender waits for)."""
        rows = [p.status for p in self.parties if not p.is_sender]
        return min(rows, key=lambda s: _RANK[s]) if rows else PartyStatus.SENT


@dataclass(frozen=True, slots=True)
class AttachmentMeta:
    """An attachment without its bytes."""

    id: int
    message_id: int
    filename: str
    media_type: str
    size: int
    sha256: str

    @property
    def digest(self) -> AttachmentDigest:
        """What the message signature covers of it."""
        return AttachmentDigest(self.filename, self.media_type, self.size, self.sha256)


@dataclass(frozen=True, slots=True)
class Message:
    """One signed message of a thread."""

    id: int
    thread_id: int
    from_org_id: str
    from_user_id: int | None
    kind: MessageKind
    body: str
    details: Mapping[str, Any]
    created_at: datetime
    key_id: str
    signature: str
    attachments: tuple[AttachmentMeta, ...] = ()


#: What a step shows instead of the people it reached when the reader may not read the
#: directory they come from (`domain.duty.can_read_contacts`).
WITHHELD_TARGETS = "contacts withheld: this organisation's directory is not open to partners"


@dataclass(frozen=True, slots=True)
class Escalation:
    """One escalation step taken for an addressee that did not acknowledge in time."""

    thread_id: int
    org_id: str
    step: int
    level: EscalationLevel
    at: datetime
    targets: tuple[str, ...]


#: Inbox boxes: threads addressed to the viewer, sent by it, or both.
BOXES = ("in", "out", "all")


@dataclass(frozen=True, slots=True)
class ThreadFilter:
    """Which threads an inbox page asks for; every field optional (the store makes it SQL)."""

    box: str = "all"
    status: str = ""
    priority: str = ""
    request_type: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    """One in-app notification."""

    id: int
    org_id: str
    user_id: int | None
    thread_id: int | None
    kind: str
    priority: str
    title: str
    created_at: datetime
    read_at: datetime | None
