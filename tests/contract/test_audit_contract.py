"""The audit trail: chained on append, append-only in the database, tamper found by verify."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import NOW
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from worlds import World, build_world, case_doc

from cyberfusion.domain.audit import AuditAction
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import audit, cases, search
from cyberfusion.services.context import Context


def _busy_trail(ctx: Context) -> World:
    w = build_world(ctx)
    doc = case_doc(release=["country:FR"], hit_policy="hit")
    cases.create_case(ctx, w.principals["fr-cyber"], parse_case(doc, NOW.date(), 5))
    search.search_value(ctx, w.principals["de-cyber"], "185.220.101.4")
    return w


def test_verify_passes_on_an_untouched_trail(ctx: Context) -> None:
    _busy_trail(ctx)
    checked, problem = audit.verify(ctx)
    assert problem is None and checked > 10


def test_database_refuses_updates_and_deletes(ctx: Context) -> None:
    _busy_trail(ctx)
    for statement in ("UPDATE audit_event SET action = 'x' WHERE seq = 2",
                      "DELETE FROM audit_event WHERE seq = 2"):
        with pytest.raises(DatabaseError), ctx.db.engine.begin() as conn:
            conn.execute(text(statement))


def _drop_guards(ctx: Context) -> None:
    with ctx.db.engine.begin() as conn:
        if ctx.db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))


@pytest.mark.parametrize(("statements", "seq", "word"), [
    (["UPDATE audit_event SET detail = '{}' WHERE seq = 5"], 5, "changed"),
    (["DELETE FROM audit_event WHERE seq = 4"], 4, "missing"),
    (["UPDATE audit_event SET seq = -1 WHERE seq = 3",
      "UPDATE audit_event SET seq = 3 WHERE seq = 4",
      "UPDATE audit_event SET seq = 4 WHERE seq = -1"], 3, "removed or reordered"),
    (["DELETE FROM audit_event WHERE seq = (SELECT MAX(seq) FROM audit_event)"], None,
     "newest events removed"),
])
def test_verify_names_the_first_tampered_event(
    ctx: Context, statements: list[str], seq: int | None, word: str
) -> None:
    _busy_trail(ctx)
    _drop_guards(ctx)
    with ctx.db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    _, problem = audit.verify(ctx)
    assert problem is not None and word in problem.problem
    if seq is not None:
        assert problem.seq == seq


def test_owner_sees_who_read_or_hit_its_data(ctx: Context) -> None:
    world = _busy_trail(ctx)
    events = audit.org_trail(ctx, world.principals["fr-cyber"], audit.USE_OF_DATA)
    hits = [e for e in events if e.action == "hit"]
    assert hits and hits[0].actor_org_id == "de-cyber" and hits[0].owner_org_id == "fr-cyber"


def _write_events(ctx: Context, writer: int, count: int) -> None:
    """`count` write transactions, each recording two events (as a change and its read do)."""
    for n in range(count):
        with ctx.db.write() as tx:
            for part in ("a", "b"):
                audit.record(tx, ctx, None, AuditAction.SEARCH, "load", f"{writer}-{n}{part}")


def test_concurrent_writers_leave_a_gap_free_verifiable_chain(ctx: Context) -> None:
    build_world(ctx)
    before, _ = audit.verify(ctx)
    writers, each = 6, 15
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(lambda w: _write_events(ctx, w, each), range(writers)))
    checked, problem = audit.verify(ctx)
    assert problem is None
    assert checked == before + writers * each * 2
    with ctx.db.read() as tx:
        ids = [e.item_id for e, _ in tx.audit.walk() if e.item_type == "load"]
    assert sorted(ids) == sorted(f"{w}-{n}{p}" for w in range(writers) for n in range(each)
                                 for p in "ab")


def test_an_open_transaction_with_events_does_not_hold_back_other_writers(
        ctx: Context) -> None:
    """The head lock is taken at commit: a writer that has recorded an event and is still
    at work does not make another writer wait (PostgreSQL; SQLite has one writer anyway)."""
    if ctx.db.is_sqlite:
        pytest.skip("SQLite serialises whole write transactions in its writer queue")
    recorded, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with ctx.db.write() as tx:
            audit.record(tx, ctx, None, AuditAction.SEARCH, "load", "slow")
            recorded.set()
            release.wait(30)

    slow = threading.Thread(target=slow_writer)
    slow.start()
    try:
        assert recorded.wait(10)
        quick = threading.Thread(target=_write_events, args=(ctx, 0, 3))
        quick.start()
        quick.join(10)
        assert not quick.is_alive(), "a writer waited for another's open transaction"
    finally:
        release.set()
        slow.join(30)
    checked, problem = audit.verify(ctx)
    assert problem is None and checked == 7


def test_a_transaction_reads_its_own_queued_events(ctx: Context) -> None:
    build_world(ctx)
    with ctx.db.write() as tx:
        audit.record(tx, ctx, None, AuditAction.AUDIT_READ, "org", "fr-cyber", "fr-cyber")
        seen = tx.audit.about_org("fr-cyber", ["audit.read"], None, 10)
    assert [e.item_id for e in seen] == ["fr-cyber"] and seen[0].seq > 0
    assert audit.verify(ctx)[1] is None
