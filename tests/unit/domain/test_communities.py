"""Community rules: membership gates decide(), moderators, input limits, the signed post
document (the channel's, addressed to the community)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from cyberfusion.domain.access import Access, GovernedItem
from cyberfusion.domain.communities import (
    MAX_DOCUMENT_BYTES,
    LibraryKind,
    Member,
    MemberRole,
    can_moderate,
    community_access,
    community_issues,
    last_removal_issue,
    library_issues,
    member_issue,
    post_document,
)
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import Organisation, OrgKind, Region

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
UNIT = Organisation("fr-cyber", "FR unit", OrgKind.UNIT, "FR", Region.EUROPE)
PARTNER = Organisation("acme", "Acme", OrgKind.PARTNER)


def item(partners: frozenset[str] = frozenset(), tlp: TLP = TLP.AMBER) -> GovernedItem:
    return GovernedItem(1, "hub", Handling(tlp, frozenset({"members"}), date(2030, 1, 1),
                                           partners=partners))


def test_non_members_get_nothing_even_where_decide_would_give_full() -> None:
    assert community_access(None, UNIT, item(), NOW) is Access.NONE
    assert community_access(MemberRole.MEMBER, UNIT, item(), NOW) is Access.FULL


def test_partner_members_read_only_what_names_them() -> None:
    assert community_access(MemberRole.MODERATOR, PARTNER, item(), NOW) is Access.NONE
    named = item(frozenset({"acme"}))
    assert community_access(MemberRole.MEMBER, PARTNER, named, NOW) is Access.FULL


def test_members_outside_release_get_no_hit_answer() -> None:
    strict = item(tlp=TLP.RED)
    assert community_access(MemberRole.MEMBER, UNIT, strict, NOW) is Access.NONE


def test_only_moderators_moderate_and_the_last_one_stays() -> None:
    assert can_moderate(MemberRole.MODERATOR) and not can_moderate(MemberRole.MEMBER)
    assert not can_moderate(None)
    members = [Member("hub", MemberRole.MODERATOR, NOW), Member("fr", MemberRole.MEMBER, NOW)]
    issue = last_removal_issue(members, "hub")
    assert issue is not None and issue.location == "org_id"
    assert last_removal_issue(members, "fr") is None
    two = [*members, Member("de", MemberRole.MODERATOR, NOW)]
    assert last_removal_issue(two, "hub") is None


def test_input_problems_are_located() -> None:
    assert [i.location for i in community_issues("Bad Slug!", "")] == ["slug", "name"]
    assert community_issues("ransomware-forum", "Ransomware forum") == []
    assert [i.location for i in member_issue("BAD ID", "owner")] == ["org_id", "role"]
    assert [i.location for i in library_issues(LibraryKind.REPORT, "R", "x", 0)] == ["ref"]
    assert library_issues(LibraryKind.REPORT, "R", "12", 0) == []
    assert [i.location for i in library_issues(LibraryKind.DOCUMENT, "D", "", 0)] == [
        "document"]
    too_big = library_issues(LibraryKind.DOCUMENT, "D", "", MAX_DOCUMENT_BYTES + 1)
    assert [i.location for i in too_big] == ["document"]
    assert [i.location for i in library_issues(LibraryKind.PLAYBOOK, "", "", 0)] == [
        "title", "ref"]


def test_a_post_is_signed_as_a_channel_document_addressed_to_its_community() -> None:
    signed = json.loads(post_document(7, 3, 2, "fr-cyber", NOW, "hello"))
    assert signed["to"] == ["community:2"] and signed["details"] == {"community": 2}
    assert (signed["message"], signed["thread"], signed["from"], signed["body"]) == (
        7, 3, "fr-cyber", "hello")
    assert post_document(7, 3, 2, "fr-cyber", NOW, "hello") != post_document(
        7, 3, 9, "fr-cyber", NOW, "hello")
