"""Access property suite for TAXII: on random worlds, the objects a TAXII collection yields
for an organisation, walked page by page, are exactly those `decide()` gives it in full,
narrowed by the collection's view (everything, TLP:CLEAR, its own data).

Each random case also governs one kept ATT&CK-style object of its owner's (as in the
export suite). Runs CYBERFUSION_ACCESS_EXAMPLES // 8 worlds (default 25).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from access_worlds import WorldSpec, knowledge_world, technique, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Organisation, Principal
from cyberfusion.domain.taxii import ObjectQuery
from cyberfusion.services import taxii
from cyberfusion.services.context import Context

EXAMPLES = max(10, int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200")) // 8)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def walked(ctx: Context, principal: Principal, collection_id: str) -> list[dict[str, object]]:
    """Every object of the collection, three per page, following `next`."""
    found: list[dict[str, object]] = []
    query = ObjectQuery(limit=3)
    while True:
        page = taxii.objects(ctx, principal, collection_id, query)
        found += [item.obj for item in page.items]
        if page.next is None:
            return found
        query = ObjectQuery(limit=3, after=page.next)


def expected(world: WorldSpec, org: Organisation, alias: str) -> tuple[set[str], list[str]]:
    """Kept objects and case titles the view shows `org`, by `decide()`."""
    ids, titles = set(), []
    for index, spec in enumerate(world.cases):
        if world.access(org, index, NOW) is not Access.FULL:
            continue
        if alias == "tlp-clear" and spec.handling.tlp is not TLP.CLEAR:
            continue
        if alias == "inbox" and spec.owner != org.id:
            continue
        ids.add(str(technique(index)["id"]))
        if not spec.revoked:
            titles.append(spec.title)
    return ids, sorted(titles)


@given(data=st.data())
@SETTINGS
def test_taxii_collections_yield_exactly_what_decide_gives_in_full(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    for org, principal in knowledge_world(ctx, world, NOW):
        for chosen in taxii.collections(ctx, principal):
            if chosen.alias.startswith("region-"):
                continue
            found = walked(ctx, principal, chosen.id)
            ids, titles = expected(world, org, chosen.alias)
            assert {str(o["id"]) for o in found if o["type"] == "attack-pattern"} == ids
            assert sorted(str(o["name"]) for o in found if o["type"] == "report") == titles
            # Objects with versions come once each; a content-addressed SCO comes once per
            # case that names it (the same value in two cases).
            keys = [(o["id"], o["modified"]) for o in found if "modified" in o]
            assert len(set(keys)) == len(keys), [k for k in keys if keys.count(k) > 1]
