"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and a small world."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from access_worlds import close_client
from sqlalchemy import Connection, create_engine, text

from cyberfusion.config import Settings
from cyberfusion.services.context import Context, build_context
from cyberfusion.store import schema
from cyberfusion.store.all_tables import Base

PG_ENV = "CYBERFUSION_TEST_POSTGRES"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def postgres_url() -> str | None:
    """The PostgreSQL URL to test against, if the environment gives one."""
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (skips without CYBERFUSION_TEST_POSTGRES)."""
    base = postgres_url()
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}=postgresql+psycopg://...")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in base else "?"
    # Commits do not wait for the WAL flush: 0.5 ms instead of 4-5 ms each on a busy disk,
    # and nothing a test observes depends on surviving a server crash.
    yield f"{base}{sep}options=-csearch_path%3D{name}%20-csynchronous_commit%3Doff"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each contract test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


def make_context(url: str, data_dir: Path, clock: datetime = NOW) -> Context:
    """A migrated Context with cheap password hashing and a fixed clock."""
    settings = Settings(database_url=url, data_dir=data_dir, warninglists=False, import_workers=0)
    ctx = build_context(settings, fast_hashing=True)
    ctx.clock = lambda: clock
    schema.upgrade(ctx.db)
    return ctx


@pytest.fixture
def ctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    """A migrated Context on the parametrised database."""
    context = make_context(db_url, tmp_path)
    yield context
    context.db.dispose()


@pytest.fixture
def sqlite_ctx(tmp_path: Path) -> Iterator[Context]:
    """A migrated Context on a SQLite file (for tests that need one backend only)."""
    context = make_context(f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)
    yield context
    context.db.dispose()


#: Every sequence of the test schema back to 1 (what TRUNCATE ... RESTART IDENTITY did).
_RESTART_SEQUENCES = ("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S' "
                      "AND c.relnamespace = current_schema()::regnamespace")


def empty_database(ctx: Context) -> Context:
    """Delete every row (property suites reuse one migrated database across examples).

    DELETE, not TRUNCATE: truncating the 45 tables made new files for each and cost 0.1 s
    idle and 0.9 s on a loaded PostgreSQL per example, against 10 ms for one statement
    batch of DELETEs. The append-only trigger of the audit trail is switched off for the
    batch only, so it still guards every example."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    deletes = "; ".join(f"DELETE FROM {name}" for name in tables)
    with ctx.db.engine.begin() as conn:
        if ctx.db.is_sqlite:
            _delete_on_sqlite(conn, deletes)
        else:
            conn.exec_driver_sql(
                f"ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only; {deletes}; "
                "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only; "
                f"{_RESTART_SEQUENCES}")
    with ctx.db.write() as tx:
        tx.audit.ensure_head()
    return ctx


def _delete_on_sqlite(conn: Connection, deletes: str) -> None:
    """Run `deletes` with the audit trail's no-delete trigger dropped, then put it back."""
    trigger = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                "AND name = 'audit_event_no_delete'")).scalar_one()
    conn.execute(text("DROP TRIGGER audit_event_no_delete"))
    for statement in deletes.split("; "):
        conn.execute(text(statement))
    conn.execute(text(trigger))


@pytest.fixture
def fresh(db_url: str, tmp_path: Path) -> Iterator[Callable[[], Context]]:
    """A factory of empty, migrated contexts on the parametrised database, clock at NOW."""
    ctx = make_context(db_url, tmp_path)

    def empty() -> Context:
        ctx.clock = lambda: NOW
        return empty_database(ctx)

    yield empty
    close_client(ctx)
    ctx.db.dispose()


#: The longest tests (measured with --durations on 2 cores, heaviest first). They start
#: first, and `--dist loadgroup` (pyproject; no test has a group, so each test is its own
#: unit) hands a worker its next test only when it has under three queued, so the two
#: workers share the long ones and the short tests fill in behind. The default `load` gave
#: one worker the first eighth of the collection, every contract property suite, up front.
LONGEST = (
    "test_history_access_property.py::test_every_history_path_follows_both_handlings[postgresql]",
    "test_access_property.py::test_no_read_path_leaks[postgresql]",
    "test_history_access_property.py::test_every_history_path_follows_both_handlings[sqlite]",
    "test_access_property.py::test_no_read_path_leaks[sqlite]",
    "test_stix_memory.py::test_memory_stays_bounded",
    "test_api_fuzz.py::test_no_server_error_on_any_operation",
    "test_knowledge_access_property.py::test_knowledge_reads_show_exactly_what_decide_allows"
    "[postgresql]",
    "test_taxii_access_property.py::test_taxii_collections_yield_exactly_what_decide_gives_in_full"
    "[postgresql]",
    "test_export_acceptance.py::test_every_file_exports_as_one_valid_bundle",
    "test_taxii.py::test_taxii2_client_walks_every_page_of_a_10000_object_collection",
    "test_access_property.py::test_sql_form_agrees_with_decide[postgresql]",
    "test_access_property.py::test_sql_form_agrees_with_decide[sqlite]",
    "test_channel_access_property.py::test_no_read_path_shows_a_thread_to_others[postgresql]",
    "test_hits_access_property.py::test_hits_lookups_and_networks_leak_nothing[postgresql]",
    "test_sweep_kill.py::test_kill_mid_sweep_loses_and_duplicates_nothing",
    "test_channel_access_property.py::test_no_read_path_shows_a_thread_to_others[sqlite]",
    "test_hits_access_property.py::test_hits_lookups_and_networks_leak_nothing[sqlite]",
)


def _rank(item: pytest.Item) -> int:
    """Position in LONGEST, or after all of them."""
    return next((n for n, name in enumerate(LONGEST) if item.nodeid.endswith(name)),
                len(LONGEST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest tests first (see LONGEST); the rest keep their collection order."""
    items.sort(key=_rank)
