"""Gateway property suite: on random worlds where each partner holds a random agreement
(none, expired, not yet valid, ended, inbound only, valid outbound without threat knowledge,
valid outbound), a partner without a valid outbound agreement for what a path carries gets
nothing on the export, TAXII and MISP feed paths (OutsideAgreement before any content), and
one with it gets exactly the cases `decide()` gives it in full, walked page by page.

Runs CYBERFUSION_ACCESS_EXAMPLES // 8 worlds (default 25).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from access_worlds import WorldSpec, knowledge_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access
from cyberfusion.domain.gateway import (
    AgreementDraft,
    DataCategory,
    Direction,
    OutsideAgreement,
)
from cyberfusion.domain.model import CaseFilter, Organisation, OrgKind, Principal
from cyberfusion.domain.taxii import ObjectQuery
from cyberfusion.services import exports, misp_feed, taxii
from cyberfusion.services.context import Context

EXAMPLES = max(10, int(os.environ.get("CYBERFUSION_ACCESS_EXAMPLES", "200")) // 8)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
TODAY = NOW.date()
STATES = ["none", "expired", "future", "ended", "inbound", "no-knowledge", "valid"]
EVERY = {c: Direction.BOTH for c in DataCategory if c is not DataCategory.PERSONAL_DATA}


def draft_for(partner: str, state: str) -> AgreementDraft | None:
    """The agreement a partner in `state` holds (None: none at all)."""
    if state == "none":
        return None
    start, until = TODAY - timedelta(days=30), TODAY + timedelta(days=30)
    if state == "expired":
        start, until = date(2025, 1, 1), TODAY - timedelta(days=1)
    if state == "future":
        start, until = TODAY + timedelta(days=1), TODAY + timedelta(days=400)
    categories = dict(EVERY)
    if state == "inbound":
        categories = dict.fromkeys(EVERY, Direction.INBOUND)
    if state == "no-knowledge":
        del categories[DataCategory.THREAT_KNOWLEDGE]
    return AgreementDraft(f"GW-{partner}", partner, start, until, categories, contact="x")


def store_agreements(ctx: Context, states: dict[str, str]) -> None:
    """Register each partner's agreement (ending the `ended` ones at once)."""
    with ctx.db.write() as tx:
        for partner, state in states.items():
            draft = draft_for(partner, state)
            if draft is not None:
                made = tx.agreements.add(draft, NOW - timedelta(days=1))
                if state == "ended":
                    tx.agreements.end(made.id, NOW - timedelta(hours=1), "test")


def expected_titles(world: WorldSpec, org: Organisation) -> list[str]:
    """Titles of the live cases `decide()` gives `org` in full."""
    return sorted(spec.title for index, spec in enumerate(world.cases)
                  if world.access(org, index, NOW) is Access.FULL and not spec.revoked)


def exported(ctx: Context, principal: Principal) -> list[str]:
    """Case titles of an export walked two cases at a time."""
    titles, after = [], ""
    while True:
        page = exports.export_cases(ctx, principal, CaseFilter(), "jsonl", 2, after)
        titles += [case.title for case in page.cases]
        if page.next is None:
            return sorted(titles)
        after = page.next


def pooled(ctx: Context, principal: Principal) -> list[str]:
    """Report names of the `all` TAXII collection, walked three objects at a time."""
    chosen = next(c for c in taxii.collections(ctx, principal) if c.alias == "all")
    names, query = [], ObjectQuery(limit=3)
    while True:
        page = taxii.objects(ctx, principal, chosen.id, query)
        names += [str(i.obj["name"]) for i in page.items if i.obj["type"] == "report"]
        if page.next is None:
            return sorted(names)
        query = ObjectQuery(limit=3, after=page.next)


def fed(ctx: Context, principal: Principal) -> list[str]:
    """Event infos of the MISP feed (manifest, then each event by uuid)."""
    infos = [str(e["info"]) for e in misp_feed.events(ctx, principal, CaseFilter())]
    manifest = json.loads(b"".join(misp_feed.manifest(ctx, principal, CaseFilter())))
    assert sorted(str(m["info"]) for m in manifest.values()) == sorted(infos)
    for uid in manifest:
        assert json.loads(misp_feed.event(ctx, principal, uid))["Event"]["uuid"] == uid
    return sorted(infos)


PATHS: dict[str, Callable[[Context, Principal], list[str]]] = {
    "export": exported, "taxii": pooled, "misp-feed": fed}
#: The paths each agreement state lets through.
OPEN = {"valid": {"export", "taxii", "misp-feed"}, "no-knowledge": {"export", "misp-feed"}}


@given(data=st.data())
@SETTINGS
def test_partners_receive_nothing_outside_an_agreement_and_exactly_decide_inside(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(TODAY))
    world.agreements = False
    acting = knowledge_world(ctx, world, NOW)
    partners = [org for org, _ in acting if org.kind is OrgKind.PARTNER]
    states = {org.id: data.draw(st.sampled_from(STATES)) for org in partners}
    store_agreements(ctx, states)
    for org, principal in acting:
        if org.kind is not OrgKind.PARTNER:
            continue
        for name, walk in PATHS.items():
            if name in OPEN.get(states[org.id], set()):
                assert walk(ctx, principal) == expected_titles(world, org), (name, states)
            else:
                with pytest.raises(OutsideAgreement, match=f"{org.id}"):
                    walk(ctx, principal)
