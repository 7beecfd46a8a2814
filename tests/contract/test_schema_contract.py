"""Migrations build exactly the schema the table definitions describe."""

from __future__ import annotations

from cyberfusion.services.context import Context
from cyberfusion.store import schema


def test_migrations_match_tables(ctx: Context) -> None:
    assert schema.current_revision(ctx.db) == schema.head_revision()
    assert schema.differences(ctx.db) == []


def test_upgrade_is_idempotent(ctx: Context) -> None:
    schema.upgrade(ctx.db)
    assert schema.current_revision(ctx.db) == schema.head_revision()


def test_postgres_sessions_run_without_jit(ctx: Context) -> None:
    if ctx.db.is_sqlite:
        return  # SQLite has no JIT; the PostgreSQL run of this test checks the setting
    with ctx.db.read() as tx:
        assert tx.session.connection().exec_driver_sql("SHOW jit").scalar() == "off"
