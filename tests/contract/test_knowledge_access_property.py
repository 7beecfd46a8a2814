"""Entity access property suite: on random worlds of cases, entity rows and relationships,
every knowledge read path shows exactly what `decide()` gives in full, for every org.

Runs CYBERFUSION_KNOWLEDGE_EXAMPLES worlds (default 50); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from access_worlds import WorldSpec, handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import Handling, strictest_tlp
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityFilter, EntityKind
from cyberfusion.domain.model import Organisation, Principal, Role
from cyberfusion.errors import NotFound
from cyberfusion.services import auth, knowledge
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.knowledge import NewRelationship

EXAMPLES = int(os.environ.get("CYBERFUSION_KNOWLEDGE_EXAMPLES", "50"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = ["LockBit", "lockbit", "Conti", "Wizard Spider", "Ryuk"]


@dataclass
class RowSpec:
    owner: str
    handling: Handling
    name: str
    kind: EntityKind
    id: int = 0
    canonical: int = 0


@dataclass
class LinkSpec:
    owner: str
    handling: Handling
    source: int
    target: int
    to_case: bool
    id: int = 0


@dataclass
class Knowledge:
    world: WorldSpec
    rows: list[RowSpec]
    links: list[LinkSpec]


@st.composite
def knowledge_worlds(draw: st.DrawFn) -> Knowledge:
    world = draw(worlds(NOW.date()))
    ids = [o.id for o in world.orgs]
    rows = [RowSpec(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())),
                    draw(st.sampled_from(NAMES)),
                    draw(st.sampled_from([EntityKind.RANSOMWARE, EntityKind.INTRUSION_SET])))
            for _ in range(draw(st.integers(1, 6)))]
    links = []
    for _ in range(draw(st.integers(0, 6))):
        to_case = draw(st.booleans())
        target = draw(st.integers(0, (len(world.cases) if to_case else len(rows)) - 1))
        links.append(LinkSpec(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())),
                              draw(st.integers(0, len(rows) - 1)), target, to_case))
    return Knowledge(world, rows, links)


def store(ctx: Context, k: Knowledge) -> None:
    store_world(ctx, k.world)
    with ctx.db.write() as tx:
        for i, row in enumerate(k.rows):
            hid = tx.handlings.add(row.owner, row.handling)
            entity = ImportedEntity(f"malware--{i:08d}-0000-4000-8000-000000000000", row.kind,
                                    row.name)
            _, touched = tx.entities.upsert_many(row.owner, [(entity, hid)])
            tx.entities.merge(touched)
            row.id = touched[0]
        for i, link in enumerate(k.links):
            hid = tx.handlings.add(link.owner, link.handling)
            target = k.world.case_ids[link.target] if link.to_case else k.rows[link.target].id
            tx.knowledge.upsert_relationships([NewRelationship(
                f"{link.owner}|relationship--{i}", "uses", hid,
                source_entity_id=k.rows[link.source].id,
                target_case_id=target if link.to_case else None,
                target_entity_id=None if link.to_case else target)], NOW)
            found = tx.knowledge.relationship_id(f"{link.owner}|relationship--{i}")
            assert found is not None
            link.id = found
    with ctx.db.read() as tx:
        for row in k.rows:
            row.canonical = tx.knowledge.canonical_of(row.id) or 0


class Expect:
    """What one viewer may see, from `decide()` alone."""

    def __init__(self, k: Knowledge, viewer: Organisation) -> None:
        self.k = k
        self.rows = [r for r in k.rows if _full(viewer, r.owner, r.handling)]
        self.links = {link.id: link for link in k.links
                      if _full(viewer, link.owner, link.handling)
                      and _full(viewer, k.rows[link.source].owner, k.rows[link.source].handling)
                      and self._other(viewer, link)}
        self.cases = {k.world.case_ids[i] for i in range(len(k.world.cases))
                      if not k.world.cases[i].revoked
                      and k.world.access(viewer, i, NOW) is Access.FULL}

    def _other(self, viewer: Organisation, link: LinkSpec) -> bool:
        if link.to_case:
            spec = self.k.world.cases[link.target]
            return not spec.revoked and self.k.world.access(viewer, link.target, NOW) \
                is Access.FULL
        other = self.k.rows[link.target]
        return _full(viewer, other.owner, other.handling)

    def groups(self) -> dict[int, list[RowSpec]]:
        found: dict[int, list[RowSpec]] = {}
        for row in self.rows:
            found.setdefault(row.canonical, []).append(row)
        return found


def _full(viewer: Organisation, owner: str, handling: Handling) -> bool:
    return decide(viewer, GovernedItem(0, owner, handling), NOW) is Access.FULL


def principal(ctx: Context, viewer: Organisation) -> Principal:
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.reader", viewer.id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
        return auth.principal_for(tx, user)


@given(data=st.data())
@SETTINGS
def test_knowledge_reads_show_exactly_what_decide_allows(fresh: Callable[[], Context],
                                                         data: st.DataObject) -> None:
    ctx = fresh()
    k = data.draw(knowledge_worlds())
    store(ctx, k)
    for viewer in k.world.orgs:
        who, expect = principal(ctx, viewer), Expect(k, viewer)
        check_list_and_find(ctx, who, expect)
        check_details_and_graphs(ctx, who, expect)
        check_case_entities(ctx, who, expect)


def check_list_and_find(ctx: Context, who: Principal, expect: Expect) -> None:
    groups = expect.groups()
    page = knowledge.list_entities(ctx, who, EntityFilter(), 0, 500)
    assert page.total == len(groups)
    shown = {s.id: s for s in page.items}
    assert set(shown) == {min(r.id for r in rows) for rows in groups.values()}
    for rows in groups.values():
        summary = shown[min(r.id for r in rows)]
        assert summary.sources == len(rows)
        assert summary.tlp == strictest_tlp(r.handling.tlp for r in rows)
        names = {summary.name.casefold(), *(a.casefold() for a in summary.aliases)}
        assert names == {r.name.casefold() for r in rows}
    for name in ("lock", "spider"):
        found = {s.id for s in knowledge.find_entities(ctx, who, name, 500)}
        assert found == {min(r.id for r in rows) for rows in groups.values()
                         if any(name in r.name.lower() for r in rows)}


def check_details_and_graphs(ctx: Context, who: Principal, expect: Expect) -> None:
    groups = expect.groups()
    for row in expect.k.rows:
        if row.canonical not in groups:
            with pytest.raises(NotFound):
                knowledge.entity_detail(ctx, who, row.id)
            with pytest.raises(NotFound):
                knowledge.entity_graph(ctx, who, row.id)
            continue
        readable = {r.id for r in groups[row.canonical]}
        detail = knowledge.entity_detail(ctx, who, row.id)
        rels = {v.id for v in detail.relationships}
        mine = {i: lk for i, lk in expect.links.items()
                if expect.k.rows[lk.source].id in readable
                or (not lk.to_case and expect.k.rows[lk.target].id in readable)}
        assert rels == {i for i, lk in mine.items() if not lk.to_case}
        assert {c.case_id for c in detail.cases} == {
            expect.k.world.case_ids[lk.target] for lk in mine.values() if lk.to_case}
        touching = [lk for lk in expect.k.links if expect.k.rows[lk.source].id in readable
                    or (not lk.to_case and expect.k.rows[lk.target].id in readable)]
        assert detail.withheld == len(touching) - len(mine)
        graph = knowledge.entity_graph(ctx, who, row.id, hops=2)
        allowed = {f"entity:{min(r.id for r in rows)}" for rows in groups.values()}
        allowed |= {f"case:{c}" for c in expect.cases}
        assert {n.key for n in graph.nodes} <= allowed


def check_case_entities(ctx: Context, who: Principal, expect: Expect) -> None:
    groups = expect.groups()
    for index, case_id in enumerate(expect.k.world.case_ids):
        if case_id not in expect.cases and \
                expect.k.world.access(who.org, index, NOW) is not Access.FULL:
            with pytest.raises(NotFound):
                knowledge.case_entities(ctx, who, case_id)
            continue
        found = {s.id for s in knowledge.case_entities(ctx, who, case_id)}
        # A withdrawn case stays readable by its id (and its page shows its entities) to
        # whoever decide() still gives it to in full: its links count here, not elsewhere.
        rows = expect.k.rows
        linked = {rows[lk.source].canonical for lk in expect.k.links
                  if lk.to_case and expect.k.world.case_ids[lk.target] == case_id
                  and _full(who.org, lk.owner, lk.handling)
                  and _full(who.org, rows[lk.source].owner, rows[lk.source].handling)}
        assert found == {min(r.id for r in groups[c]) for c in linked}
