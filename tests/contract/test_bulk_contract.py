"""Driver-level bulk writes store exactly what the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from conftest import NOW
from sqlalchemy import select

from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import Organisation, OrgKind
from cyberfusion.services.context import Context
from cyberfusion.store.bulk import PAGE, allocate_ids, insert_dicts, insert_rows, table_of
from cyberfusion.store.tables import HandlingRow, ObservableRow
from cyberfusion.store.tables_imports import SourceObjectRow

H = Handling(tlp=TLP.AMBER, release=frozenset(), review_by=NOW.date() + timedelta(days=400))
COLUMNS = ("owner_ref", "ref", "type", "modified", "revoked", "body", "handling_id", "job_id",
           "landed_at")


def _handling(ctx: Context) -> int:
    with ctx.db.write() as tx:
        tx.orgs.add(Organisation("fr-cyber", "FR", OrgKind.UNIT, "FR"), NOW)
        return tx.handlings.add("fr-cyber", H)


def test_rows_read_back_as_the_orm_wrote_them(ctx: Context) -> None:
    hid = _handling(ctx)
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 1, 11, 30, 15, 250000, tzinfo=paris)
    rows = [("fr|a", "a", "indicator", moment, True, '{"x": 1}', hid, None, moment),
            ("fr|b", "b", "report", None, False, "{}", hid, None, moment)]
    with ctx.db.write() as tx:
        assert insert_rows(tx.session, table_of(SourceObjectRow), COLUMNS, rows) == 2
    with ctx.db.read() as tx:
        got = {r.ref: r for r in tx.session.scalars(select(SourceObjectRow))}
        # Timestamps come back in UTC and compare in order as ORM-written ones do.
        assert got["a"].modified == moment.astimezone(UTC)
        assert got["a"].revoked is True and got["b"].revoked is False
        assert got["b"].modified is None and got["a"].body == '{"x": 1}'
        later = tx.session.scalars(select(SourceObjectRow.ref).where(
            SourceObjectRow.modified > moment - timedelta(seconds=1))).all()
        assert later == ["a"]


def test_conflicting_rows_are_skipped_and_pages_all_land(ctx: Context) -> None:
    count = PAGE + 7
    rows = [("domain", f"h{n}.example", f"{n:032x}", "") for n in range(count)]
    columns = ("type", "value", "key", "warninglists")
    with ctx.db.write() as tx:
        insert_rows(tx.session, table_of(ObservableRow), columns, rows[:10])
        insert_rows(tx.session, table_of(ObservableRow), columns,
                    [(t, "changed", k, w) for t, _, k, w in rows[:5]] + rows[10:],
                    conflict=("key",))
    with ctx.db.read() as tx:
        stored = dict(tx.session.execute(select(ObservableRow.key, ObservableRow.value)).all())
    assert len(stored) == count
    assert stored[f"{3:032x}"] == "h3.example"  # the first write won


def test_allocated_ids_are_fresh_and_usable(ctx: Context) -> None:
    first = _handling(ctx)
    with ctx.db.write() as tx:
        ids = allocate_ids(tx.session, table_of(HandlingRow), 3)
        assert len(set(ids)) == 3 and first not in ids
        insert_dicts(tx.session, table_of(HandlingRow), [
            {"id": i, "owner_org_id": "fr-cyber", "tlp": "amber", "hit_policy": "hit",
             "purpose": "investigation", "review_by": H.review_by, "reliability": None,
             "credibility": None, "personal_data": False} for i in ids])
        assert tx.handlings.add("fr-cyber", H) not in [first, *ids]
        assert allocate_ids(tx.session, table_of(HandlingRow), 0) == []


def test_statistics_are_refreshed_as_a_table_doubles() -> None:
    from cyberfusion.store import bulk

    bulk._GROWTH.pop("growth_probe", None)
    due = [bulk._grown("growth_probe", 10_000) for _ in range(12)]
    # ANALYZE after 20k new rows, then after 40k more, then after 80k more.
    assert [i for i, d in enumerate(due) if d] == [1, 5]
