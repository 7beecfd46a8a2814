"""Operation access property suite: on random worlds of cases (with grants) and operations
(random lead, participants, TLP and targets), every operation read path (list and its count,
one operation, its target package, its results, the after-action report) shows an operation
to its participants only, and each participant's package holds exactly the live targets that
`decide()` gives that participant in full, with their values, whoever created it.

Runs CYBERFUSION_OPERATION_EXAMPLES worlds (default 30); raise it for a longer run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from access_worlds import POOL, WorldSpec, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Organisation, Principal, Role
from cyberfusion.domain.operations import OperationDraft, ResultKind
from cyberfusion.errors import NotFound
from cyberfusion.services import auth, operations
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_OPERATION_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass
class OperationSpec:
    creator: str
    lead: str
    participants: frozenset[str]
    tlp: TLP
    targets: list[int]
    id: int = 0

    @property
    def members(self) -> frozenset[str]:
        """Who takes part: the lead, the named participants and the creator."""
        return self.participants | {self.lead, self.creator}


@st.composite
def operation_worlds(draw: st.DrawFn) -> tuple[WorldSpec, list[OperationSpec]]:
    world = draw(worlds(NOW.date()))
    ids = [o.id for o in world.orgs]
    found = [OperationSpec(draw(st.sampled_from(ids)), draw(st.sampled_from(ids)),
                           frozenset(draw(st.sets(st.sampled_from(ids), max_size=3))),
                           draw(st.sampled_from([TLP.AMBER_STRICT, TLP.RED])),
                           draw(st.lists(st.integers(0, len(world.cases) - 1), unique=True)))
             for _ in range(draw(st.integers(1, 3)))]
    return world, found


def principal(ctx: Context, viewer: Organisation) -> Principal:
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.analyst", viewer.id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
        return auth.principal_for(tx, user)


def store(ctx: Context, world: WorldSpec, specs: list[OperationSpec]
          ) -> dict[str, Principal]:
    store_world(ctx, world)
    who = {o.id: principal(ctx, o) for o in world.orgs}
    for n, spec in enumerate(specs):
        op = operations.create(ctx, who[spec.creator], OperationDraft(
            f"operation {n}", spec.lead, tuple(sorted(spec.participants)), ("FR",),
            tlp=spec.tlp, target_cases=tuple(world.case_ids[i] for i in spec.targets)))
        spec.id = op.id
        operations.add_result(ctx, who[spec.creator], op.id, ResultKind.ARREST, n + 1, "FR")
    return who


def expected_package(world: WorldSpec, viewer: Organisation, spec: OperationSpec
                     ) -> tuple[set[int], set[tuple[int, str]]]:
    """Live targets `decide()` gives the viewer in full, and their values."""
    cases = {i for i in spec.targets if not world.cases[i].revoked
             and world.access(viewer, i, NOW) is Access.FULL}
    values = {(world.case_ids[i], POOL[v].value) for i in cases for v in world.cases[i].values}
    return {world.case_ids[i] for i in cases}, values


@given(data=st.data())
@SETTINGS
def test_operations_show_only_to_participants_and_packages_follow_decide(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world, specs = data.draw(operation_worlds())
    who = store(ctx, world, specs)
    for viewer in world.orgs:
        me = who[viewer.id]
        mine = {s.id for s in specs if viewer.id in s.members}
        page = operations.list_operations(ctx, me, 0, 200)
        assert page.total == len(mine) and {o.id for o in page.items} == mine
        for spec in specs:
            if spec.id in mine:
                check_participant(ctx, world, me, viewer, spec)
            else:
                check_outsider(ctx, me, spec)


def check_participant(ctx: Context, world: WorldSpec, me: Principal, viewer: Organisation,
                      spec: OperationSpec) -> None:
    view = operations.get_operation(ctx, me, spec.id)
    assert set(view.operation.participants) == spec.members
    assert [(r.kind, r.by_org) for r in view.results] == [(ResultKind.ARREST, spec.creator)]
    cases, values = expected_package(world, viewer, spec)
    pkg = operations.package(ctx, me, spec.id)
    assert {c.id for c in pkg.cases} == cases
    assert {(v.case_id, v.value) for v in pkg.values} == values
    doc = json.loads(operations.after_action_report(ctx, me, spec.id, "json"))
    assert doc["operation_id"] == spec.id and doc["totals"][0]["count"] == view.results[0].count


def check_outsider(ctx: Context, me: Principal, spec: OperationSpec) -> None:
    for read in (operations.get_operation, operations.package, operations.after_action):
        with pytest.raises(NotFound):
            read(ctx, me, spec.id)
    with pytest.raises(NotFound):
        operations.after_action_report(ctx, me, spec.id, "json")
    with pytest.raises(NotFound):
        operations.add_result(ctx, me, spec.id, ResultKind.ARREST, 1, "FR")
