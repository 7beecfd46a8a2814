"""Seeding a demo world into a fresh SQLite database (seeded once for the module)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from cyberfusion.config import Settings
from cyberfusion.demo import DEMO_PASSWORD, World, generate_world
from cyberfusion.demo.networks import RANSOMWARE_FAMILY
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.handling import TLP
from cyberfusion.errors import Conflict
from cyberfusion.services import audit, auth, bulletins, communities, knowledge
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import BATCH, SeedReport, seed_demo
from cyberfusion.store import schema
from cyberfusion.store.tables import (
    AuditRow,
    CaseRow,
    HandlingRow,
    OccurrenceRow,
    OrgRow,
    UserRow,
)

CASES = 300


@dataclass
class Seeded:
    """A seeded database: its context, the world, the report and the progress calls."""

    ctx: Context
    world: World
    report: SeedReport
    calls: list[tuple[int, int]]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A small demo world (full-size planted networks) seeded into a fresh SQLite file."""
    ctx = build_context(Settings(data_dir=tmp_path_factory.mktemp("seed")), fast_hashing=True)
    schema.upgrade(ctx.db)
    world = generate_world(cases=CASES, today=ctx.now().date())
    calls: list[tuple[int, int]] = []
    report = seed_demo(ctx, world, progress=lambda done, total: calls.append((done, total)))
    yield Seeded(ctx, world, report, calls)
    ctx.db.dispose()


def _count(ctx: Context, column: Any) -> int:
    with ctx.db.read() as tx:
        return int(tx.session.scalar(select(func.count(column))) or 0)


def test_seed_loads_the_whole_world(seeded: Seeded) -> None:
    ctx, world, report = seeded.ctx, seeded.world, seeded.report
    occurrences = sum(len(case.draft.occurrences) for case in world.cases)
    assert (report.orgs, report.users, report.cases) == (len(world.orgs), len(world.users), CASES)
    assert report.occurrences == occurrences
    assert _count(ctx, OrgRow.id) == len(world.orgs)
    assert _count(ctx, UserRow.id) == len(world.users)
    assert _count(ctx, CaseRow.id) == CASES
    # one for the CLEAR reference data, and one per community thread, library entry and
    # meeting (two communities of two threads, two entries and one meeting each)
    assert _count(ctx, HandlingRow.id) == CASES + 1 + 2 * 5
    assert _count(ctx, OccurrenceRow.id) == occurrences
    assert seeded.calls[0] == (0, CASES) and seeded.calls[-1] == (CASES, CASES)


