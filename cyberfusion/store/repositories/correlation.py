"""The correlation index (derived weak keys per observable) and SQL pieces shared by hits
and networks: many keys or ids as one bound JSON parameter, random ids made by the database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Select,
    String,
    Text,
    and_,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from cyberfusion.domain.correlation import STRONG_TYPES
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.bulk import PAGE, insert_rows, table_of
from cyberfusion.store.repositories.base import DialectRepo
from cyberfusion.store.tables import CaseRow, HandlingRow, ObservableRow, OccurrenceRow
from cyberfusion.store.tables_hits import CorrelationKeyRow

STRONG = sorted(t.value for t in STRONG_TYPES)


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern with `\\` as escape: its `%`, `_` and `\\` match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def json_table(is_sqlite: bool, param: ColumnElement[str], name: str) -> FromClause:
    """A one-column table `value` over the JSON array text `param` (one bound parameter)."""
    if is_sqlite:
        return func.json_each(param).table_valued("value").alias(name)
    return func.jsonb_array_elements_text(cast(param, JSONB)).table_valued("value").alias(name)


def int_column(is_sqlite: bool, table: FromClause) -> ColumnElement[int]:
    """The `value` column of a `json_table` of integers, typed as an integer everywhere."""
    column: ColumnElement[int] = table.c.value if is_sqlite else cast(table.c.value, BigInteger)
    return column


def in_pages(session: Session, stmt: Any, name: str, items: Sequence[object],
             **params: Any) -> Iterator[Any]:
    """Run `stmt` once per page of `items`, bound as the JSON array parameter `name`."""
    for start in range(0, len(items), PAGE):
        yield session.execute(stmt, {name: json.dumps(list(items[start:start + PAGE])),
                                     **params})


def json_values(is_sqlite: bool, items: Sequence[object], name: str) -> FromClause:
    """A one-column table `value` over `items`, bound as a single JSON text parameter."""
    return json_table(is_sqlite, literal(json.dumps(list(items)), String()), name)


def json_ints(is_sqlite: bool, ids: Sequence[int], name: str) -> tuple[FromClause,
                                                                       ColumnElement[int]]:
    """`json_values` of integers, with the column typed as an integer on every backend."""
    table = json_values(is_sqlite, ids, name)
    return table, int_column(is_sqlite, table)


def random_id(is_sqlite: bool) -> ColumnElement[str]:
    """16 random hex digits per row, drawn by the database (used in INSERT … SELECT)."""
    if is_sqlite:
        return func.lower(func.hex(func.randomblob(8)))
    entropy = cast(func.random(), Text) + cast(func.clock_timestamp(), Text)
    return func.substr(func.md5(entropy), 1, 16)


def live_case() -> ColumnElement[bool]:
    """The case is not revoked."""
    return CaseRow.revoked.is_(False)


@dataclass(frozen=True, slots=True)
class WeakLink:
    """Two readable cases that share a derived key (or a weak-type value)."""

    case_id: int
    other_case_id: int
    value: str
    via: str


class CorrelationRepo(DialectRepo):
    """Keeps the derived keys of observables and answers weak-link questions."""

    def unindexed(self, after_id: int, limit: int) -> list[tuple[int, str, str]]:
        """(id, type, value) of observables above the high-water mark, oldest first."""
        query = (select(ObservableRow.id, ObservableRow.type, ObservableRow.value)
                 .where(ObservableRow.id > after_id).order_by(ObservableRow.id).limit(limit))
        return [(int(i), str(t), str(v)) for i, t, v in self.session.execute(query)]

    def add_keys(self, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """Store (observable id, derived key, value, via) rows; repeats in the call dropped."""
        unique = {(o, k): (o, k, v, via) for o, k, v, via in rows}
        insert_rows(self.session, table_of(CorrelationKeyRow),
                    ("observable_id", "key", "value", "via"), unique.values(),
                    conflict=("observable_id", "key"))

    def weak_links(self, case_ids: Sequence[int], org: Organisation, now: datetime,
                   limit: int) -> list[WeakLink]:
        """Readable cases sharing a derived key or a weak-type value with `case_ids`."""
        if not case_ids:
            return []
        paths = [self._path(case_ids, org, now, kind) for kind in ("own", "derived", "mine",
                                                                     "weak")]
        union = paths[0].union(*paths[1:]).subquery()
        query = select(union).order_by(*union.c).limit(limit)
        return [WeakLink(int(a), int(b), str(v), str(via))
                for a, b, v, via in self.session.execute(query)]

    def _path(self, case_ids: Sequence[int], org: Organisation, now: datetime,
              kind: str) -> Select[Any]:
        """One way two cases share a weak key, as (my case, their case, value, via)."""
        ours, ours_col = json_ints(self.is_sqlite, sorted(set(case_ids)), "ours")
        mine, theirs = aliased(OccurrenceRow), aliased(OccurrenceRow)
        mo, to = aliased(ObservableRow), aliased(ObservableRow)
        ck, tck = aliased(CorrelationKeyRow), aliased(CorrelationKeyRow)
        query = (select(ours).join(mine, mine.case_id == ours_col)
                 .join(mo, mo.id == mine.observable_id))
        if kind == "own":  # my derived key is their value's own key
            query = query.join(ck, ck.observable_id == mo.id).join(to, to.key == ck.key).join(
                theirs, theirs.observable_id == to.id)
            shown: tuple[Any, Any] = (ck.value, ck.via)
        elif kind == "derived":  # both derive the same key
            query = query.join(ck, ck.observable_id == mo.id).join(
                tck, and_(tck.key == ck.key, tck.observable_id != mo.id)).join(
                theirs, theirs.observable_id == tck.observable_id)
            shown = (ck.value, ck.via)
        elif kind == "mine":  # my value's own key is their derived key
            query = query.join(tck, tck.key == mo.key).join(
                theirs, theirs.observable_id == tck.observable_id)
            shown = (mo.value, tck.via)
        else:  # the same value of a weak type
            query = query.join(theirs, theirs.observable_id == mo.id).where(
                mo.type.not_in(STRONG))
            shown = (mo.value, literal("same value", String()))
        return (query.join(CaseRow, CaseRow.id == theirs.case_id)
                .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                .where(theirs.case_id != mine.case_id, live_case(), full_clause(org, now))
                .with_only_columns(mine.case_id, theirs.case_id, *shown))

    def holder_counts(self, observable_ids: Sequence[int]) -> dict[int, int]:
        """How many live cases hold each value (absent: none)."""
        if not observable_ids:
            return {}
        ids, col = json_ints(self.is_sqlite, sorted(set(observable_ids)), "ids")
        query = (select(OccurrenceRow.observable_id, func.count(OccurrenceRow.case_id))
                 .select_from(ids).join(OccurrenceRow, OccurrenceRow.observable_id == col)
                 .join(CaseRow, CaseRow.id == OccurrenceRow.case_id).where(live_case())
                 .group_by(OccurrenceRow.observable_id))
        return {int(o): int(n) for o, n in self.session.execute(query)}
