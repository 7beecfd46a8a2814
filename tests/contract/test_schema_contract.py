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


def test_sessions_run_with_the_settings_applied_on_connect(ctx: Context) -> None:
    # SQLite enforces foreign keys only when asked on each connection; PostgreSQL's JIT
    # compilation is turned off on each connection.
    with ctx.db.read() as tx:
        conn = tx.session.connection()
        if ctx.db.is_sqlite:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
