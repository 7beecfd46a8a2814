"""Report access property suite: on random worlds of cases, families and links, a cyber
activity report includes exactly the cases (and families, and links) that its author and
every one of its recipients may read in full by `decide()`, and its withheld count is the
number of matching cases the author reads in full that are not included.

Runs CYBERFUSION_REPORT_EXAMPLES worlds (default 30); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from access_worlds import WorldSpec, handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import Handling, strictest_tlp
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Role
from cyberfusion.domain.reports import ReportSpec, Scope
from cyberfusion.services import auth, reports
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.knowledge import NewRelationship

EXAMPLES = int(os.environ.get("CYBERFUSION_REPORT_EXAMPLES", "30"))
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


@dataclass
class ReportWorld:
    world: WorldSpec
    families: list[Family]
    links: list[Link]
    recipients: list[str]
    family: str


@st.composite
def report_worlds(draw: st.DrawFn) -> ReportWorld:
    world = draw(worlds(NOW.date()))
    ids = [o.id for o in world.orgs]
    families = [Family(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())))
                for _ in range(draw(st.integers(0, 3)))]
    links = []
    if families:
        for _ in range(draw(st.integers(0, 5))):
            links.append(Link(draw(st.sampled_from(ids)),
                              draw(handlings(world.orgs, NOW.date())),
                              draw(st.integers(0, len(families) - 1)),
                              draw(st.integers(0, len(world.cases) - 1))))
    others = [o.id for o in world.orgs if o.kind is not OrgKind.HUB]
    recipients = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
    family = draw(st.sampled_from(["", "", "Family0", "family0"])) if families else ""
    return ReportWorld(world, families, links, recipients, family)


def store(ctx: Context, rw: ReportWorld) -> None:
    store_world(ctx, rw.world)
    with ctx.db.write() as tx:
        for i, family in enumerate(rw.families):
            hid = tx.handlings.add(family.owner, family.handling)
            entity = ImportedEntity(f"malware--{i:08d}-0000-4000-8000-000000000000",
                                    EntityKind.RANSOMWARE, f"Family{i}")
            _, touched = tx.entities.upsert_many(family.owner, [(entity, hid)])
            tx.entities.merge(touched)
            family.id = touched[0]
        for i, link in enumerate(rw.links):
            hid = tx.handlings.add(link.owner, link.handling)
            tx.knowledge.upsert_relationships([NewRelationship(
                f"{link.owner}|relationship--{i}", "related-to", hid,
                source_entity_id=rw.families[link.family].id,
                target_case_id=rw.world.case_ids[link.case])], NOW)


def _full(org: Organisation, owner: str, handling: Handling) -> bool:
    return decide(org, GovernedItem(0, owner, handling), NOW) is Access.FULL


def hub_principal(ctx: Context) -> Principal:
    with ctx.db.write() as tx:
        user = tx.users.add("hub.author", "hub", frozenset({Role.ANALYST}), "unused-hash", NOW)
        return auth.principal_for(tx, user)


@given(data=st.data())
@SETTINGS
def test_a_report_includes_only_what_every_recipient_reads(fresh: Callable[[], Context],
                                                          data: st.DataObject) -> None:
    ctx = fresh()
    rw = data.draw(report_worlds())
    store(ctx, rw)
    author = hub_principal(ctx)
    orgs = {o.id: o for o in rw.world.orgs}
    readers = [orgs["hub"], *(orgs[r] for r in rw.recipients)]
    spec = ReportSpec("Property", Scope(NOW.date() - timedelta(days=1), NOW.date(),
                                        family=rw.family),
                      tuple(rw.recipients), NOW.date())
    doc = reports.preview(ctx, author, spec)

    live = [i for i, c in enumerate(rw.world.cases) if not c.revoked]
    seen = live
    if rw.family:  # only cases linked to Family0: the link and the family readable by all
        # (for the report), or by the author (for what matched, and so the withheld count)
        seen = [i for i in live if any(lk.family == 0 and lk.case == i
                                       and _readable(rw, lk, [orgs["hub"]]) for lk in rw.links)]
        live = [i for i in live if any(lk.family == 0 and lk.case == i
                                       and _readable(rw, lk, readers) for lk in rw.links)]
    every = {i for i in live
             if all(rw.world.access(org, i, NOW) is Access.FULL for org in readers)}
    by_author = {i for i in seen if rw.world.access(orgs["hub"], i, NOW) is Access.FULL}
    assert {c["id"] for c in doc["cases"]} == {rw.world.case_ids[i] for i in every}
    assert doc["key_figures"]["withheld"] == len(by_author - every)
    assert doc["key_figures"]["cases"] == len(every)
    assert bool(doc["empty"]) == (not every)
    if every:
        assert doc["tlp"] == strictest_tlp(
            [rw.world.cases[i].handling.tlp for i in every]
            + [f.handling.tlp for f in rw.families if f"Family{rw.families.index(f)}"
               in {a["name"] for a in doc["families"]}]
            + [lk.handling.tlp for lk in rw.links if _shown(rw, lk, readers, every)]).value
    check_families(rw, doc, readers, every)


def _readable(rw: ReportWorld, link: Link, readers: list[Organisation]) -> bool:
    family = rw.families[link.family]
    return (all(_full(org, link.owner, link.handling) for org in readers)
            and all(_full(org, family.owner, family.handling) for org in readers))


def _shown(rw: ReportWorld, link: Link, readers: list[Organisation], every: set[int]) -> bool:
    return link.case in every and _readable(rw, link, readers)


def check_families(rw: ReportWorld, doc: dict[str, object], readers: list[Organisation],
                   every: set[int]) -> None:
    expected: dict[str, set[int]] = {}
    for link in rw.links:
        if _shown(rw, link, readers, every):
            expected.setdefault(f"Family{link.family}", set()).add(link.case)
    families = doc["families"]
    assert isinstance(families, list)
    assert {f["name"]: f["cases"] for f in families} == {
        name: len(cases) for name, cases in expected.items()}
