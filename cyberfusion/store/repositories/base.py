"""What every repository shares: the session it works through, and adding one new row."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

R = TypeVar("R")


class Repo:
    """A repository over the session of one transaction (`store.tx.Tx` hands them out)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _added(self, row: R) -> R:
        """Add a new row and flush it, so that its generated id and defaults are known."""
        self.session.add(row)
        self.session.flush()
        return row


class DialectRepo(Repo):
    """A repository whose SQL differs between SQLite and PostgreSQL (JSON arrays, upserts)."""

    def __init__(self, session: Session, is_sqlite: bool) -> None:
        super().__init__(session)
        self.is_sqlite = is_sqlite
