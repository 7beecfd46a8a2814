"""Bulletins through the services, on SQLite and PostgreSQL: the workflow, the rules on text
and sources, what the public sees, and the audit trail."""

from __future__ import annotations

import pytest
from bulletin_support import case_ref, clear_case, entity_ref, family, second_hub_user, text
from worlds import build_world

from cyberfusion.domain.bulletins import BulletinStatus
from cyberfusion.domain.handling import TLP
from cyberfusion.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from cyberfusion.services import audit, bulletins, cases
from cyberfusion.services.context import Context


def test_draft_approve_publish_withdraw_by_two_hub_users(ctx: Context) -> None:
    w = build_world(ctx)
    author, second = w.principals["hub"], second_hub_user(ctx)
    lockbit = family(ctx)
    draft = bulletins.create_bulletin(ctx, author, text("LockBit", entity_ref(lockbit)))
    assert draft.status is BulletinStatus.DRAFT
    assert bulletins.published(ctx).total == 0
    with pytest.raises(NotFound):
        bulletins.published_one(ctx, draft.id)
    with pytest.raises(PermissionDenied):
        bulletins.approve_bulletin(ctx, author, draft.id)
    with pytest.raises(Conflict):
        bulletins.publish_bulletin(ctx, second, draft.id)
    approved = bulletins.approve_bulletin(ctx, second, draft.id)
    assert (approved.status, approved.approver_name) == (BulletinStatus.APPROVED, "hub.second")
    with pytest.raises(PermissionDenied):
        bulletins.publish_bulletin(ctx, author, draft.id)
    done = bulletins.publish_bulletin(ctx, second, draft.id)
    assert done.published_at == ctx.now()
    public = bulletins.published_one(ctx, draft.id)
    assert [(s.kind.value, s.title) for s in public.text.sources] == [("entity", "LockBit")]
    assert [b.id for b in bulletins.published(ctx).items] == [draft.id]
    with pytest.raises(Conflict):
        bulletins.update_bulletin(ctx, author, draft.id, text("changed"))
    bulletins.withdraw_bulletin(ctx, second, draft.id, "superseded")
    assert bulletins.published(ctx).total == 0
    assert bulletins.list_bulletins(ctx, author, BulletinStatus.WITHDRAWN).total == 1
    trail = [e.action for e in audit.org_trail(ctx, w.principals["hub"])]
    assert {"bulletin.create", "bulletin.approve", "bulletin.publish",
            "bulletin.withdraw"} <= set(trail)


def test_editing_an_approved_bulletin_needs_approval_again(ctx: Context) -> None:
    w = build_world(ctx)
    author, second = w.principals["hub"], second_hub_user(ctx)
    b = bulletins.create_bulletin(ctx, author, text())
    bulletins.approve_bulletin(ctx, second, b.id)
    changed = bulletins.update_bulletin(ctx, author, b.id, text("Second version"))
    assert (changed.status, changed.approver_user_id) == (BulletinStatus.DRAFT, None)
    with pytest.raises(Conflict):
        bulletins.publish_bulletin(ctx, second, b.id)


def test_only_hub_analysts_write_and_approve(ctx: Context) -> None:
    w = build_world(ctx)
    with pytest.raises(PermissionDenied):
        bulletins.create_bulletin(ctx, w.principals["fr-ncb"], text())
    with pytest.raises(PermissionDenied):
        bulletins.list_bulletins(ctx, w.principals["acme-sec"])


def test_personal_data_is_refused_with_the_field_and_the_value(ctx: Context) -> None:
    w = build_world(ctx)
    with pytest.raises(InvalidInput) as caught:
        bulletins.create_bulletin(ctx, w.principals["hub"], text(
            actions="Report to fraud.desk@example.org or call +33 6 12 34 56 78."))
    issues = [(i.location, i.message) for i in caught.value.issues]
    assert [loc for loc, _ in issues] == ["actions", "actions"]
    assert "fraud.desk@example.org" in issues[0][1] and "+33612345678" in issues[1][1]


def test_sources_must_be_clear_readable_and_without_personal_data(ctx: Context) -> None:
    w = build_world(ctx)
    hub = w.principals["hub"]
    amber, personal = clear_case(w, tlp="amber"), clear_case(w, personal_data=True)
    others = family(ctx, "Conti", tlp=TLP.RED, owner="fr-ncb")
    own_red = family(ctx, "Ryuk", tlp=TLP.RED)
    with pytest.raises(InvalidInput) as caught:
        bulletins.create_bulletin(ctx, hub, text("t", case_ref(amber), case_ref(personal),
                                                 entity_ref(others), case_ref(99999),
                                                 entity_ref(own_red)))
    found = {i.location: i.message for i in caught.value.issues}
    assert set(found) == {f"sources[{i}]" for i in range(5)}
    assert "TLP:AMBER" in found["sources[0]"] and "personal data" in found["sources[1]"]
    assert "TLP:RED" not in found["sources[2]"]  # the hub cannot read it: nothing is told
    assert "may not read" in found["sources[2]"] and "may not read" in found["sources[3]"]
    assert "TLP:RED" in found["sources[4]"]


def test_a_source_narrowed_after_publication_leaves_the_public_page(ctx: Context) -> None:
    w = build_world(ctx)
    author, second = w.principals["hub"], second_hub_user(ctx)
    case_id = clear_case(w)
    b = bulletins.create_bulletin(ctx, author, text("t", case_ref(case_id)))
    bulletins.approve_bulletin(ctx, second, b.id)
    bulletins.publish_bulletin(ctx, second, b.id)
    assert [s.id for s in bulletins.published_one(ctx, b.id).text.sources] == [case_id]
    cases.revoke_case(ctx, w.principals["fr-cyber"], case_id, "wrong")
    assert bulletins.published_one(ctx, b.id).text.sources == ()
