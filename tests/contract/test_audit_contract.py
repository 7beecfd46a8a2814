"""The audit trail: chained on append, append-only in the database, tamper found by verify."""

from __future__ import annotations

import pytest
from conftest import NOW
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from worlds import World, build_world, case_doc

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
