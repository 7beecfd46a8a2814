"""Engine and transactions: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from cyberfusion.store.tx import Tx


class Database:
    """One engine per process; `write()` and `read()` hand out transactions as `Tx`."""

    def __init__(self, url: str, echo: bool = False, sqlite: SQLiteTuning | None = None) -> None:
        self.url = url
        self.engine = _make_engine(url, echo, sqlite or SQLiteTuning())
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write = sessionmaker(bind=writer, expire_on_commit=False)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        # SQLite has one writer: this process's writers queue here, in arrival order and
        # before taking a pooled connection, instead of in SQLite's busy handler (which
        # sleeps up to 100 ms between tries and starved writers under load: p99 > 4 s).
        self._writers = WriterQueue() if self.is_sqlite else None

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A read-write transaction, committed on success and rolled back on error; its
        audit events are chained just before the commit (see `AuditRepo.seal`)."""
        with self._writers or nullcontext(), self._write() as session, session.begin():
            tx = Tx(session, self.is_sqlite)
            yield tx
            tx.before_commit()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (rolled back at the end)."""
        with self._read() as session, session.begin():
            yield Tx(session, self.is_sqlite)
            session.rollback()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """Copy the SQLite write-ahead log into the database file without blocking readers
        or writers (PASSIVE): (busy, log frames, frames copied); None on PostgreSQL."""
        if not self.is_sqlite:
            return None
        with self.engine.connect() as conn:
            row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(row[0]), int(row[1]), int(row[2])

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class WriterQueue:
    """A first-come first-served lock, re-entrant per thread (a nested write in the same
    thread passes, as it did before the queue)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[tuple[int, threading.Lock]] = deque()
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self) -> None:
        me = threading.get_ident()
        with self._guard:
            if self._owner in (None, me):
                self._owner, self._depth = me, self._depth + 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append((me, turn))
        turn.acquire()  # the previous holder made us the owner, then released this

    def __exit__(self, *_: object) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            if self._waiting:
                self._owner, turn = self._waiting.popleft()
                self._depth = 1
                turn.release()


@dataclass(frozen=True, slots=True)
class SQLiteTuning:
    """Page cache per connection and memory map shared by all, in MiB (SQLite only)."""

    cache_mb: int = 64
    mmap_mb: int = 0
    #: WAL pages after which a committing writer checkpoints (the checkpoint worker of
    #: `cyberfusion serve` normally gets there first, off the request path).
    autocheckpoint_pages: int = 10_000


def _make_engine(url: str, echo: bool, tuning: SQLiteTuning) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and explicit BEGIN handling."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10,
                               max_overflow=20)
        _configure_postgres(engine)
        return engine
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    memory = parsed.database in (None, "", ":memory:")
    if memory:
        kwargs["poolclass"] = StaticPool
    elif parsed.database:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, **kwargs)
    _configure_sqlite(engine, memory, tuning)
    return engine


def _configure_sqlite(engine: Engine, memory: bool, tuning: SQLiteTuning) -> None:
    """Pragmas on connect; BEGIN issued by us so writers can take the lock up front."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA mmap_size={tuning.mmap_mb * 1024 * 1024:d}")
            cursor.execute(f"PRAGMA wal_autocheckpoint={tuning.autocheckpoint_pages:d}")
        cursor.execute(f"PRAGMA cache_size={-tuning.cache_mb * 1024:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _configure_postgres(engine: Engine) -> None:
    """JIT compilation off for our sessions: the access-checked hit statements are costed
    high enough to be compiled, which took 1.3 s of a 1.35 s run (measured, PostgreSQL 15)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_conn.commit()


def new_session(db: Database) -> Session:
    """A bare session for tools such as migrations checks."""
    return Session(db.engine)
