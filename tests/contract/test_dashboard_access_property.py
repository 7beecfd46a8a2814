"""Dashboard property suite: on random worlds of cases (crime types, months), hits from real
searches, disclosure requests and channel requests, every dashboard figure of every
organisation equals the count made from the items it may read by the Python rules
(`decide()` for cases and the cases hits point at; the party rules for disclosure requests
and channel threads), and the API serves the same figures through the one presenter.

Runs CYBERFUSION_DASHBOARD_EXAMPLES worlds (default 25); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from access_worlds import POOL, WorldSpec, client_of, knowledge_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from cyberfusion.domain.access import Access
from cyberfusion.domain.channel import RequestType, ThreadRef, can_read_thread
from cyberfusion.domain.dashboard import month_of, month_start, response_times
from cyberfusion.domain.model import CrimeType, Organisation, Principal
from cyberfusion.presenters.dashboard import dashboard_json
from cyberfusion.services import auth, dashboard, search
from cyberfusion.services.context import Context
from cyberfusion.store.tables import CaseRow
from cyberfusion.store.tables_channel import PartyRow, ThreadRow
from cyberfusion.store.tables_hits import DisclosureRequestRow, HitRow

EXAMPLES = int(os.environ.get("CYBERFUSION_DASHBOARD_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
MONTHS = 12
TYPES = [CrimeType.RANSOMWARE, CrimeType.PHISHING, CrimeType.BEC]


@dataclass
class Thread:
    sender: str
    addressees: dict[str, int | None]  # org -> minutes to answer (None: not answered)
    type: RequestType
    days_ago: int


@dataclass
class Disclosure:
    requester: str
    owner: str
    days_ago: int
    minutes: int | None


@dataclass
class Extra:
    crime: list[CrimeType]
    months_ago: list[int]
    searchers: list[tuple[str, int]]
    threads: list[Thread]
    disclosures: list[Disclosure]


@st.composite
def extras(draw: st.DrawFn, world: WorldSpec) -> Extra:
    ids = [o.id for o in world.orgs]
    n = len(world.cases)
    searchers = draw(st.lists(st.tuples(st.sampled_from(ids), st.integers(0, len(POOL) - 1)),
                              max_size=4))
    threads = []
    for _ in range(draw(st.integers(0, 3))):
        sender = draw(st.sampled_from(ids))
        to = draw(st.sets(st.sampled_from([i for i in ids if i != sender]), min_size=1,
                          max_size=2))
        threads.append(Thread(sender, {o: draw(st.none() | st.integers(1, 5000)) for o in to},
                              draw(st.sampled_from(list(RequestType))),
                              draw(st.sampled_from([1, 40, 500]))))
    disclosures = [Disclosure(draw(st.sampled_from(ids)), draw(st.sampled_from(ids)),
                              draw(st.sampled_from([1, 40, 500])),
                              draw(st.none() | st.integers(1, 5000)))
                   for _ in range(draw(st.integers(0, 3)))]
    return Extra(draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n)),
                 draw(st.lists(st.sampled_from([0, 1, 3, 11, 12, 20]), min_size=n, max_size=n)),
                 searchers, threads, disclosures)


def created(months_ago: int) -> datetime:
    """A moment `months_ago` months before NOW's month (mid-month)."""
    return month_start(NOW, months_ago + 1) + timedelta(days=14)


def store_extra(ctx: Context, world: WorldSpec, extra: Extra,
                acting: dict[str, Principal]) -> list[tuple[str, str, int | None, datetime]]:
    """Dates and crime types, hits from real searches, requests; every hit row (unfiltered)."""
    with ctx.db.write() as tx:
        for i, case_id in enumerate(world.case_ids):
            tx.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(
                crime_type=extra.crime[i].value, created_at=created(extra.months_ago[i])))
    for org_id, value in extra.searchers:
        search.search_value(ctx, acting[org_id], POOL[value].value, POOL[value].type.value)
    with ctx.db.write() as tx:
        hits = [(h.owner_org_id, h.searcher_org_id, h.case_id, h.at, h.id)
                for h in tx.session.scalars(select(HitRow))]
        for n, d in enumerate(extra.disclosures if hits else []):
            asked = NOW - timedelta(days=d.days_ago)
            tx.session.add(DisclosureRequestRow(
                id=f"dr{n}", hit_id=hits[0][4], requester_org_id=d.requester,
                owner_org_id=d.owner, reason="r", status="approved" if d.minutes else "open",
                created_at=asked, decision_reason="",
                decided_at=asked + timedelta(minutes=d.minutes) if d.minutes else None))
        for t in extra.threads:
            asked = NOW - timedelta(days=t.days_ago)
            row = ThreadRow(sender_org_id=t.sender, request_type=t.type.value,
                            priority="routine", subject="s", tlp="amber", created_at=asked,
                            updated_at=asked)
            tx.session.add(row)
            tx.session.flush()
            tx.session.add(PartyRow(thread_id=row.id, org_id=t.sender, status="sent"))
            for org_id, minutes in t.addressees.items():
                tx.session.add(PartyRow(
                    thread_id=row.id, org_id=org_id, status="answered" if minutes else "sent",
                    answered_at=asked + timedelta(minutes=minutes) if minutes else None))
    return [(o, s, c, at) for o, s, c, at, _ in hits]


