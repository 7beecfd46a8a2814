"""Access property suite for TAXII pushes: on random worlds, what an organisation's push
to a destination would send, walked page by page, is exactly its own data that `decide()`
gives the destination's organisation in full, never TLP:RED (federation never carries it).

Runs CYBERFUSION_ACCESS_EXAMPLES // 10 worlds (default 20).
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
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.taxii import START, Position
from cyberfusion.services.context import Context
from cyberfusion.services.source_push import outgoing

EXAMPLES = max(10, int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200")) // 10)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


def sent(ctx: Context, owner: str, peer: Organisation) -> list[dict[str, object]]:
    """Every object the push of `owner` to `peer` would send, four per page."""
    found: list[dict[str, object]] = []
    after: Position | None = START
    while after is not None:
        items, _, after = outgoing(ctx, owner, peer, after, limit=4)
        found += [i.obj for i in items]
    return found


def expected(world: WorldSpec, owner: str, peer: Organisation) -> tuple[set[str], list[str]]:
    """Kept objects and case titles of `owner` that may leave for `peer`, by `decide()`."""
    ids, titles = set(), []
    for index, spec in enumerate(world.cases):
        if spec.owner != owner or spec.handling.tlp is TLP.RED:
            continue
        if world.access(peer, index, NOW) is not Access.FULL:
            continue
        ids.add(str(technique(index)["id"]))
        if not spec.revoked:
            titles.append(spec.title)
    return ids, sorted(titles)


@given(data=st.data())
@SETTINGS
def test_a_push_sends_exactly_what_the_destination_may_read_and_never_red(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    knowledge_world(ctx, world, NOW)
    owners = sorted({spec.owner for spec in world.cases})
    for owner in owners:
        for peer in world.orgs:
            if peer.id == owner:
                continue
            found = sent(ctx, owner, peer)
            ids, titles = expected(world, owner, peer)
            assert {str(o["id"]) for o in found if o["type"] == "attack-pattern"} == ids
            assert sorted(str(o["name"]) for o in found if o["type"] == "report") == titles
            assert not any("e828b379" in str(o.get("object_marking_refs")) for o in found)
