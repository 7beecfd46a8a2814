"""Access property suite for exported knowledge: on random worlds, the objects kept outside
any case that an export carries are exactly those `decide()` gives the exporter in full.

Each random case's handling also governs one kept ATT&CK-style object of its owner's.
Runs CYBERFUSION_ACCESS_EXAMPLES // 4 worlds (default 50).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import orjson
from access_worlds import knowledge_world, technique, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.model import CaseFilter
from cyberfusion.formats import base
from cyberfusion.services import exports
from cyberfusion.services.context import Context

EXAMPLES = max(10, int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200")) // 4)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@given(data=st.data())
@SETTINGS
def test_exported_knowledge_is_exactly_what_decide_gives_in_full(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    for org, principal in knowledge_world(ctx, world, NOW):
        wanted = {technique(i)["id"] for i in range(len(world.cases))
                  if world.access(org, i, NOW) is Access.FULL}
        found = exports.export_cases(ctx, principal, CaseFilter(), "stix21")
        bundle = orjson.loads(b"".join(base.EXPORTERS["stix21"]().export(found.cases,
                                                                         found.context)))
        exported = {o["id"] for o in bundle["objects"] if o["type"] == "attack-pattern"}
        assert exported == wanted, org.id
        lines = exports.export_cases(ctx, principal, CaseFilter(), "jsonl")
        assert {k.ref for k in lines.context.kept if k.case_id is None} == wanted, org.id
