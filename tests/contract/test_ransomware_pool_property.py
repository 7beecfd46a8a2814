"""What the identifier takes from the pool, on random worlds: member ransomware families a
reader may read, and only the contact and payment values of cases that the reader may read
and that are linked to such a family by a relationship the reader may read (`decide()`).

Runs CYBERFUSION_INCIDENT_EXAMPLES worlds (default 30)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from access_worlds import POOL, WorldSpec, handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Organisation
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.incidents import ADDRESS_TYPES
from cyberfusion.store.repositories.knowledge import NewRelationship

EXAMPLES = int(os.environ.get("CYBERFUSION_INCIDENT_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass
class Family:
    owner: str
    handling: Handling
    id: int = 0


@dataclass
class Link:
    owner: str
    handling: Handling
    family: int
    case: int


@st.composite
def pools(draw: st.DrawFn) -> tuple[WorldSpec, list[Family], list[Link]]:
    world = draw(worlds(NOW.date()))
    ids = [o.id for o in world.orgs]
    families = [Family(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())))
                for _ in range(draw(st.integers(1, 3)))]
    links = [Link(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())),
                  draw(st.integers(0, len(families) - 1)),
                  draw(st.integers(0, len(world.cases) - 1)))
             for _ in range(draw(st.integers(2, 8)))]
    return world, families, links


def store(ctx: Context, world: WorldSpec, families: list[Family], links: list[Link]) -> None:
    store_world(ctx, world)
    with ctx.db.write() as tx:
        for i, fam in enumerate(families):
            hid = tx.handlings.add(fam.owner, fam.handling)
            entity = ImportedEntity(f"malware--{i:08d}-0000-4000-8000-000000000000",
                                    EntityKind.RANSOMWARE, f"Family{i}", aliases=(f"Alias{i}",),
                                    source="member", is_family=True)
            _, touched = tx.entities.upsert_many(fam.owner, [(entity, hid)])
            tx.entities.merge(touched)
            fam.id = touched[0]
        for i, link in enumerate(links):
            hid = tx.handlings.add(link.owner, link.handling)
            tx.knowledge.upsert_relationships([NewRelationship(
                f"{link.owner}|relationship--{i}", "related-to", hid,
                source_entity_id=families[link.family].id,
                target_case_id=world.case_ids[link.case])], NOW)


def full(viewer: Organisation, owner: str, handling: Handling) -> bool:
    return decide(viewer, GovernedItem(0, owner, handling), NOW) is Access.FULL


@given(data=st.data())
@SETTINGS
def test_the_pool_gives_the_identifier_only_what_the_reader_may_read(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world, families, links = data.draw(pools())
    store(ctx, world, families, links)
    for viewer in world.orgs:
        seen = {f"Family{i}" for i, f in enumerate(families)
                if full(viewer, f.owner, f.handling)}
        values: dict[str, set[str]] = {}
        for link in links:
            name = f"Family{link.family}"
            case = world.cases[link.case]
            if name in seen and full(viewer, link.owner, link.handling) \
                    and not case.revoked and world.access(viewer, link.case, NOW) is Access.FULL:
                values.setdefault(name, set()).update(
                    POOL[v].value for v in case.values if POOL[v].type.value in ADDRESS_TYPES)
        with ctx.db.read() as tx:
            got = tx.incidents.pool_families(viewer, NOW)
        assert {f.family for f in got} == seen
        assert {f.family: set(f.addresses) for f in got if f.addresses} == {
            k: v for k, v in values.items() if v}
        assert all(f.aliases == (f"Alias{f.family[6:]}",) for f in got)
