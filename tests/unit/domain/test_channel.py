"""The channel's pure rules: access, request fields, the status machine, deadlines, signing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cyberfusion.domain.channel import (
    DEFAULT_ACK_MINUTES,
    REQUEST_FIELDS,
    Action,
    AttachmentDigest,
    Draft,
    MessageKind,
    PartyStatus,
    Priority,
    RequestType,
    ThreadRef,
    can_read_thread,
    draft_issues,
    escalation_times,
    message_handling,
    next_status,
    signed_document,
)
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.errors import InvalidInput

H = Handling(tlp=TLP.AMBER, release=frozenset(), review_by=date(2030, 1, 1))
ART29 = {"authority": "OFAC", "offence": "extortion", "facts": "ransomware on a hospital",
         "data": "mailbox x@example.net", "link": "used to negotiate the ransom",
         "location": "Example Mail Ltd", "necessity": "deleted after 30 days",
         "mutual_assistance": "an MLA request follows within 60 days"}


def draft(**kw: object) -> Draft:
    base: dict[str, object] = {"to": ("de-cyber",), "request_type": RequestType.PRESERVATION,
                               "priority": Priority.FLASH, "subject": "Preserve", "body": "",
                               "handling": H, "fields": dict(ART29)}
    return Draft(**{**base, **kw})  # type: ignore[arg-type]


def test_only_sender_and_addressees_read_a_thread() -> None:
    ref = ThreadRef(1, "fr-cyber", frozenset({"de-cyber"}))
    assert can_read_thread("fr-cyber", ref) and can_read_thread("de-cyber", ref)
    assert not can_read_thread("hub", ref) and not can_read_thread("fr-ncb", ref)


@pytest.mark.parametrize("missing", [s.name for s in REQUEST_FIELDS[RequestType.PRESERVATION]])
def test_a_preservation_request_names_each_missing_art29_field(missing: str) -> None:
    fields = {k: v for k, v in ART29.items() if k != missing}
    issues = draft_issues(draft(fields=fields), "fr-cyber")
    assert [i.location for i in issues] == [f"fields.{missing}"]


def test_draft_rules() -> None:
    assert draft_issues(draft(), "fr-cyber") == []
    where = {i.location for i in draft_issues(draft(to=("fr-cyber", "de-cyber"),
                                                    subject=" "), "fr-cyber")}
    assert where == {"to", "subject"}
    assert {i.location for i in draft_issues(draft(preservation_days=30), "x")} == \
        {"preservation_days"}
    message = draft(request_type=RequestType.MESSAGE, fields={"authority": "x"})
    assert {i.location for i in draft_issues(message, "x")} == {"body", "fields.authority"}


def test_message_handling_releases_to_the_parties_only() -> None:
    wide = Handling(tlp=TLP.GREEN, release=frozenset({"members"}), review_by=date(2030, 1, 1),
                    partners=frozenset({"acme"}))
    stored = message_handling(wide, ["fr-cyber", "de-cyber"])
    assert stored.release == {"org:fr-cyber", "org:de-cyber"} and not stored.partners


@pytest.mark.parametrize(("start", "action", "end"), [
    (PartyStatus.SENT, Action.DELIVER, PartyStatus.DELIVERED),
    (PartyStatus.SENT, Action.ACKNOWLEDGE, PartyStatus.ACKNOWLEDGED),
    (PartyStatus.DELIVERED, Action.ANSWER, PartyStatus.ANSWERED),
    (PartyStatus.ACKNOWLEDGED, Action.DECLINE, PartyStatus.DECLINED),
    (PartyStatus.ANSWERED, Action.CLOSE, PartyStatus.CLOSED),
    (PartyStatus.ACKNOWLEDGED, Action.DELIVER, None),
    (PartyStatus.ANSWERED, Action.ACKNOWLEDGE, None),
    (PartyStatus.CLOSED, Action.DELIVER, None),
])
def test_status_machine(start: PartyStatus, action: Action, end: PartyStatus | None) -> None:
    assert next_status(start, action) is end


@pytest.mark.parametrize(("start", "action"), [
    (PartyStatus.CLOSED, Action.ACKNOWLEDGE), (PartyStatus.DECLINED, Action.ANSWER),
    (PartyStatus.ANSWERED, Action.DECLINE), (PartyStatus.SENDER, Action.ACKNOWLEDGE)])
def test_forbidden_moves(start: PartyStatus, action: Action) -> None:
    with pytest.raises(InvalidInput):
        next_status(start, action)


def test_escalation_steps_fall_one_deadline_apart() -> None:
    sent = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    steps = escalation_times(sent, Priority.FLASH, DEFAULT_ACK_MINUTES)
    assert steps == [(n, sent + timedelta(minutes=15 * n)) for n in (1, 2, 3)]
    assert DEFAULT_ACK_MINUTES == {Priority.FLASH: 15, Priority.URGENT: 120,
                                   Priority.ROUTINE: 72 * 60}


def test_signed_document_is_canonical_and_covers_attachments() -> None:
    at = datetime(2026, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    a = AttachmentDigest("a.txt", "text/plain", 5, "aa")
    b = AttachmentDigest("b.txt", "text/plain", 5, "bb")
    one = signed_document(1, 2, "fr", ["z", "de"], MessageKind.REQUEST, at, "hé", {"k": 1},
                          [a, b])
    same = signed_document(1, 2, "fr", ["de", "z"], MessageKind.REQUEST,
                           at.astimezone(UTC), "hé", {"k": 1}, [b, a])
    assert one == same and "hé".encode() in one
    other = signed_document(1, 2, "fr", ["de", "z"], MessageKind.REQUEST, at, "hé", {"k": 1},
                            [a, AttachmentDigest("b.txt", "text/plain", 5, "cc")])
    assert other != one
