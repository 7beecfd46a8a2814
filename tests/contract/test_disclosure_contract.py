"""Disclosure after a hit: request, approve (grants with expiry) or decline, both sides see it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from worlds import World, build_world, case_doc

from cyberfusion.domain.hits import DisclosureStatus
from cyberfusion.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import audit, cases, disclosure, grants, hits, search
from cyberfusion.services.context import Context

IP = "185.220.101.4"


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def add(world: World, org: str, title: str, **handling: Any) -> int:
    draft = parse_case(case_doc(title=title, **handling), world.ctx.now().date(), 5)
    return cases.create_case(world.ctx, world.principals[org], draft).id


def hit_ref(world: World, org: str) -> str:
    [hit] = search.search_value(world.ctx, world.principals[org], IP).hits
    return hit.reference


def test_a_case_withdrawn_before_approval_is_not_disclosed(world: World) -> None:
    ctx = world.ctx
    kept = add(world, "fr-cyber", "kept", release=["country:FR"])
    gone = add(world, "fr-cyber", "withdrawn", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "same C2")
    cases.revoke_case(ctx, fr, gone, "sent in error")
    disclosure.approve(ctx, fr, made.id, "for the joint investigation")
    assert [c.case_id for c in disclosure.get_request(ctx, de, made.id).cases] == [kept]
    with pytest.raises(NotFound):
        cases.get_case(ctx, de, gone)
    with pytest.raises(Conflict):
        grants.grant_case(ctx, fr, gone, "de-cyber", "asked by phone")


def test_request_approve_then_the_searcher_reads_until_expiry(world: World) -> None:
    ctx = world.ctx
    first = add(world, "fr-cyber", "one", release=["country:FR"])
    second = add(world, "fr-cyber", "two", release=["country:FR"])
    ref = hit_ref(world, "de-cyber")
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, ref, "same wallet in our ransomware case")
    assert made.status is DisclosureStatus.REQUESTED and made.owner_org_id == "fr-cyber"
    before = disclosure.get_request(ctx, de, made.id)
    assert before.cases == [] and before.value == IP
    [notice] = [n for n in hits.inbox(ctx, fr) if n.request_id == made.id]
    assert notice.kind == "disclosure.requested"
    with pytest.raises(Conflict):
        disclosure.request_disclosure(ctx, de, ref, "again")
    done = disclosure.approve(ctx, fr, made.id, "for the joint investigation", days=10)
    assert done.status is DisclosureStatus.APPROVED and done.expires_at == ctx.now() + \
        timedelta(days=10)
    after = disclosure.get_request(ctx, de, made.id)
    assert [c.case_id for c in after.cases] == [first, second]
    assert [s.action for s in after.steps] == ["requested", "approved"]
    assert disclosure.get_request(ctx, fr, made.id).steps == after.steps
    assert cases.get_case(ctx, de, first).id == first
    assert any(n.kind == "disclosure.approved" for n in hits.inbox(ctx, de))
    later = ctx.now() + timedelta(days=11)
    ctx.clock = lambda: later
    with pytest.raises(NotFound):
        cases.get_case(ctx, de, first)


def test_decline_says_why_and_opens_nothing(world: World) -> None:
    ctx = world.ctx
    case_id = add(world, "fr-cyber", "one", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "need it")
    with pytest.raises(InvalidInput):
        disclosure.decline(ctx, fr, made.id, " ")
    done = disclosure.decline(ctx, fr, made.id, "source protection")
    assert done.status is DisclosureStatus.DECLINED
    assert done.decision_reason == "source protection"
    with pytest.raises(Conflict):
        disclosure.approve(ctx, fr, made.id, "changed my mind")
    with pytest.raises(NotFound):
        cases.get_case(ctx, de, case_id)
    assert any(n.kind == "disclosure.declined" for n in hits.inbox(ctx, de))
    again = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "new facts")
    assert again.status is DisclosureStatus.REQUESTED


def test_only_the_two_sides_see_a_request_and_only_the_owner_decides(world: World) -> None:
    ctx = world.ctx
    add(world, "fr-cyber", "one", release=["country:FR"])
    de = world.principals["de-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "need it")
    for outsider in ("br-cyber", "hub"):
        with pytest.raises(NotFound):
            disclosure.get_request(ctx, world.principals[outsider], made.id)
    with pytest.raises(NotFound):
        disclosure.approve(ctx, de, made.id, "self-service")
    with pytest.raises(NotFound):
        disclosure.request_disclosure(ctx, world.principals["br-cyber"], made.hit_ref, "mine?")


def test_excluded_organisations_are_never_granted(world: World) -> None:
    ctx = world.ctx
    add(world, "fr-cyber", "one", release=["country:FR"], exclude=["country:DE"])
    add(world, "fr-cyber", "two", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "need it")
    disclosure.approve(ctx, fr, made.id, "ok")
    view = disclosure.get_request(ctx, de, made.id)
    assert [c.title for c in view.cases] == ["two"]


def test_every_step_is_in_both_audit_trails(world: World) -> None:
    ctx = world.ctx
    add(world, "fr-cyber", "one", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "need it")
    disclosure.decline(ctx, fr, made.id, "no")
    for side in (de, fr):
        actions = {e.action for e in audit.org_trail(ctx, side)}
        assert {"disclosure.request", "disclosure.decline", "hit"} <= actions


def test_a_partner_never_learns_of_personal_data_and_gets_only_what_names_it(
        world: World) -> None:
    ctx = world.ctx
    personal = add(world, "fr-cyber", "personal", release=["country:FR"], personal_data=True)
    partner, fr = world.principals["acme-sec"], world.principals["fr-cyber"]
    answer = search.search_value(ctx, partner, IP)
    assert answer.hits == [] and answer.full == []
    plain = add(world, "fr-cyber", "plain", release=["country:FR"], partners=["acme-sec"],
                tlp="amber+strict")
    [hit] = search.search_value(ctx, partner, IP).hits
    made = disclosure.request_disclosure(ctx, partner, hit.reference, "need it")
    disclosure.approve(ctx, fr, made.id, "ok")
    assert [c.case_id for c in disclosure.get_request(ctx, partner, made.id).cases] == [plain]
    with pytest.raises(NotFound):
        cases.get_case(ctx, partner, personal)


def test_an_approval_that_can_grant_nothing_is_refused(world: World) -> None:
    ctx = world.ctx
    case_id = add(world, "fr-cyber", "one", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "need it")
    with ctx.db.write() as tx:
        case = tx.cases.get(case_id, with_occurrences=False)
        assert case is not None
        tx.handlings.replace(case.handling_id,
                             replace(case.handling, exclude=frozenset({"country:DE"})))
    with pytest.raises(PermissionDenied):
        disclosure.approve(ctx, fr, made.id, "ok")


def test_a_search_after_the_grant_ends_answers_hit_again(world: World) -> None:
    # The search statement is built once per organisation: the time must be a parameter
    # of each run, or a grant would outlive its expiry in the cached statement.
    ctx = world.ctx
    case_id = add(world, "fr-cyber", "one", release=["country:FR"])
    de, fr = world.principals["de-cyber"], world.principals["fr-cyber"]
    made = disclosure.request_disclosure(ctx, de, hit_ref(world, "de-cyber"), "same wallet")
    disclosure.approve(ctx, fr, made.id, "joint investigation", days=1)
    assert [m.case_id for m in search.search_value(ctx, de, IP).full] == [case_id]
    later = ctx.now() + timedelta(days=1, seconds=1)
    ctx.clock = lambda: later
    answer = search.search_value(ctx, de, IP)
    assert answer.full == [] and [h.owner_org_id for h in answer.hits] == ["fr-cyber"]
