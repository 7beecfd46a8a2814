"""The TAXII pool in pool order: readable cases, their owners and kept knowledge after a
position, each filtered by the SQL form of `decide()` (the queries exports and lists use)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select

from cyberfusion.domain.imports import KeptObject
from cyberfusion.domain.model import CaseFilter, Organisation
from cyberfusion.domain.taxii import Kind, Position
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.cases import CaseRepo, scope_clauses
from cyberfusion.store.repositories.imports import kept_query, owner_ref
from cyberfusion.store.tables import CaseRow, HandlingRow
from cyberfusion.store.tables_imports import SourceObjectRow


@dataclass(frozen=True, slots=True)
class PoolRow:
    """One pooled row: when it was added, what it is and its key (a case or object id, or
    an owner organisation); `kept` is the object's body for kept knowledge."""

    added: datetime
    kind: Kind
    key: str
    kept: KeptObject | None = None


def _after(added: Any, key: Any, kind: Kind, pos: Position,
           added_after: datetime | None) -> list[ColumnElement[bool]]:
    """Rows at or after `pos` in (date_added, kind, key) order, added after `added_after`."""
    if kind < pos.kind:
        clauses = [added > pos.added]
    elif kind > pos.kind:
        clauses = [added >= pos.added]
    else:
        start: Any = pos.key if kind is Kind.OWNER else int(pos.key or 0)
        clauses = [or_(added > pos.added, and_(added == pos.added, key >= start))]
    if added_after is not None:
        clauses.append(added > added_after)
    return clauses


class TaxiiRepo(Repo):
    """Pages of the pool as TAXII serves it."""

    def __init__(self, session: Any, cases: CaseRepo) -> None:
        super().__init__(session)
        self.cases = cases

    def case_rows(self, org: Organisation, now: datetime, scope: CaseFilter, pos: Position,
                  added_after: datetime | None, limit: int,
                  kept_ids: frozenset[str] = frozenset(),
                  kept_types: frozenset[str] = frozenset()) -> list[PoolRow]:
        """Readable cases in the view, by (updated_at, id), from `pos` on (only those keeping
        an object with one of `kept_ids` or `kept_types`, if given)."""
        query = (self.cases.visible(org, now, scope)
                 .with_only_columns(CaseRow.updated_at, CaseRow.id)
                 .where(*_after(CaseRow.updated_at, CaseRow.id, Kind.CASE, pos, added_after))
                 .order_by(CaseRow.updated_at, CaseRow.id).limit(limit))
        for column, wanted in ((SourceObjectRow.ref, kept_ids), (SourceObjectRow.type,
                                                                  kept_types)):
            if wanted:
                query = query.where(exists(select(SourceObjectRow.id).where(
                    SourceObjectRow.case_id == CaseRow.id, column.in_(sorted(wanted)))))
        return [PoolRow(added, Kind.CASE, str(ident))
                for added, ident in self.session.execute(query)]

    def owner_rows(self, org: Organisation, now: datetime, scope: CaseFilter, pos: Position,
                   added_after: datetime | None, limit: int) -> list[PoolRow]:
        """Owners of readable cases in the view, added with their first such case."""
        first = func.min(CaseRow.created_at)
        query = (self.cases.visible(org, now, scope)
                 .with_only_columns(HandlingRow.owner_org_id, first)
                 .group_by(HandlingRow.owner_org_id)
                 .having(*_after(first, HandlingRow.owner_org_id, Kind.OWNER, pos, added_after))
                 .order_by(first, HandlingRow.owner_org_id).limit(limit))
        return [PoolRow(added, Kind.OWNER, owner) for owner, added in self.session.execute(query)]

    def knowledge_rows(self, org: Organisation, now: datetime, scope: CaseFilter,
                       pos: Position, added_after: datetime | None, limit: int,
                       ids: frozenset[str] = frozenset(),
                       types: frozenset[str] = frozenset()) -> list[PoolRow]:
        """Readable objects kept outside cases in the view, by (landed_at, id), from `pos`."""
        query = (kept_query(org, now).add_columns(SourceObjectRow.landed_at)
                 .where(SourceObjectRow.case_id.is_(None), *scope_clauses(scope),
                        *_after(SourceObjectRow.landed_at, SourceObjectRow.id, Kind.KNOWLEDGE,
                                pos, added_after))
                 .order_by(SourceObjectRow.landed_at, SourceObjectRow.id).limit(limit))
        if ids:
            query = query.where(SourceObjectRow.ref.in_(sorted(ids)))
        if types:
            query = query.where(SourceObjectRow.type.in_(sorted(types)))
        return [PoolRow(landed, Kind.KNOWLEDGE, str(ident),
                        KeptObject(owner, ref, kind, tlp, case_id, orjson.loads(body)))
                for ident, owner, ref, kind, tlp, case_id, body, landed
                in self.session.execute(query)]

    def owned(self, owner_org_id: str, ref: str) -> list[tuple[int, dict[str, Any]]]:
        """The owner's kept objects with this ref outside cases: (row id, body)."""
        query = select(SourceObjectRow.id, SourceObjectRow.body).where(
            SourceObjectRow.owner_ref == owner_ref(owner_org_id, ref),
            SourceObjectRow.case_id.is_(None))
        return [(ident, orjson.loads(body)) for ident, body in self.session.execute(query)]

    def delete(self, row_ids: Sequence[int]) -> int:
        """Forget these kept objects."""
        result = self.session.execute(delete(SourceObjectRow).where(
            SourceObjectRow.id.in_(list(row_ids))))
        return int(getattr(result, "rowcount", 0) or 0)

    def kept_versions(self, owner_org_id: str, refs: Sequence[str]) -> dict[str, str]:
        """The stored `modified` (or "") of the owner's kept objects with these refs."""
        found: dict[str, str] = {}
        for start in range(0, len(refs), 500):
            keys = [owner_ref(owner_org_id, r) for r in refs[start:start + 500]]
            query = select(SourceObjectRow.ref, SourceObjectRow.body).where(
                SourceObjectRow.owner_ref.in_(keys))
            for ref, body in self.session.execute(query):
                stored = orjson.loads(body)
                found[ref] = str(stored.get("modified") or stored.get("created") or "")
        return found
