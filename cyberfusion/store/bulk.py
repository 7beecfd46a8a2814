"""Bulk writes that keep up with imports: rows go to the driver in pages, as tuples.

The ORM bulk path builds a parameter dict per row and, with RETURNING, splices result pages
together; at a million rows that costs more than the database itself. Here SQLite gets
`executemany` (the sqlite3 module loops in C) and PostgreSQL gets `COPY … FROM STDIN`
(psycopg formats rows in C); rows that may clash on a unique key are copied into a
temporary table first and moved with `INSERT … SELECT … ON CONFLICT DO NOTHING`. Values
pass through each column type's bind processor, so they are stored as the ORM stores them.
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
#: Pages up to this many rows go to PostgreSQL as one multi-row INSERT rather than COPY.
SMALL_PAGE = 200

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How rows of one column list go into one table on one dialect."""

    name: str
    table: str
    columns: str
    processors: tuple[tuple[int, Processor], ...]
    conflict: str

    def rows(self, page: list[Sequence[Any]]) -> list[Sequence[Any]]:
        """Rows with each column's bind processor applied."""
        if not self.processors:
            return page
        return [_processed(row, self.processors) for row in page]


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
        processors = []
        for index, name in enumerate(columns):
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
        quote = dialect.identifier_preparer.quote
        _PLANS[key] = _Plan(
            table.name, dialect.identifier_preparer.format_table(table),
            ", ".join(quote(c) for c in columns), tuple(processors),
            f" ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO NOTHING"
            if conflict is not None else "")
    return _PLANS[key]


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
    postgres = connection.dialect.name == "postgresql"
    count = 0
    for page in _pages(rows, PAGE):
        if not postgres:
            _executemany(connection, plan, plan.rows(page))
        elif len(page) <= SMALL_PAGE:
            _values(connection, plan, plan.rows(page))
        else:
            _copy(connection, plan, plan.rows(page))
        count += len(page)
    if postgres and _grown(table.name, count):
        connection.exec_driver_sql(f"ANALYZE {plan.table}")
    return count


#: Rows bulk-written per table since its last ANALYZE, and when the next one is due.
_GROWTH: dict[str, list[int]] = {}


def _grown(table: str, count: int) -> bool:
    """True when a table has grown enough that PostgreSQL's planner statistics lag behind.

    A large import plans its later statements (hit detection over the rows just written)
    on statistics taken before it began; ANALYZE after 20,000, 40,000, 80,000 … new rows
    keeps the plans right at a logarithmic cost.
    """
    seen = _GROWTH.setdefault(table, [0, 20_000])
    seen[0] += count
    if seen[0] < seen[1]:
        return False
    seen[0], seen[1] = 0, seen[1] * 2
    return True


def _executemany(connection: Connection, plan: _Plan, page: list[Sequence[Any]]) -> None:
    marks = ", ".join("?" for _ in page[0])
    connection.exec_driver_sql(
        f"INSERT INTO {plan.table} ({plan.columns}) VALUES ({marks}){plan.conflict}",
        [tuple(row) for row in page])


def _values(connection: Connection, plan: _Plan, page: list[Sequence[Any]]) -> None:
    """One multi-row INSERT: for a few rows, one round trip beats COPY's four."""
    row = f"({', '.join('%s' for _ in page[0])})"
    connection.exec_driver_sql(
        f"INSERT INTO {plan.table} ({plan.columns}) VALUES "
        f"{', '.join(row for _ in page)}{plan.conflict}",
        tuple(value for values in page for value in values))


def _copy(connection: Connection, plan: _Plan, page: list[Sequence[Any]]) -> None:
    """COPY the page in; through a temporary table when clashing rows must be skipped."""
    target = f"_bulk_{plan.name}" if plan.conflict else plan.table
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor:  # type: ignore[union-attr]
        if plan.conflict:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {target} ON COMMIT DROP AS "
                           f"SELECT {plan.columns} FROM {plan.table} WITH NO DATA")
        with cursor.copy(f"COPY {target} ({plan.columns}) FROM STDIN") as copy:
            for row in page:
                copy.write_row(row)
        if plan.conflict:
            cursor.execute(f"INSERT INTO {plan.table} ({plan.columns}) SELECT {plan.columns} "
                           f"FROM {target}{plan.conflict}")
            cursor.execute(f"TRUNCATE {target}")


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
