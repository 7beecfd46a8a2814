"""Batch lookup on SQLite and PostgreSQL: one answer per value, recorded like a search."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from worlds import World, build_world, case_doc

from cyberfusion.domain.hits import MAX_LOOKUP_VALUES
from cyberfusion.domain.observables import ObservableType
from cyberfusion.errors import InvalidInput
from cyberfusion.formats.case_json import parse_case
from cyberfusion.presenters.lookups import lookup_answer_json
from cyberfusion.services import cases, lookups
from cyberfusion.services.context import Context
from cyberfusion.store.tables_hits import HitQueryRow, HitRow


@pytest.fixture
def world(ctx: Context) -> World:
    w = build_world(ctx)
    for org, title, handling in (("fr-cyber", "members", {"release": ["members"]}),
                                 ("de-cyber", "hit", {"release": ["country:DE"]}),
                                 ("br-cyber", "silent", {"release": ["country:BR"],
                                                         "hit_policy": "silent"})):
        draft = parse_case(case_doc(title=title, **handling), ctx.now().date(), 5)
        cases.create_case(ctx, w.principals[org], draft)
    return w


def test_every_value_gets_an_answer_of_the_same_shape(world: World) -> None:
    lines = ["# IOCs from a partner", "185.220.101[.]4", "domain,evil-payments.com",
             "ipv4,999.1.1.1", "203.0.113.9", "", "185.220.101.4"]
    items = lookups.parse_lines(lines)
    assert len(items) == 5
    answers = lookups.lookup(world.ctx, world.principals["fr-ncb"], items)
    docs = [lookup_answer_json(a) for a in answers]
    assert {frozenset(d) for d in docs} == {frozenset({"input", "type", "value", "error",
                                                       "cases", "hits", "warninglists"})}
    ip, domain, bad, nothing, again = docs
    assert [c["title"] for c in ip["cases"]] == ["members"]
    assert [h["owner"] for h in ip["hits"]] == ["de-cyber"]
    assert again["cases"] == ip["cases"] and again["hits"] == ip["hits"]
    assert domain["type"] == "domain" and [h["owner"] for h in domain["hits"]] == ["de-cyber"]
    assert bad["error"] and bad["cases"] == [] and bad["hits"] == []
    assert nothing["error"] is None and nothing["cases"] == [] and nothing["hits"] == []


def test_lookup_matches_are_recorded_once_per_query(world: World) -> None:
    ctx = world.ctx
    items = [(ObservableType.IPV4, "185.220.101.4"), (None, "evil-payments.com")] * 3
    lookups.lookup(ctx, world.principals["hub"], items)
    with ctx.db.read() as tx:
        answers = sorted(tx.session.scalars(select(HitRow.answer).where(
            HitRow.source == "lookup")))
        asked = tx.session.scalar(select(HitQueryRow.value_count).where(
            HitQueryRow.source == "lookup"))
        count = tx.session.scalar(select(func.count()).select_from(HitQueryRow))
    # two values x three other owners (fr full, de hit, br silent)
    assert answers == ["full", "full", "hit", "hit", "none", "none"]
    assert asked == 6 and count and count >= 1


def test_lookups_are_bounded(world: World) -> None:
    with pytest.raises(InvalidInput):
        lookups.prepare([(None, "x")] * (MAX_LOOKUP_VALUES + 1))
