"""Entities (actors, families, tools, techniques): reference data and member data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.store.repositories.correlation import escape_like
from cyberfusion.store.repositories.imports import UpsertResult, owner_ref
from cyberfusion.store.tables import EntityRow

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class EntityName:
    """An entity's kind, name and aliases (what lookups need)."""

    id: int
    kind: str
    name: str
    aliases: tuple[str, ...]
    external_id: str


class EntityRepo:
    """Upserts entities by source ref; newest `modified` wins."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert_many(self, owner_org_id: str, items: Sequence[ImportedEntity],
                    handling_id: int) -> UpsertResult:
        """Insert new entities, update older stored ones, ignore older incoming ones."""
        result = UpsertResult()
        keyed = {owner_ref(owner_org_id, e.ref): e for e in items}
        known = self._known(list(keyed))
        fresh = []
        for key, entity in keyed.items():
            row = known.get(key)
            if row is None:
                fresh.append(_values(key, entity, handling_id))
            elif entity.modified and (row.modified is None or entity.modified > row.modified):
                for name, value in _values(key, entity, row.handling_id).items():
                    setattr(row, name, value)
                result.updated += 1
            else:
                result.unchanged += 1
        for start in range(0, len(fresh), _CHUNK * 4):
            self.session.execute(insert(EntityRow), fresh[start : start + _CHUNK * 4])
        result.created = len(fresh)
        return result

    def count(self, kind: str | None = None) -> int:
        """How many entities (of one kind) are stored."""
        query = select(func.count(EntityRow.id))
        if kind:
            query = query.where(EntityRow.kind == kind)
        return int(self.session.scalar(query) or 0)

    def find(self, name: str, limit: int = 20) -> list[EntityName]:
        """Entities whose name or aliases contain `name` (case-insensitive)."""
        like = f"%{escape_like(name.lower())}%"
        query = (select(EntityRow).where(func.lower(EntityRow.name).like(like, escape="\\")
                                         | func.lower(EntityRow.aliases).like(like, escape="\\"))
                 .order_by(EntityRow.name).limit(limit))
        return [EntityName(r.id, r.kind, r.name, tuple(a for a in r.aliases.split("\n") if a),
                           r.external_id) for r in self.session.scalars(query)]

    def _known(self, keys: list[str]) -> dict[str, EntityRow]:
        known: dict[str, EntityRow] = {}
        for start in range(0, len(keys), _CHUNK):
            query = select(EntityRow).where(EntityRow.source_ref.in_(keys[start:start + _CHUNK]))
            for row in self.session.scalars(query):
                if row.source_ref:
                    known[row.source_ref] = row
        return known


def _values(key: str, e: ImportedEntity, handling_id: int) -> dict[str, object]:
    return {"source_ref": key, "handling_id": handling_id, "kind": e.kind.value,
            "name": e.name[:300], "aliases": "\n".join(e.aliases), "description": e.description,
            "external_id": e.external_id[:100], "source": e.source[:32], "modified": e.modified,
            "revoked": e.revoked}
