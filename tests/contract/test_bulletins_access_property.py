"""Public bulletin access property suite: on random worlds of bulletins in every state,
citing cases and entities under random handling, the public list, page and Atom feed (and
the services behind them) show only published bulletins (approved first), and of their
sources only those `shown_publicly` allows today (TLP:CLEAR, no personal data, not past
review, no exclusion; revoked cases never) — whoever asks, signed in or not.

Runs CYBERFUSION_BULLETIN_EXAMPLES worlds (default 25); raise it for a longer run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from access_worlds import WorldSpec, client_of, handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import shown_publicly
from cyberfusion.domain.bulletins import BulletinStatus, BulletinText, SourceKind, SourceRef
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind
from cyberfusion.domain.model import Role
from cyberfusion.errors import NotFound
from cyberfusion.services import auth, bulletins
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_BULLETIN_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
ATOM = "{http://www.w3.org/2005/Atom}"
#: The steps a bulletin in each state went through.
STEPS = {BulletinStatus.DRAFT: [],
         BulletinStatus.APPROVED: [BulletinStatus.APPROVED],
         BulletinStatus.PUBLISHED: [BulletinStatus.APPROVED, BulletinStatus.PUBLISHED],
         BulletinStatus.WITHDRAWN: [BulletinStatus.APPROVED, BulletinStatus.PUBLISHED,
                                    BulletinStatus.WITHDRAWN]}


@dataclass
class EntitySpec:
    owner: str
    handling: Handling
    name: str
    id: int = 0


@dataclass
class BulletinSpec:
    status: BulletinStatus
    sources: list[tuple[SourceKind, int]]
    title: str
    id: int = 0


@dataclass
class BulletinWorld:
    world: WorldSpec
    entities: list[EntitySpec]
    bulletins: list[BulletinSpec]


@st.composite
def public_or(draw: st.DrawFn, handling: Handling) -> Handling:
    """`handling`, or (often) one that is public today, so both kinds of source occur."""
    if draw(st.booleans()):
        return handling
    return replace(handling, tlp=TLP.CLEAR, personal_data=False, exclude=frozenset(),
                   review_by=NOW.date() + timedelta(days=400))


@st.composite
def bulletin_worlds(draw: st.DrawFn) -> BulletinWorld:
    world = draw(worlds(NOW.date()))
    today = NOW.date()
    world.cases = [replace(c, handling=draw(public_or(c.handling))) for c in world.cases]
    ids = [o.id for o in world.orgs]
    entities = [EntitySpec(draw(st.sampled_from(ids)),
                           draw(public_or(draw(handlings(world.orgs, today)))), f"ent{i:03d}zq")
                for i in range(draw(st.integers(0, 3)))]
    cited = [(SourceKind.CASE, i) for i in range(len(world.cases))]
    cited += [(SourceKind.ENTITY, i) for i in range(len(entities))]
    found = [BulletinSpec(draw(st.sampled_from(list(BulletinStatus))),
                          draw(st.lists(st.sampled_from(cited), max_size=4, unique=True)),
                          f"Bulletin {i:03d}qx")
             for i in range(draw(st.integers(1, 5)))]
    return BulletinWorld(world, entities, found)


def store(ctx: Context, bw: BulletinWorld) -> None:
    store_world(ctx, bw.world)
    with ctx.db.write() as tx:
        for i, entity in enumerate(bw.entities):
            hid = tx.handlings.add(entity.owner, entity.handling)
            made = ImportedEntity(f"malware--{i:08d}-0000-4000-8000-000000000000",
                                  EntityKind.RANSOMWARE, entity.name)
            _, touched = tx.entities.upsert_many(entity.owner, [(made, hid)])
            tx.entities.merge(touched)
            entity.id = touched[0]
        author = tx.users.add("hub.author", "hub", frozenset({Role.ANALYST}), "unused", NOW)
        for spec in bw.bulletins:
            spec.id = tx.bulletins.add(_text(bw, spec), author.id, "hub", NOW)
            for step in STEPS[spec.status]:
                tx.bulletins.set_status(spec.id, step, author.id, NOW, "withdrawn")


def _text(bw: BulletinWorld, spec: BulletinSpec) -> BulletinText:
    refs = tuple(SourceRef(kind, _source_id(bw, kind, index)) for kind, index in spec.sources)
    return BulletinText(spec.title, "Fake invoices lead to ransomware.", "Accountants.",
                        "Call back on a known number.", refs)


def _source_id(bw: BulletinWorld, kind: SourceKind, index: int) -> int:
    return bw.world.case_ids[index] if kind is SourceKind.CASE else bw.entities[index].id


def public_sources(bw: BulletinWorld, spec: BulletinSpec) -> list[str]:
    """Titles of the bulletin's sources that anyone may see today, in citation order."""
    shown = []
    for kind, index in spec.sources:
        if kind is SourceKind.CASE:
            case = bw.world.cases[index]
            if not case.revoked and shown_publicly(case.handling, NOW):
                shown.append(case.title)
        elif shown_publicly(bw.entities[index].handling, NOW):
            shown.append(bw.entities[index].name)
    return shown