def test_one_audit_event_per_batch(seeded: Seeded) -> None:
    batches = -(-CASES // BATCH)
    with seeded.ctx.db.read() as tx:
        actions = list(tx.session.scalars(select(AuditRow.action)))
    # world, batches, knowledge; then the demo bulletin's three steps; then the communities
    head = [AuditAction.SEED.value] * (2 + batches) + [
        AuditAction.BULLETIN_CREATE.value, AuditAction.BULLETIN_APPROVE.value,
        AuditAction.BULLETIN_PUBLISH.value]
    assert actions[:len(head)] == head
    assert {a.split(".")[0] for a in actions[len(head):]} == {"community"}
    assert audit.verify(seeded.ctx) == (len(actions), None)


def test_the_demo_seeds_two_communities_partners_see_only_what_names_them(
        seeded: Seeded) -> None:
    ctx = seeded.ctx
    with ctx.db.read() as tx:
        hub, partner, outsider = (auth.principal_for(tx, tx.users.by_username(name))
                                  for name in ("hub.analyst", "bluelantern.analyst",
                                               "br.analyst"))
    mine = {m.community.slug: m for m in communities.my_communities(ctx, hub)}
    assert set(mine) == {"expert-group", "ransomware-forum"}
    assert mine["ransomware-forum"].counts == {"threads": 2, "library": 2, "meetings": 1}
    forum = communities.get_community(ctx, partner, mine["ransomware-forum"].community.id)
    assert [t.title for t in forum.threads] == ["Decryptors available this month"]
    assert [m.community.slug for m in communities.my_communities(ctx, outsider)] == [
        "expert-group"]


def test_the_demo_publishes_a_bulletin_on_the_planted_family(seeded: Seeded) -> None:
    page = bulletins.published(seeded.ctx)
    assert page.total == 1
    shown = page.items[0]
    assert RANSOMWARE_FAMILY in shown.text.title
    assert [s.title for s in shown.text.sources] == [RANSOMWARE_FAMILY]
    assert (shown.author_name, shown.approver_name) == ("hub.analyst", "hub.admin")


def test_cases_round_trip_with_dates_and_authors(seeded: Seeded) -> None:
    ctx, world = seeded.ctx, seeded.world
    positions = world.truth["ransomware-affiliates"]
    with ctx.db.read() as tx:
        for position, case_id in zip(positions, seeded.report.truth["ransomware-affiliates"],
                                     strict=True):
            stored, demo = tx.cases.get(case_id), world.cases[position]
            assert stored is not None
            assert stored.owner_org_id == demo.owner_org_id
            assert (stored.title, stored.handling) == (demo.draft.title, demo.draft.handling)
            assert {o.key for o in stored.occurrences} == {o.key for o in demo.draft.occurrences}
            assert stored.created_at is not None and stored.created_by is not None
            assert stored.created_at <= ctx.now()
            age = (world.today - stored.created_at.date()).days
            assert demo.created_offset_days <= age <= demo.created_offset_days + 1


def test_truth_file_lists_database_ids(seeded: Seeded) -> None:
    ctx, world, report = seeded.ctx, seeded.world, seeded.report
    assert report.truth_path == ctx.settings.data_dir / "demo-truth.json"
    assert json.loads(report.truth_path.read_text()) == report.truth
    with ctx.db.read() as tx:
        for name, positions in world.truth.items():
            assert len(report.truth[name]) == len(positions)
            for case_id, position in zip(report.truth[name], positions, strict=True):
                stored = tx.cases.get(case_id, with_occurrences=False)
                assert stored is not None
                assert stored.title == world.cases[position].draft.title


def test_demo_users_log_in_with_the_shared_password(seeded: Seeded) -> None:
    with seeded.ctx.db.read() as tx:
        credentials = tx.users.credentials("fr.analyst")
    assert credentials is not None
    assert seeded.ctx.hasher.verify(credentials.password_hash, DEMO_PASSWORD)


def test_seeding_twice_is_a_conflict(seeded: Seeded) -> None:
    with pytest.raises(Conflict):
        seed_demo(seeded.ctx, seeded.world)
    assert _count(seeded.ctx, CaseRow.id) == CASES
    assert _count(seeded.ctx, OrgRow.id) == len(seeded.world.orgs)


def test_the_ransomware_network_is_linked_to_its_family(seeded: Seeded) -> None:
    ctx, report = seeded.ctx, seeded.report
    planted = report.truth["ransomware-affiliates"]
    with ctx.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
        assert user is not None
        hub = auth.principal_for(tx, user)
    [family] = [e for e in knowledge.find_entities(ctx, hub, "ABCD ransomware")
                if e.name == "LockBit"]
    assert family.tlp is TLP.CLEAR and family.is_family
    with ctx.db.read() as tx:  # the owner's analyst reads its own case and the link
        case = tx.cases.get(planted[0])
        assert case is not None
        analyst = next(u for u in tx.users.all(case.owner_org_id) if u.username.endswith(
            ".analyst"))
        owner = auth.principal_for(tx, analyst)
    assert [e.name for e in knowledge.case_entities(ctx, owner, planted[0])] == ["LockBit"]
    detail = knowledge.entity_detail(ctx, hub, family.id, 0, 100)
    readable = {c.case_id for c in detail.cases}
    assert readable <= set(planted) and detail.cases_total == len(readable)
    assert detail.cases_total + detail.withheld == len(planted)

