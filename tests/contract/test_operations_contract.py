"""Operations on SQLite and PostgreSQL: created from a network or by hand, participants only,
per-participant target packages, tasks, action days, results, takedowns, after-action report,
and an audit entry for every change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from worlds import World, build_world, case_doc

from cyberfusion.domain.access import Access, decide
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.operations import (
    NETWORK_NAMED_BY_CREATOR,
    OperationDraft,
    OperationStatus,
    ResultKind,
    TakedownStatus,
    TaskStatus,
)
from cyberfusion.errors import InvalidInput, NotFound, PermissionDenied
from cyberfusion.formats import operation_report
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import audit, cases, networks, operations
from cyberfusion.services.context import Context

WALLETS = ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"]
C2 = ("ipv4", "185.220.101.4")


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def add(world: World, org: str, title: str, values: list[tuple[str, str]], countries: list[str],
        **handling: Any) -> int:
    doc = {**case_doc(title=title, **handling), "countries": countries,
           "observables": [{"type": t, "value": v, "role": "r"} for t, v in values]}
    return cases.create_case(world.ctx, world.principals[org],
                             parse_case(doc, world.ctx.now().date(), 5)).id


def network(world: World) -> tuple[list[int], str]:
    """Four linked cases under different handling; the network as de-cyber names it."""
    w0, w1 = ("btc_wallet", WALLETS[0]), ("btc_wallet", WALLETS[1])
    ids = [add(world, "fr-cyber", "fr members", [w0, C2], ["FR"], release=["members"]),
           add(world, "de-cyber", "de members", [w0, w1], ["DE"], release=["members"]),
           add(world, "br-cyber", "br only", [w1, C2], ["BR"], release=["country:BR"]),
           add(world, "fr-cyber", "fr red", [w0, w1], ["FR"], tlp="red", release=[])]
    networks.recompute(world.ctx)
    [seen], _ = networks.list_networks(world.ctx, world.principals["de-cyber"])
    return ids, seen.ref


def create(world: World, ref: str, by: str = "de-cyber") -> Any:
    draft = operations.from_network(world.ctx, world.principals[by], ref)
    return operations.create(world.ctx, world.principals[by], draft)


def test_from_network_fills_countries_and_their_ncbs(world: World) -> None:
    _, ref = network(world)
    draft = operations.from_network(world.ctx, world.principals["de-cyber"], ref)
    assert draft.lead_org_id == "de-cyber" and draft.network_ref == ref
    assert set(draft.countries) == {"FR", "DE"}  # the BR-only and red cases are not de's
    assert set(draft.participants) == {"de-cyber", "fr-ncb", "de-ncb"}


def test_packages_hold_what_each_participant_reads_not_what_the_creator_reads(
        world: World) -> None:
    ids, ref = network(world)
    draft = operations.from_network(world.ctx, world.principals["de-cyber"], ref)
    op = operations.create(world.ctx, world.principals["de-cyber"], OperationDraft(
        draft.title, "de-cyber", (*draft.participants, "br-cyber", "fr-cyber"),
        draft.countries, network_ref=ref))
    assert op.handling.tlp is TLP.AMBER_STRICT
    with world.ctx.db.read() as tx:
        items = tx.handlings.get_many(tx.cases.get(i, with_occurrences=False).handling_id
                                      for i in ids)  # type: ignore[union-attr]
        by_case = {i: items[tx.cases.get(i, with_occurrences=False).handling_id]  # type: ignore[union-attr]
                   for i in ids}
    for org in op.participants:
        who = world.principals[org]
        pkg = operations.package(world.ctx, who, op.id)
        expect = {i for i in ids if decide(who.org, by_case[i], world.ctx.now()) is Access.FULL}
        assert {c.id for c in pkg.cases} == expect, org
        assert {v.case_id for v in pkg.values} <= expect
        assert all(c.local == (who.org.country in c.countries) for c in pkg.cases)
    br = operations.package(world.ctx, world.principals["br-cyber"], op.id)
    assert ids[2] in {c.id for c in br.cases}  # the creator never read it
    assert ids[2] not in {c.id for c in operations.package(
        world.ctx, world.principals["de-cyber"], op.id).cases}
    fr = operations.package(world.ctx, world.principals["fr-cyber"], op.id)
    assert ids[3] in {c.id for c in fr.cases} and fr.cases[0].local


def test_non_participants_see_nothing(world: World) -> None:
    _, ref = network(world)
    op = create(world, ref)
    for outsider in ("hub", "br-cyber", "fr-cyber", "acme-sec", "br-ncb"):
        who = world.principals[outsider]
        assert operations.list_operations(world.ctx, who).total == 0
        for read in (operations.get_operation, operations.package, operations.after_action):
            with pytest.raises(NotFound):
                read(world.ctx, who, op.id)
        with pytest.raises(NotFound):
            operations.add_result(world.ctx, who, op.id, ResultKind.ARREST, 1, "FR")
    page = operations.list_operations(world.ctx, world.principals["fr-ncb"])
    assert [o.id for o in page.items] == [op.id] and page.total == 1
    # the creator's name for the network holds a case id others may not read
    assert page.items[0].network_ref == NETWORK_NAMED_BY_CREATOR
    assert operations.get_operation(world.ctx, world.principals["de-cyber"],
                                    op.id).operation.network_ref == ref


def test_tasks_days_results_takedowns_and_the_after_action_report(world: World) -> None:
    ctx = world.ctx
    _, ref = network(world)
    op = create(world, ref)
    lead, fr = world.principals["de-cyber"], world.principals["fr-ncb"]
    task = operations.add_task(ctx, lead, op.id, "Search the hosting provider", "fr-ncb",
                               "j.dupont", date(2026, 6, 10))
    assert task.status is TaskStatus.OPEN and task.owner_org_id == "fr-ncb"
    with pytest.raises(InvalidInput):
        operations.add_task(ctx, lead, op.id, "x", "br-ncb")  # not a participant
    done = operations.set_task_status(ctx, fr, op.id, task.id, TaskStatus.DONE)
    assert done.status is TaskStatus.DONE and done.updated_by == "fr-ncb.analyst"
    with pytest.raises(NotFound):
        operations.set_task_status(ctx, fr, op.id, 999, TaskStatus.DONE)
    operations.add_action_day(ctx, lead, op.id, date(2026, 6, 12), ("FR", "DE"),
                              "Coordinated arrests")
    operations.add_result(ctx, fr, op.id, ResultKind.ARREST, 2, "FR")
    operations.add_result(ctx, lead, op.id, ResultKind.WALLET_FROZEN, 1, "DE",
                          Decimal("3.5"), "btc")
    operations.add_result(ctx, fr, op.id, ResultKind.WALLET_FROZEN, 1, "FR",
                          Decimal("1.5"), "BTC")
    with pytest.raises(InvalidInput):
        operations.add_result(ctx, fr, op.id, ResultKind.ARREST, 1, "FR", Decimal(1), "EUR")
    item = operations.add_takedown(ctx, lead, op.id, "ipv4", "185.220.101[.]4", "DE")
    assert item.value == "185.220.101.4" and item.status is TakedownStatus.PLANNED
    operations.set_takedown(ctx, fr, op.id, item.id, TakedownStatus.REQUESTED)
    final = operations.set_takedown(ctx, fr, op.id, item.id, TakedownStatus.DONE, "seized")
    assert final.by_org == "fr-ncb" and final.note == "seized"
    with pytest.raises(InvalidInput):
        operations.set_takedown(ctx, lead, op.id, item.id, TakedownStatus.REFUSED)
    with pytest.raises(PermissionDenied):
        operations.set_status(ctx, fr, op.id, OperationStatus.CLOSED)
    operations.set_status(ctx, lead, op.id, OperationStatus.CLOSED)
    view = operations.after_action(ctx, fr, op.id)
    sums = {t.kind: t for t in view.totals}
    assert sums[ResultKind.ARREST].count == 2
    assert sums[ResultKind.WALLET_FROZEN].amounts == (("BTC", Decimal("5.0")),)
    doc = operation_report.document(view.operation, view.tasks, view.action_days,
                                    view.results, view.totals, view.takedowns, "2026-06-01")
    html = operation_report.page(doc)
    assert "After-action report" in html and "185.220.101.4" in html and "5.0 BTC" in html
    assert doc["timeline"][0]["what"] == "arrest"
    events = audit.org_trail(ctx, lead, None, limit=1000)
    actions = [e.action for e in events if e.item_type == "operation"]
    for action in ("operation.create", "operation.task", "operation.action_day",
                   "operation.result", "operation.takedown", "operation.update",
                   "operation.report"):
        assert action in actions


def test_by_hand_needs_known_orgs_and_a_strict_tlp(world: World) -> None:
    ctx, me = world.ctx, world.principals["hub"]
    with pytest.raises(InvalidInput) as bad:
        operations.create(ctx, me, OperationDraft("", "hub", ("nobody",), ("fr",),
                                                  tlp=TLP.GREEN))
    where = {i.location for i in bad.value.issues}
    assert {"title", "participants[0]", "countries[0]", "tlp"} <= where
    op = operations.create(ctx, me, OperationDraft("By hand", "fr-ncb", ("de-ncb",), ("FR",),
                                                   tlp=TLP.RED))
    assert set(op.participants) == {"hub", "fr-ncb", "de-ncb"} and op.lead_org_id == "fr-ncb"
    assert op.handling.release == frozenset({"org:hub", "org:fr-ncb", "org:de-ncb"})
    # a unit under a participating NCB does not take part
    assert operations.list_operations(ctx, world.principals["fr-cyber"]).total == 0
