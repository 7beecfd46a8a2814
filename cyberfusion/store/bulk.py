"""Bulk writes that keep up with imports: one driver-level statement per page of rows.

The ORM bulk path builds a parameter dict per row and, with RETURNING, splices result pages
together; at a million rows that costs more than the database itself. Here rows are tuples:
SQLite gets `executemany` (the sqlite3 module loops in C), PostgreSQL one
`INSERT … SELECT FROM unnest(array, …)` per page (a single round trip with typed arrays).
Values pass through each column type's bind processor, so they are stored exactly as the
ORM would store them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

PAGE = 20_000

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The statement for one table, column list and conflict rule on one dialect."""

    sql: str
    processors: tuple[tuple[int, Processor], ...]
    columnar: bool

    def params(self, page: list[Sequence[Any]]) -> Any:
        """Rows as the driver takes them: a list of tuples, or a tuple of column lists."""
        if self.processors:
            page = [_processed(row, self.processors) for row in page]
        if self.columnar:
            return tuple(list(column) for column in zip(*page, strict=True))
        return page


def _processed(row: Sequence[Any], processors: tuple[tuple[int, Processor], ...]) -> list[Any]:
    values = list(row)
    for index, process in processors:
        values[index] = process(values[index])
    return values


_PLANS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...] | None], _Plan] = {}


def _plan(dialect: Dialect, table: Table, columns: tuple[str, ...],
          conflict: tuple[str, ...] | None) -> _Plan:
    key = (dialect.name, table.name, columns, conflict)
    if key not in _PLANS:
        _PLANS[key] = _build_plan(dialect, table, columns, conflict)
    return _PLANS[key]


def _build_plan(dialect: Dialect, table: Table, columns: tuple[str, ...],
                conflict: tuple[str, ...] | None) -> _Plan:
    processors = []
    for index, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((index, process))
    quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    head = f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({quoted}) "
    tail = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict is not None else ""
    if dialect.name == "postgresql":
        arrays = ", ".join(f"%s::{table.c[c].type.compile(dialect=dialect)}[]" for c in columns)
        return _Plan(f"{head}SELECT * FROM unnest({arrays}){tail}", tuple(processors), True)
    marks = ", ".join("?" for _ in columns)
    return _Plan(f"{head}VALUES ({marks}){tail}", tuple(processors), False)


def table_of(mapped: Any) -> Table:
    """The Core table behind a mapped class."""
    table: Table = mapped.__table__
    return table


def _pages(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while page := list(islice(it, size)):
        yield page


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], conflict: Sequence[str] | None = None) -> int:
    """Insert tuples of `columns` values; with `conflict`, rows clashing on it are skipped."""
    session.flush()
    connection = session.connection()
    plan = _plan(connection.dialect, table, tuple(columns),
                 tuple(conflict) if conflict is not None else None)
    count = 0
    for page in _pages(rows, PAGE):
        _run(connection, plan, page)
        count += len(page)
    return count


def _run(connection: Connection, plan: _Plan, page: list[Sequence[Any]]) -> None:
    params = plan.params(page)
    if plan.columnar:
        connection.exec_driver_sql(plan.sql, params)
    else:
        connection.exec_driver_sql(plan.sql, [tuple(row) for row in params])


def insert_dicts(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """`insert_rows` for dicts that all have the keys of the first one."""
    if not rows:
        return 0
    columns = tuple(rows[0])
    return insert_rows(session, table, columns, [tuple(r[c] for c in columns) for r in rows])


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, reserved inside the current write transaction.

    SQLite has one writer at a time (`BEGIN IMMEDIATE`), so ids above the current maximum
    are free until commit; PostgreSQL draws them from the column's sequence.
    """
    if count <= 0:
        return []
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count})
        return sorted(int(r[0]) for r in rows)
    top = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar()
    start = int(top or 0) + 1
    return list(range(start, start + count))
