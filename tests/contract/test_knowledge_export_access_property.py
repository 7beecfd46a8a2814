"""Access property suite for exported knowledge: on random worlds, the objects kept outside
any case that an export carries are exactly those `decide()` gives the exporter in full.

Each random case's handling also governs one kept ATT&CK-style object of its owner's, one
ransomware family row with no STIX body (as a MISP galaxy cluster lands) and one `related-to`
link from the case to the next case's family: the family is exported exactly where the
exporter reads its row in full, the link exactly where they read the link, its case and the
family at its other end. Runs CYBERFUSION_ACCESS_EXAMPLES // 4 worlds (default 50).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import orjson
from access_worlds import WorldSpec, knowledge_world, technique, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import CaseFilter, Organisation
from cyberfusion.formats import base
from cyberfusion.services import exports
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.imports import owner_ref
from cyberfusion.store.repositories.knowledge import NewRelationship

EXAMPLES = max(10, int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200")) // 4)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def keep_families(ctx: Context, world: WorldSpec) -> None:
    """One family row (as a galaxy cluster gives, no STIX body) and one case link under each
    case's handling record: case i links to the family of case i+1."""
    count = len(world.cases)
    with ctx.db.write() as tx:
        rows: list[int] = []
        for index, spec in enumerate(world.cases):
            family = ImportedEntity(f"misp-galaxy:{index}", EntityKind.RANSOMWARE,
                                    f"family {index}", source="misp-galaxy")
            rows += tx.entities.upsert_many(spec.owner, [(family, world.handling_ids[index])])[1]
        tx.knowledge.upsert_relationships([NewRelationship(
            owner_ref(spec.owner, f"link:{index}"), "related-to", world.handling_ids[index],
            source_case_id=world.case_ids[index], target_entity_id=rows[(index + 1) % count],
            description=f"link {index}") for index, spec in enumerate(world.cases)], NOW)


def exported_rows(bundle: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Names of the exported families and descriptions of the exported links."""
    objects = bundle["objects"]
    return ({o["name"] for o in objects if o["type"] == "malware"},
            {o["description"] for o in objects if o["type"] == "relationship"})


def wanted_rows(world: WorldSpec, org: Organisation) -> tuple[set[str], set[str]]:
    """What `decide()` gives in full: families by handling, links by handling and ends."""
    count = len(world.cases)
    full = [world.access(org, i, NOW) is Access.FULL for i in range(count)]
    live = [full[i] and not world.cases[i].revoked for i in range(count)]
    return ({f"family {i}" for i in range(count) if full[i]},
            {f"link {i}" for i in range(count) if live[i] and full[(i + 1) % count]})


@given(data=st.data())
@SETTINGS
def test_exported_knowledge_is_exactly_what_decide_gives_in_full(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    acting = knowledge_world(ctx, world, NOW)
    keep_families(ctx, world)
    for org, principal in acting:
        wanted = {technique(i)["id"] for i in range(len(world.cases))
                  if world.access(org, i, NOW) is Access.FULL}
        found = exports.export_cases(ctx, principal, CaseFilter(), "stix21")
        bundle = orjson.loads(b"".join(base.EXPORTERS["stix21"]().export(found.cases,
                                                                         found.context)))
        exported = {o["id"] for o in bundle["objects"] if o["type"] == "attack-pattern"}
        assert exported == wanted, org.id
        assert exported_rows(bundle) == wanted_rows(world, org), org.id
        lines = exports.export_cases(ctx, principal, CaseFilter(), "jsonl")
        assert {k.ref for k in lines.context.kept if k.case_id is None} == wanted, org.id
