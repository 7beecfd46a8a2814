"""Knowledge rows as exports read them: every entity row and relationship a reader may read in
full, filtered in SQL with the access decision on the row (and, for a relationship, on both
ends: an entity row or a live case)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, literal, or_, select
from sqlalchemy.orm import Session

from cyberfusion.domain.knowledge import End, EndKind, Entity, Relationship
from cyberfusion.domain.model import Organisation
from cyberfusion.store.repositories.correlation import live_case
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.repositories.knowledge import KnowledgeRepo, readable
from cyberfusion.store.tables import CaseRow, EntityRow
from cyberfusion.store.tables_knowledge import RelationshipRow

R = RelationshipRow
_CHUNK = 500


def _entity_readable(column: Any, org: Organisation, now: datetime) -> ColumnElement[bool]:
    """EXISTS: the entity row `column` names is live and readable in full."""
    return exists(select(literal(1)).where(
        EntityRow.id == column, EntityRow.revoked.is_(False),
        readable(EntityRow.handling_id, org, now)))


def _case_readable(column: Any, org: Organisation, now: datetime) -> ColumnElement[bool]:
    """EXISTS: the case `column` names is live and readable in full."""
    return exists(select(literal(1)).where(
        CaseRow.id == column, live_case(), readable(CaseRow.handling_id, org, now)))


def _end(entity: Any, case: Any, org: Organisation, now: datetime) -> ColumnElement[bool]:
    """One end of a relationship is a readable entity row or a readable, live case."""
    return or_(_entity_readable(entity, org, now), _case_readable(case, org, now))


class KnowledgeExportRepo:
    """Entity rows and relationships for an export, each read in full by the exporter."""

    def __init__(self, session: Session, handlings: HandlingRepo) -> None:
        self.session = session
        self.knowledge = KnowledgeRepo(session, handlings)

    def relationships(self, org: Organisation, now: datetime,
                      case_ids: Sequence[int] | None = None) -> list[Relationship]:
        """Readable relationships with readable ends (only those touching `case_ids`, if
        given), in id order."""
        where = [R.revoked.is_(False), readable(R.handling_id, org, now),
                 _end(R.source_entity_id, R.source_case_id, org, now),
                 _end(R.target_entity_id, R.target_case_id, org, now)]
        if case_ids is None:
            rows = list(self.session.scalars(select(R).where(*where).order_by(R.id)))
        else:
            rows = []
            for start in range(0, len(case_ids), _CHUNK):
                chunk = case_ids[start:start + _CHUNK]
                rows += self.session.scalars(select(R).where(
                    *where, or_(R.source_case_id.in_(chunk), R.target_case_id.in_(chunk))))
            rows = sorted({r.id: r for r in rows}.values(), key=lambda r: r.id)
        governed = self.knowledge.handlings.get_many(r.handling_id for r in rows)
        return [_relationship(r, governed[r.handling_id]) for r in rows]

    def entities(self, org: Organisation, now: datetime,
                 row_ids: Sequence[int] | None = None) -> list[Entity]:
        """Readable, live entity rows (only `row_ids`, if given), in id order."""
        where = [EntityRow.revoked.is_(False), readable(EntityRow.handling_id, org, now)]
        if row_ids is None:
            rows = list(self.session.scalars(select(EntityRow).where(*where)
                                             .order_by(EntityRow.id)))
        else:
            rows = []
            for start in range(0, len(row_ids), _CHUNK):
                rows += self.session.scalars(select(EntityRow).where(
                    *where, EntityRow.id.in_(row_ids[start:start + _CHUNK])))
            rows.sort(key=lambda r: r.id)
        return self.knowledge.entities_of(rows)


def _end_of(entity_id: int | None, case_id: int | None, stix: str) -> End:
    if entity_id is not None:
        return End(EndKind.ENTITY, entity_id, stix)
    return End(EndKind.CASE, case_id or 0, stix)


def _relationship(row: RelationshipRow, governed: Any) -> Relationship:
    return Relationship(
        row.id, row.type, _end_of(row.source_entity_id, row.source_case_id, row.source_stix),
        _end_of(row.target_entity_id, row.target_case_id, row.target_stix),
        governed.owner_org_id, row.handling_id, governed.handling, row.stix_id,
        description=row.description, first_seen=row.first_seen, last_seen=row.last_seen,
        ref=row.source_ref, created=row.created_at, modified=row.modified)
