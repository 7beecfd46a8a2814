"""INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: writes made idempotent by key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, table: Any, rows: Sequence[dict[str, Any]],
                  conflict: list[str]) -> None:
    """Insert `rows`, skipping any that clash on the unique columns `conflict`."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).on_conflict_do_nothing(index_elements=conflict)
    session.execute(stmt, list(rows))
