"""Bulletin rules: field limits, personal data, CLEAR-only sources, the second hub user."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cyberfusion.domain.bulletins import (
    MAX_TITLE,
    Bulletin,
    BulletinStatus,
    BulletinText,
    Finding,
    SourceHandling,
    SourceKind,
    SourceRef,
    check_approve,
    check_edit,
    check_publish,
    check_text,
    check_withdraw,
    personal_issues,
    source_issues,
    text_issues,
)
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.observables import ObservableType
from cyberfusion.errors import Conflict, InvalidInput, PermissionDenied

AT = datetime(2026, 6, 1, tzinfo=UTC)
TEXT = BulletinText("LockBit hits clinics", "Phishing mails carry the loader.",
                    "Small clinics", "Patch VPNs; keep offline backups.")


def bulletin(status: BulletinStatus, author: int = 1) -> Bulletin:
    return Bulletin(7, TEXT, status, author, "hub", AT, AT)


def test_a_complete_text_has_no_issues() -> None:
    assert text_issues(TEXT) == []


def test_empty_and_long_fields_are_located() -> None:
    text = BulletinText("x" * (MAX_TITLE + 1), " ", "a", "b")
    issues = {i.location: i.message for i in text_issues(text)}
    assert set(issues) == {"title", "threat"}
    assert str(MAX_TITLE + 1) in issues["title"]


def test_a_source_cited_twice_is_located() -> None:
    ref = SourceRef(SourceKind.CASE, 3)
    text = BulletinText("t", "t", "a", "b", (ref, ref))
    assert [i.location for i in text_issues(text)] == ["sources[1]"]


def test_personal_findings_name_the_field_and_the_value() -> None:
    found = [Finding("actions", ObservableType.EMAIL, "boss@evil.example"),
             Finding("threat", ObservableType.DOMAIN, "evil.example")]
    issues = personal_issues(found)
    assert len(issues) == 1
    assert issues[0].location == "actions"
    assert "email" in issues[0].message and "boss@evil.example" in issues[0].message


@pytest.mark.parametrize(("tlp", "personal", "excludes", "word"), [
    (None, False, False, "may not read"), (TLP.GREEN, False, False, "TLP:GREEN"),
    (TLP.RED, False, False, "TLP:RED"), (TLP.CLEAR, True, False, "personal data"),
    (TLP.CLEAR, False, True, "excludes")])
def test_only_clear_sources_without_personal_data_or_exclusions(
        tlp: TLP | None, personal: bool, excludes: bool, word: str) -> None:
    ok = SourceHandling(SourceRef(SourceKind.ENTITY, 1), TLP.CLEAR)
    bad = SourceHandling(SourceRef(SourceKind.CASE, 2), tlp, personal, excludes)
    issues = source_issues([ok, bad])
    assert [i.location for i in issues] == ["sources[1]"]
    assert word in issues[0].message


def test_check_text_raises_every_issue_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_text(BulletinText("", "t", "a", "b"),
                   [Finding("affected", ObservableType.PHONE, "+33612345678")],
                   [SourceHandling(SourceRef(SourceKind.CASE, 2), TLP.AMBER)])
    assert [i.location for i in caught.value.issues] == ["title", "affected", "sources[0]"]


def test_the_author_never_approves_or_publishes() -> None:
    with pytest.raises(PermissionDenied):
        check_approve(bulletin(BulletinStatus.DRAFT, author=5), 5)
    with pytest.raises(PermissionDenied):
        check_publish(bulletin(BulletinStatus.APPROVED, author=5), 5)
    check_approve(bulletin(BulletinStatus.DRAFT, author=5), 6)
    check_publish(bulletin(BulletinStatus.APPROVED, author=5), 6)


def test_steps_follow_the_order() -> None:
    with pytest.raises(Conflict):
        check_approve(bulletin(BulletinStatus.PUBLISHED), 2)
    with pytest.raises(Conflict):
        check_publish(bulletin(BulletinStatus.DRAFT), 2)
    with pytest.raises(Conflict):
        check_withdraw(bulletin(BulletinStatus.APPROVED), "old")
    with pytest.raises(Conflict):
        check_edit(bulletin(BulletinStatus.PUBLISHED))
    with pytest.raises(InvalidInput):
        check_withdraw(bulletin(BulletinStatus.PUBLISHED), "  ")
    check_withdraw(bulletin(BulletinStatus.PUBLISHED), "superseded")
    check_edit(bulletin(BulletinStatus.APPROVED))
