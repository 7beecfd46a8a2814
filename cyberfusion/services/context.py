"""What every service call needs: settings, the database, a clock and the password hasher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from argon2 import PasswordHasher

from cyberfusion.config import Settings
from cyberfusion.store.db import Database, SQLiteTuning


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass
class Context:
    """Built once per process (`build_context`) and passed to every service."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = utcnow
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    def now(self) -> datetime:
        """The time according to this context's clock (tests drive it)."""
        return self.clock()


def build_context(settings: Settings, fast_hashing: bool = False) -> Context:
    """Open the configured database and wrap it in a Context.

    `fast_hashing` lowers argon2id cost for tests and the demo seed only.
    """
    db = Database(settings.resolved_database_url(),
                  sqlite=SQLiteTuning(settings.sqlite_cache_mb, settings.sqlite_mmap_mb))
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1) if fast_hashing \
        else PasswordHasher()
    return Context(settings=settings, db=db, hasher=hasher)
