"""Access property suite for the case form's "who will see this" preview: on random worlds
and handlings, the preview is `decide()` on every organisation, and once the case is stored
the SQL form of the access decision and the case page's audience say exactly the same.

Runs CYBERFUSION_AUDIENCE_EXAMPLES examples per backend (default 30).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from access_worlds import handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.model import CaseDraft, CrimeType, OrgKind, Role
from cyberfusion.services import auth, cases
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_AUDIENCE_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@given(data=st.data())
@SETTINGS
def test_preview_is_the_access_decision_before_and_after_storing(
    fresh: Callable[[], Context], data: st.DataObject
) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    store_world(ctx, world)
    filer = data.draw(st.sampled_from([o for o in world.orgs if o.kind is not OrgKind.PARTNER]))
    handling = replace(data.draw(handlings(world.orgs, NOW.date())),
                       review_by=NOW.date() + timedelta(days=400))
    with ctx.db.write() as tx:
        user = tx.users.add(f"{filer.id}.filer", filer.id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
        principal = auth.principal_for(tx, user)
    preview = {o.id: a for o, a in cases.would_see(ctx, principal, handling)}
    expected = {o.id: decide(o, GovernedItem(0, filer.id, handling), NOW, [])
                for o in world.orgs}
    assert preview == {k: a for k, a in expected.items() if a is not Access.NONE}
    case = cases.create_case(ctx, principal, CaseDraft("previewed", CrimeType.OTHER, "s",
                                                       handling))
    with ctx.db.read() as tx:
        stored = {o.id: tx.hits.levels([case.id], o, NOW).get(case.id, Access.NONE.value)
                  for o in world.orgs}
    assert {k: v for k, v in stored.items() if v != Access.NONE.value} == {
        k: a.value for k, a in preview.items()}
    audience = {o.id: a for o, a in cases.who_can_see(ctx, principal, case.id)}
    assert audience == preview
