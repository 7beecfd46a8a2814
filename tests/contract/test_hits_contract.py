"""Hits on SQLite and PostgreSQL: every match recorded, owners and NCBs told, one path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from worlds import World, build_world, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, hits, lookups, search
from cyberfusion.services.context import Context
from cyberfusion.store.tables import ObservableRow
from cyberfusion.store.tables_hits import HitNoticeRow, HitRow

IP = "185.220.101.4"


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def add(world: World, org: str, title: str = "case", **handling: Any) -> int:
    """A case of `org` with the three standard observables."""
    doc = {**case_doc(title=title, **handling)}
    draft = parse_case(doc, world.ctx.now().date(), 5)
    return cases.create_case(world.ctx, world.principals[org], draft).id


def recorded(ctx: Context, **where: Any) -> list[tuple[str, str, int | None]]:
    """(answer, owner, case) of recorded hits matching `where`."""
    with ctx.db.read() as tx:
        query = select(HitRow.answer, HitRow.owner_org_id, HitRow.case_id)
        for name, value in where.items():
            query = query.where(getattr(HitRow, name) == value)
        return sorted((str(a), str(o), c) for a, o, c in tx.session.execute(query))


def test_search_records_every_match_and_answers_by_decide(world: World) -> None:
    ctx = world.ctx
    shared = add(world, "fr-cyber", "released", release=["members"])
    hit = add(world, "de-cyber", "hit only", release=["country:DE"], hit_policy="hit")
    silent = add(world, "br-cyber", "silent", release=["country:BR"], hit_policy="silent")
    answer = search.search_value(ctx, world.principals["fr-ncb"], IP)
    assert [m.case_id for m in answer.full] == [shared]
    assert [h.owner_org_id for h in answer.hits] == ["de-cyber"]
    rows = recorded(ctx, source="search", searcher_org_id="fr-ncb")
    assert rows == sorted([("full", "fr-cyber", shared), ("hit", "de-cyber", hit),
                           ("none", "br-cyber", silent)])
    assert answer.hits[0].reference == recorded_ref(ctx, "de-cyber")


def recorded_ref(ctx: Context, owner: str) -> str:
    with ctx.db.read() as tx:
        return str(tx.session.scalar(select(func.min(HitRow.id)).where(
            HitRow.owner_org_id == owner, HitRow.answer == "hit", HitRow.source == "search")))


def test_owner_and_its_ncb_are_told_and_the_ncb_only_what_it_may_read(world: World) -> None:
    ctx = world.ctx
    add(world, "fr-cyber", "red", tlp="red", release=["org:fr-cyber"], hit_policy="hit")
    search.search_value(ctx, world.principals["de-cyber"], IP)
    [owner_note] = hits.inbox(ctx, world.principals["fr-cyber"])
    assert owner_note.hit is not None and owner_note.hit.searcher_org_id == "de-cyber"
    assert owner_note.hit.value == IP and owner_note.hit.case_id is not None
    [ncb_note] = hits.inbox(ctx, world.principals["fr-ncb"])
    assert ncb_note.hit is not None and ncb_note.hit.searcher_org_id == "de-cyber"
    assert ncb_note.hit.value == "" and ncb_note.hit.case_id is None
    assert hits.unread_count(ctx, world.principals["fr-cyber"]) == 1
    assert hits.mark_read(ctx, world.principals["fr-cyber"], None) == 1
    assert hits.inbox(ctx, world.principals["de-cyber"]) == []


def test_the_ncb_gets_one_notice_per_owner_not_one_per_case(world: World) -> None:
    ctx = world.ctx
    for title in ("one", "two", "three"):
        add(world, "fr-cyber", title, tlp="red", release=["org:fr-cyber"])
    search.search_value(ctx, world.principals["de-cyber"], IP)
    assert len(hits.inbox(ctx, world.principals["fr-cyber"])) == 3
    assert len(hits.inbox(ctx, world.principals["fr-ncb"])) == 1
    # The searcher sees one line per value and owner, never the number of cases.
    assert len(hits.outgoing(ctx, world.principals["de-cyber"])) == 1


@contextmanager
def statements(ctx: Context) -> Iterator[list[str]]:
    """The SQL statements run, with literals and parameters blanked out."""
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append(re.sub(r"'[^']*'|\$\d+|%\(\w+\)s|\?|\d+", "_", sql))

    event.listen(ctx.db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", listen)


def test_no_match_and_a_silent_match_run_the_same_statements(world: World) -> None:
    ctx = world.ctx
    add(world, "br-cyber", "silent", release=["country:BR"], hit_policy="silent")
    viewer = world.principals["de-cyber"]
    search.search_value(ctx, viewer, "10.9.9.9")  # warm caches
    with statements(ctx) as silent:
        quiet = search.search_value(ctx, viewer, IP)
    with statements(ctx) as nothing:
        empty = search.search_value(ctx, viewer, "203.0.113.77")
    assert silent == nothing
    assert (quiet.full, quiet.hits, quiet.warninglists) == (empty.full, empty.hits,
                                                            empty.warninglists)
    assert recorded(ctx, answer="none", searcher_org_id="de-cyber")


def test_submissions_hit_others_once_per_pair_and_value(world: World) -> None:
    ctx = world.ctx
    first = add(world, "fr-cyber", "first", release=["country:FR"])
    second = add(world, "de-cyber", "second", release=["country:DE"])
    rows = recorded(ctx, source="submission", searcher_org_id="de-cyber")
    assert [r[2] for r in rows] == [first] * 3  # wallet, IP and domain are strong
    assert {r[0] for r in rows} == {"hit"}
    views = hits.outgoing(ctx, world.principals["de-cyber"])
    assert {v.source_case_id for v in views} == {second}
    assert all(v.case_id is None for v in views)
    doc = parse_case({**case_doc(title="second v2", release=["country:DE"]), "version": 1},
                     ctx.now().date(), 5)
    cases.update_case(ctx, world.principals["de-cyber"], second, doc, 1)
    assert len(recorded(ctx, source="submission", searcher_org_id="de-cyber")) == 3
    with ctx.db.read() as tx:
        notices = tx.session.scalar(select(func.count()).select_from(HitNoticeRow)
                                    .where(HitNoticeRow.org_id == "fr-cyber"))
    assert notices == 3


def test_hit_pages_show_the_searcher_only_hit_and_full_answers(world: World) -> None:
    ctx = world.ctx
    add(world, "br-cyber", "silent", release=["country:BR"], hit_policy="silent")
    search.search_value(ctx, world.principals["de-cyber"], IP)
    assert hits.outgoing(ctx, world.principals["de-cyber"]) == []
    [incoming] = hits.incoming(ctx, world.principals["br-cyber"])
    assert incoming.answer == "none" and incoming.searcher_org_id == "de-cyber"
    with pytest.raises(Exception, match="no hit"):
        hits.hit_group(ctx, world.principals["de-cyber"], incoming.id)
    assert hits.hit_group(ctx, world.principals["br-cyber"], incoming.id)[0].id == incoming.id


def test_landing_an_import_batch_records_submission_hits(world: World, tmp_path: Any) -> None:
    from cyberfusion.services import imports

    ctx = world.ctx
    add(world, "fr-cyber", "first", release=["country:FR"])
    path = tmp_path / "cases.jsonl"
    path.write_text('{"type": "ipv4", "value": "185.220.101.4"}\n')
    path = tmp_path / "iocs.txt"
    path.write_text("C2 at 185.220.101[.]4 and bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n")
    job = imports.submit_path(ctx, world.principals["de-cyber"], path,
                             imports.ImportOptions(codec="text", release=("country:DE",)))
    done = imports.run(ctx, job.id)
    assert done is not None and done.status == "done", done
    rows = recorded(ctx, source="submission", searcher_org_id="de-cyber")
    assert {r[0] for r in rows} == {"hit"} and len(rows) == 2


def test_an_owner_does_not_learn_the_id_of_a_submitted_case_it_may_not_read(
        world: World) -> None:
    ctx = world.ctx
    mine = add(world, "fr-cyber", "mine", release=["country:FR"])
    theirs = add(world, "de-cyber", "theirs", tlp="red", release=["org:de-cyber"],
                 hit_policy="silent")
    incoming = hits.incoming(ctx, world.principals["fr-cyber"])
    assert {v.case_id for v in incoming} == {mine}
    assert {v.source_case_id for v in incoming} == {None}
    assert {v.source_case_id for v in hits.outgoing(ctx, world.principals["de-cyber"])
            } <= {theirs}


def test_warning_list_names_come_only_with_an_answer(world: World) -> None:
    ctx = world.ctx
    add(world, "br-cyber", "silent", release=["country:BR"], hit_policy="silent")
    with ctx.db.write() as tx:
        tx.session.execute(update(ObservableRow).where(ObservableRow.value == IP)
                           .values(warninglists="Tor exit nodes"))
    viewer = world.principals["de-cyber"]
    assert search.search_value(ctx, viewer, IP).warninglists == []
    assert search.search_value(ctx, viewer, "203.0.113.77").warninglists == []
    add(world, "fr-cyber", "released", release=["members"])
    assert search.search_value(ctx, viewer, IP).warninglists == ["Tor exit nodes"]


def test_the_outgoing_limit_counts_lines_so_hidden_matches_are_not_counted(
        world: World) -> None:
    ctx = world.ctx
    for n in range(6):  # six hidden cases hold each of the three values
        add(world, "de-cyber", f"hidden {n}", release=["country:DE"], hit_policy="hit")
    viewer = world.principals["fr-cyber"]
    lookups.lookup(ctx, viewer, [(None, IP), (None, "evil-payments.com"),
                                 (None, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")])
    assert [len(hits.outgoing(ctx, viewer, limit=k)) for k in (1, 2, 3, 4)] == [1, 2, 3, 3]
    everything = hits.outgoing(ctx, viewer)
    assert {(v.owner_org_id, v.answer, v.case_id) for v in everything} == {
        ("de-cyber", "hit", None)}