def expected(world: WorldSpec, extra: Extra, viewer: Organisation,
             hits: list[tuple[str, str, int | None, datetime]]) -> dict[str, object]:
    """The figures from `decide()` and the party rules alone."""
    since = month_start(NOW, MONTHS)
    region = {o.id: o.region.value if o.region else "none" for o in world.orgs}
    full = {world.case_ids[i] for i in range(len(world.cases))
            if not world.cases[i].revoked and world.access(viewer, i, NOW) is Access.FULL}
    index = {cid: i for i, cid in enumerate(world.case_ids)}
    recent = [i for i in range(len(world.cases))
              if world.case_ids[i] in full and created(extra.months_ago[i]) >= since]
    crime = Counter((month_of(created(extra.months_ago[i])), extra.crime[i].value)
                    for i in recent)
    regions = Counter((month_of(created(extra.months_ago[i])), region[world.cases[i].owner])
                      for i in recent)
    hit_counts = Counter((month_of(at), "incoming" if owner == viewer.id else "outgoing")
                         for owner, searcher, case_id, at in hits
                         if viewer.id in (owner, searcher) and case_id in full and at >= since)
    assert all(c is None or c in index for _, _, c, _ in hits)
    disclosure = [(NOW - timedelta(days=d.days_ago),
                   NOW - timedelta(days=d.days_ago) + timedelta(minutes=d.minutes))
                  for d in (extra.disclosures if hits else [])
                  if viewer.id in (d.requester, d.owner) and d.minutes
                  and NOW - timedelta(days=d.days_ago) >= since]
    answers = [(NOW - timedelta(days=t.days_ago),
                NOW - timedelta(days=t.days_ago) + timedelta(minutes=m))
               for n, t in enumerate(extra.threads)
               if can_read_thread(viewer.id, ThreadRef(n, t.sender, frozenset(t.addressees)))
               and t.type is not RequestType.MESSAGE and NOW - timedelta(days=t.days_ago) >= since
               for m in t.addressees.values() if m]
    return {"cases": len(full), "crime": crime, "region": regions, "hits": hit_counts,
            "disclosure": response_times(disclosure), "requests": response_times(answers)}


@given(data=st.data())
@SETTINGS
def test_every_dashboard_figure_counts_only_what_decide_allows(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(worlds(NOW.date()))
    extra = data.draw(extras(world))
    acting = {org.id: p for org, p in knowledge_world(ctx, world, NOW)}
    hits = store_extra(ctx, world, extra, acting)
    for org in world.orgs:
        board = dashboard.dashboard(ctx, acting[org.id], MONTHS)
        want = expected(world, extra, org, hits)
        assert board.cases == want["cases"], org.id
        assert Counter({(p.month, p.key): p.count for p in board.cases_by_crime_type}) \
            == want["crime"], org.id
        assert Counter({(p.month, p.key): p.count for p in board.cases_by_region}) \
            == want["region"], org.id
        assert Counter({(p.month, p.key): p.count for p in board.hits}) == want["hits"], org.id
        assert board.disclosure_times == want["disclosure"], org.id
        assert board.request_times == want["requests"], org.id
    viewer = world.orgs[data.draw(st.integers(0, len(world.orgs) - 1))]
    user = acting[viewer.id].user
    assert user is not None
    cookie = auth.start_session(ctx, user).cookie
    answer = client_of(ctx, cookie).get(f"/api/v1/stats?months={MONTHS}")
    assert answer.status_code == 200
    assert answer.json() == dashboard_json(dashboard.dashboard(ctx, acting[viewer.id], MONTHS))
