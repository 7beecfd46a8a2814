"""Entity rows (actors, families, tools, techniques, places …): upsert by source ref, merge
keys, and canonical ids set per batch (`domain.entity_merge`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from cyberfusion.domain.entity_merge import canonical_ids, merge_keys
from cyberfusion.domain.imports import ImportedEntity
from cyberfusion.domain.knowledge import EntityKind, ExternalRef
from cyberfusion.store.bulk import table_of
from cyberfusion.store.repositories.correlation import escape_like
from cyberfusion.store.repositories.imports import UpsertResult, owner_ref
from cyberfusion.store.tables import EntityRow
from cyberfusion.store.tables_knowledge import EntityKeyRow

_CHUNK = 500
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class EntityName:
    """An entity's kind, name and aliases (what lookups need)."""

    id: int
    kind: str
    name: str
    aliases: tuple[str, ...]
    external_id: str


class EntityRepo:
    """Upserts entities by source ref (newest `modified` wins) and keeps them merged."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert_many(self, owner_org_id: str,
                    items: Sequence[tuple[ImportedEntity, int]]) -> tuple[UpsertResult, list[int]]:
        """Insert new rows, update older stored ones; the result and the ids written."""
        result = UpsertResult()
        keyed = {owner_ref(owner_org_id, e.ref): (e, hid) for e, hid in items}
        known = self._known(list(keyed))
        fresh, touched = [], []
        for key, (entity, hid) in keyed.items():
            row = known.get(key)
            if row is None:
                fresh.append(_values(key, entity, hid))
            elif entity.modified and (row.modified is None or entity.modified > row.modified):
                for name, value in _values(key, entity, row.handling_id).items():
                    setattr(row, name, value)
                touched.append(row.id)
                result.updated += 1
            else:
                result.unchanged += 1
        for start in range(0, len(fresh), _CHUNK * 4):
            self.session.execute(insert(EntityRow), fresh[start : start + _CHUNK * 4])
        self.session.flush()
        touched += self.ids_of([str(v["source_ref"]) for v in fresh]).values()
        result.created = len(fresh)
        return result, touched

    def ids_of(self, source_refs: Sequence[str]) -> dict[str, int]:
        """Row ids by source ref (`<owner>|<ref>`)."""
        found: dict[str, int] = {}
        for start in range(0, len(source_refs), _CHUNK):
            query = select(EntityRow.source_ref, EntityRow.id).where(
                EntityRow.source_ref.in_(source_refs[start:start + _CHUNK]))
            found.update({ref: ident for ref, ident in self.session.execute(query) if ref})
        return found

    def by_stix_ids(self, stix_ids: Sequence[str], owner_org_id: str) -> dict[str, int]:
        """Row ids by STIX id: the owner's own row first, else the oldest row with that id."""
        found: dict[str, tuple[bool, int]] = {}
        for start in range(0, len(stix_ids), _CHUNK):
            query = select(EntityRow.stix_id, EntityRow.id, EntityRow.source_ref).where(
                EntityRow.stix_id.in_(stix_ids[start:start + _CHUNK]))
            for stix_id, ident, ref in self.session.execute(query):
                rank = (not (ref or "").startswith(f"{owner_org_id}|"), ident)
                held = found.get(stix_id)
                if held is None or rank < held:
                    found[stix_id] = rank
        return {stix_id: rank[1] for stix_id, rank in found.items()}

    def merge(self, row_ids: Sequence[int]) -> int:
        """Re-key these rows and set canonical ids for them and the groups they join."""
        rows = self._rows(row_ids)
        members = {r.id: merge_keys(EntityKind(r.kind), r.name, _lines(r.aliases), r.external_id)
                   for r in rows}
        for start in range(0, len(row_ids), _CHUNK):
            self.session.execute(delete(EntityKeyRow).where(
                EntityKeyRow.entity_id.in_(row_ids[start:start + _CHUNK])))
        keys = [{"entity_id": i, "grp": g, "key": k} for i, ks in members.items() for g, k in ks]
        for start in range(0, len(keys), _CHUNK * 4):
            self.session.execute(insert(EntityKeyRow), keys[start:start + _CHUNK * 4])
        held = self._held({k for ks in members.values() for k in ks}, set(members))
        return self._apply(canonical_ids(members, held), set(members))

    def _held(self, keys: set[Key], exclude: set[int]) -> dict[Key, set[int]]:
        """Canonical ids of stored rows (other than `exclude`) under each key."""
        held: dict[Key, set[int]] = {}
        ordered = sorted(keys)
        for start in range(0, len(ordered), _CHUNK):
            query = (select(EntityKeyRow.grp, EntityKeyRow.key, EntityRow.id,
                            EntityRow.canonical_id)
                     .join(EntityRow, EntityRow.id == EntityKeyRow.entity_id)
                     .where(tuple_(EntityKeyRow.grp, EntityKeyRow.key)
                            .in_(ordered[start:start + _CHUNK])))
            for grp, key, ident, canonical in self.session.execute(query):
                if ident not in exclude:
                    held.setdefault((grp, key), set()).add(canonical or ident)
        return held

    def _apply(self, answer: dict[int, int], members: set[int]) -> int:
        """Write the new canonical ids: each member row, and each stored group that joins."""
        own = [{"row": i, "canonical": c} for i, c in answer.items() if i in members]
        moved = [{"old": i, "canonical": c} for i, c in answer.items() if i != c]
        table, connection = table_of(EntityRow), self.session.connection()
        if moved:  # a group that joins a smaller one takes its id (a member may lead one)
            connection.execute(update(table).where(table.c.canonical_id == bindparam("old"))
                               .values(canonical_id=bindparam("canonical")), moved)
        if own:
            connection.execute(update(table).where(table.c.id == bindparam("row"))
                               .values(canonical_id=bindparam("canonical")), own)
        return len(set(answer.values()))

    def set_canonical(self, group_of: int, canonical_id: int) -> None:
        """Move every row of one group to another canonical id (an analyst's merge)."""
        self.session.execute(update(EntityRow).where(EntityRow.canonical_id == group_of)
                             .values(canonical_id=canonical_id)
                             .execution_options(synchronize_session=False))

    def count(self, kind: str | None = None) -> int:
        """How many entity rows (of one kind) are stored."""
        query = select(func.count(EntityRow.id))
        if kind:
            query = query.where(EntityRow.kind == kind)
        return int(self.session.scalar(query) or 0)

    def count_canonical(self, kind: str | None = None) -> int:
        """How many merged entities (canonical groups) with a row of one kind are stored."""
        query = select(func.count(func.distinct(EntityRow.canonical_id)))
        if kind:
            query = query.where(EntityRow.kind == kind)
        return int(self.session.scalar(query) or 0)

    def find(self, name: str, limit: int = 20) -> list[EntityName]:
        """Entities whose name or aliases contain `name` (case-insensitive; no access check:
        for the importer's own tooling only, never a read path)."""
        like = f"%{escape_like(name.lower())}%"
        query = (select(EntityRow).where(func.lower(EntityRow.name).like(like, escape="\\")
                                         | func.lower(EntityRow.aliases).like(like, escape="\\"))
                 .order_by(EntityRow.name).limit(limit))
        return [EntityName(r.id, r.kind, r.name, _lines(r.aliases), r.external_id)
                for r in self.session.scalars(query)]

    def _rows(self, row_ids: Sequence[int]) -> list[EntityRow]:
        rows: list[EntityRow] = []
        for start in range(0, len(row_ids), _CHUNK):
            rows += self.session.scalars(
                select(EntityRow).where(EntityRow.id.in_(row_ids[start:start + _CHUNK])))
        return rows

    def _known(self, keys: list[str]) -> dict[str, EntityRow]:
        known: dict[str, EntityRow] = {}
        for start in range(0, len(keys), _CHUNK):
            query = select(EntityRow).where(EntityRow.source_ref.in_(keys[start:start + _CHUNK]))
            for row in self.session.scalars(query):
                if row.source_ref:
                    known[row.source_ref] = row
        return known


def _lines(text: str) -> tuple[str, ...]:
    """A newline-joined list column as a tuple."""
    return tuple(a for a in text.split("\n") if a)


def refs_json(refs: Iterable[ExternalRef]) -> str:
    """External references as stored (JSON list of objects)."""
    return json.dumps([{"source_name": r.source_name, "external_id": r.external_id,
                        "url": r.url} for r in refs])


def _values(key: str, e: ImportedEntity, handling_id: int) -> dict[str, Any]:
    stix_id = e.ref if "--" in e.ref else ""
    return {"source_ref": key, "handling_id": handling_id, "kind": e.kind.value,
            "name": e.name[:300], "aliases": "\n".join(e.aliases), "description": e.description,
            "external_id": e.external_id[:100], "source": e.source[:32], "modified": e.modified,
            "revoked": e.revoked, "stix_id": stix_id[:256],
            "external_refs": refs_json(e.external_refs), "is_family": e.is_family,
            "identity_class": e.identity_class[:32], "sectors": "\n".join(e.sectors),
            "country": e.country[:2], "region": e.region[:64], "first_seen": e.first_seen,
            "last_seen": e.last_seen}