def every_source_title(bw: BulletinWorld) -> set[str]:
    return {c.title for c in bw.world.cases} | {e.name for e in bw.entities}


@given(data=st.data())
@SETTINGS
def test_public_bulletins_show_only_published_ones_and_public_sources(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    bw = data.draw(bulletin_worlds())
    store(ctx, bw)
    published = {s.id: s for s in bw.bulletins if s.status is BulletinStatus.PUBLISHED}
    check_services(ctx, bw, published)
    viewer = data.draw(st.sampled_from(bw.world.orgs))
    for cookie in ("", session_of(ctx, viewer.id)):
        check_pages(ctx, bw, published, cookie)


def check_services(ctx: Context, bw: BulletinWorld, published: dict[int, BulletinSpec]
                   ) -> None:
    page = bulletins.published(ctx, 0, 200)
    assert page.total == len(published) and {b.id for b in page.items} == set(published)
    for b in page.items:
        assert b.approved_at is not None and b.published_at is not None
        assert [s.title for s in b.text.sources] == public_sources(bw, published[b.id])
    for spec in bw.bulletins:
        if spec.id not in published:
            with pytest.raises(NotFound):
                bulletins.published_one(ctx, spec.id)
            continue
        one = bulletins.published_one(ctx, spec.id)
        assert [s.title for s in one.text.sources] == public_sources(bw, spec)


def check_pages(ctx: Context, bw: BulletinWorld, published: dict[int, BulletinSpec],
                cookie: str) -> None:
    client = client_of(ctx, cookie)
    listing = client.get("/bulletins")
    assert listing.status_code == 200 and 'data-tlp="TLP:CLEAR"' in listing.text
    assert set(map(int, re.findall(r'<li data-bulletin="(\d+)"', listing.text))) \
        == set(published)
    everything = every_source_title(bw)
    for spec in bw.bulletins:
        answer = client.get(f"/bulletins/{spec.id}")
        if spec.id not in published:
            assert answer.status_code == 404 and spec.title not in answer.text
            assert spec.title not in listing.text
            continue
        assert answer.status_code == 200 and spec.title in answer.text
        shown = public_sources(bw, spec)
        assert {t for t in everything if t in answer.text} == set(shown)
    check_feed(client.get("/bulletins/feed.atom").content, bw, published)


def check_feed(document: bytes, bw: BulletinWorld, published: dict[int, BulletinSpec]) -> None:
    root = ET.fromstring(document)
    entries = root.findall(f"{ATOM}entry")
    ids = {int(e.findtext(f"{ATOM}id", "").rsplit("/", 1)[1]) for e in entries}
    assert ids == set(published)
    everything = every_source_title(bw)
    for entry in entries:
        spec = published[int(entry.findtext(f"{ATOM}id", "").rsplit("/", 1)[1])]
        content = entry.findtext(f"{ATOM}content", "")
        assert {t for t in everything if t in content} == set(public_sources(bw, spec))
    for spec in bw.bulletins:
        if spec.id not in published:
            assert spec.title.encode() not in document


def session_of(ctx: Context, org_id: str) -> str:
    """A web session of an analyst of `org_id` (the public pages must not widen for it)."""
    with ctx.db.write() as tx:
        user = tx.users.add(f"{org_id}.visitor", org_id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
    return auth.start_session(ctx, user).cookie
