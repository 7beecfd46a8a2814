"""Knowledge reads and relationship writes; every read filters with the SQL form of `decide()`.

A row is shown only where `full_clause` holds on its own handling; a relationship only where
it holds on the relationship and on both ends (an entity row or a live case).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from cyberfusion.domain.access import GovernedItem
from cyberfusion.domain.knowledge import (
    Entity,
    EntityFilter,
    EntityKind,
    ExternalRef,
    RelationshipFacts,
)
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.bulk import table_of
from cyberfusion.store.repositories.correlation import escape_like, live_case
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.tables import CaseRow, EntityRow, HandlingRow
from cyberfusion.store.tables_imports import SourceObjectRow
from cyberfusion.store.tables_knowledge import RelationshipRow

R = RelationshipRow
_CHUNK = 500


def case_end() -> ColumnElement[int]:
    """The case end of a relationship (source or target)."""
    return func.coalesce(R.source_case_id, R.target_case_id)


def canon() -> ColumnElement[int]:
    """An entity row's canonical id (its own id until a merge sets one)."""
    return func.coalesce(EntityRow.canonical_id, EntityRow.id)


def readable(handling_id: Any, org: Organisation, now: datetime) -> ColumnElement[bool]:
    """EXISTS: `decide()` gives `org` FULL on the handling row `handling_id` points at."""
    query = select(literal(1)).where(HandlingRow.id == handling_id, full_clause(org, now))
    return exists(query.correlate_except(HandlingRow))


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A readable relationship seen from a group: the other end an entity row."""

    id: int
    type: str
    outgoing: bool
    handling_id: int
    description: str
    other_id: int
    other_name: str
    other_kind: str
    other_country: str
    other_sectors: tuple[str, ...]
    other_identity_class: str
    stix_id: str
    other_canonical: int
    here_id: int


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A readable case linked to a group."""

    case_id: int
    title: str
    owner_org_id: str
    crime_type: str
    countries: tuple[str, ...]
    tlp: str
    created_at: datetime


@dataclass(slots=True)
class CaseSummary:
    """What the readable links of a group to readable cases add up to."""

    links: int = 0
    cases: int = 0
    countries: set[str] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    seen: list[date] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewRelationship(RelationshipFacts):
    """A relationship to write: its key, ends (entity row, case or bare STIX id), handling."""

    source_ref: str
    type: str
    handling_id: int
    source_entity_id: int | None = None
    source_case_id: int | None = None
    source_stix: str = ""
    target_entity_id: int | None = None
    target_case_id: int | None = None
    target_stix: str = ""
    stix_id: str = ""
    _: KW_ONLY
    revoked: bool = False


class KnowledgeRepo:
    """Entity groups, relationships and linked cases as a reader may see them."""

    def __init__(self, session: Session, handlings: HandlingRepo) -> None:
        self.session = session
        self.handlings = handlings

    # --- writes ------------------------------------------------------------------------------

    def unlink_case(self, case_id: int, entity_ids: Sequence[int], owner_org_id: str,
                    now: datetime) -> int:
        """Withdraw the owner's live links between a case and these entity rows (a newer
        version, so an older copy imported again does not bring them back); how many."""
        owned = select(HandlingRow.id).where(HandlingRow.owner_org_id == owner_org_id)
        ends = or_((R.source_case_id == case_id) & R.target_entity_id.in_(list(entity_ids)),
                   (R.target_case_id == case_id) & R.source_entity_id.in_(list(entity_ids)))
        found = list(self.session.scalars(select(R.id).where(
            ends, R.revoked.is_(False), R.handling_id.in_(owned))))
        if found:
            self.session.execute(update(R).where(R.id.in_(found))
                                 .values(revoked=True, modified=now))
        return len(found)

    def upsert_relationships(self, items: Sequence[NewRelationship],
                             now: datetime) -> tuple[int, int, int]:
        """Insert new relationships, replace older versions: (created, updated, unchanged)."""
        keyed = {item.source_ref: item for item in items}
        known: dict[str, tuple[int, datetime | None]] = {}
        refs = list(keyed)
        for start in range(0, len(refs), _CHUNK):
            query = select(R.source_ref, R.id, R.modified).where(
                R.source_ref.in_(refs[start:start + _CHUNK]))
            known.update({ref: (ident, mod) for ref, ident, mod in self.session.execute(query)})
        fresh, updated = [], 0
        for ref, item in keyed.items():
            held = known.get(ref)
            values = _as_dict(item)
            if held is None:
                fresh.append({**values, "created_at": now})
            elif item.modified and (held[1] is None or item.modified > held[1]):
                row = self.session.get(R, held[0])
                assert row is not None
                for name, value in values.items():
                    setattr(row, name, value)
                updated += 1
        for start in range(0, len(fresh), _CHUNK * 4):
            self.session.execute(insert(table_of(RelationshipRow)),
                                 fresh[start:start + _CHUNK * 4])
        return len(fresh), updated, len(keyed) - len(fresh) - updated

    def cases_of(self, owner_ref_prefix: str, refs: Sequence[str]) -> dict[str, int]:
        """The case each of these source objects (of one owner) landed in, by ref."""
        found: dict[str, int] = {}
        keys = [f"{owner_ref_prefix}{r}" for r in refs]
        for start in range(0, len(keys), _CHUNK):
            query = select(SourceObjectRow.ref, SourceObjectRow.case_id).where(
                SourceObjectRow.owner_ref.in_(keys[start:start + _CHUNK]),
                SourceObjectRow.case_id.is_not(None))
            found.update({ref: int(case_id or 0) for ref, case_id in self.session.execute(query)})
        return found

    def relationship_id(self, source_ref: str) -> int | None:
        """The id of the relationship stored under a key."""
        found = self.session.scalar(select(R.id).where(R.source_ref == source_ref))
        return int(found) if found is not None else None

    def case_handlings(self, case_ids: Sequence[int]) -> dict[int, int]:
        """Each case's handling id."""
        found: dict[int, int] = {}
        for start in range(0, len(case_ids), _CHUNK):
            query = select(CaseRow.id, CaseRow.handling_id).where(
                CaseRow.id.in_(case_ids[start:start + _CHUNK]))
            found.update({case_id: int(hid) for case_id, hid in self.session.execute(query)})
        return found

    def update_entity(self, entity_id: int, aliases: Sequence[str] | None,
                      description: str | None, now: datetime) -> None:
        """Correct one row's aliases and/or description; the row's version becomes `now`
        (exports write it as a new version; only a newer source version replaces it)."""
        row = self.session.get(EntityRow, entity_id)
        assert row is not None
        row.modified = now
        if aliases is not None:
            row.aliases = "\n".join(a.strip() for a in aliases if a.strip())
        if description is not None:
            row.description = description
        self.session.flush()

    # --- reads -------------------------------------------------------------------------------

    def page(self, org: Organisation, now: datetime, flt: EntityFilter, offset: int,
             limit: int) -> tuple[list[list[Entity]], int]:
        """One page of entity groups with a readable row matching `flt`, and their total."""
        where = [readable(EntityRow.handling_id, org, now), EntityRow.revoked.is_(False),
                 *_filters(flt)]
        total = self.session.scalar(select(func.count(func.distinct(canon()))).where(*where))
        key = canon().label("c")
        order: list[Any] = []
        if flt.text:
            prefix = f"{escape_like(flt.text.strip().lower())}%"
            starts = func.lower(EntityRow.name).like(prefix, escape="\\")
            order.append(func.min(case((starts, 0), else_=1)))
        query = (select(key).where(*where).group_by(key)
                 .order_by(*order, func.min(func.lower(EntityRow.name)), key)
                 .offset(offset).limit(limit))
        ids = list(self.session.scalars(query))
        groups = self.groups(org, now, ids)
        return [groups[i] for i in ids if i in groups], int(total or 0)

    def groups(self, org: Organisation, now: datetime,
               canonical_ids: Sequence[int]) -> dict[int, list[Entity]]:
        """The readable, live rows of these groups, by canonical id."""
        rows: list[EntityRow] = []
        for start in range(0, len(canonical_ids), _CHUNK):
            rows += self.session.scalars(select(EntityRow).where(
                canon().in_(canonical_ids[start:start + _CHUNK]), EntityRow.revoked.is_(False),
                readable(EntityRow.handling_id, org, now)).order_by(EntityRow.id))
        return self._entities(rows)

    def canonical_of(self, entity_id: int) -> int | None:
        """The group an entity row belongs to (None when there is no such row)."""
        found = self.session.scalar(select(canon()).where(EntityRow.id == entity_id))
        return int(found) if found is not None else None

    def row(self, entity_id: int) -> Entity | None:
        """One row as stored, whatever the reader (for writes that check access themselves)."""
        found = self.session.get(EntityRow, entity_id)
        return self._entities([found]).get(canon_of(found), [None])[0] if found else None

    def links(self, org: Organisation, now: datetime, row_ids: Sequence[int]) -> list[LinkRow]:
        """Readable relationships between these rows and readable entity rows."""
        found: dict[tuple[int, bool], LinkRow] = {}
        for outgoing in (True, False):
            for start in range(0, len(row_ids), _CHUNK):
                chunk = row_ids[start:start + _CHUNK]
                for link in self._links(org, now, chunk, outgoing):
                    found[(link.id, link.outgoing)] = link
        return sorted(found.values(), key=lambda lk: (lk.type, lk.other_name.casefold(), lk.id))

    def _links(self, org: Organisation, now: datetime, ids: Sequence[int],
               outgoing: bool) -> list[LinkRow]:
        other = aliased(EntityRow)
        here, there = ((R.source_entity_id, R.target_entity_id) if outgoing
                       else (R.target_entity_id, R.source_entity_id))
        query = (select(R.id, R.type, R.handling_id, R.description, other.id, other.name,
                        other.kind, other.country, other.sectors, other.identity_class,
                        R.stix_id, func.coalesce(other.canonical_id, other.id), here)
                 .join(other, other.id == there)
                 .where(here.in_(ids), there.is_not(None), R.revoked.is_(False),
                        other.revoked.is_(False),
                        readable(R.handling_id, org, now), readable(other.handling_id, org, now)))
        return [LinkRow(r[0], r[1], outgoing, r[2], r[3], r[4], r[5], r[6], r[7],
                        tuple(s for s in r[8].split("\n") if s), r[9], r[10], r[11], r[12])
                for r in self.session.execute(query)]

    def link_count(self, row_ids: Sequence[int]) -> int:
        """How many live relationships touch these rows, readable or not."""
        total = 0
        for start in range(0, len(row_ids), _CHUNK):
            chunk = row_ids[start:start + _CHUNK]
            total += int(self.session.scalar(select(func.count(R.id)).where(
                R.revoked.is_(False),
                or_(R.source_entity_id.in_(chunk), R.target_entity_id.in_(chunk)))) or 0)
        return total

    def _case_links(self, org: Organisation, now: datetime,
                    row_ids: Sequence[int]) -> list[ColumnElement[bool]]:
        """WHERE: a readable relationship of these rows to a readable, live case (joined as
        `CaseRow` on `case_end()`); a link under its case's handling is checked once."""
        return [or_(R.source_entity_id.in_(row_ids), R.target_entity_id.in_(row_ids)),
                R.revoked.is_(False), live_case(), readable(R.handling_id, org, now),
                or_(CaseRow.handling_id == R.handling_id,
                    readable(CaseRow.handling_id, org, now))]

    def case_summary(self, org: Organisation, now: datetime,
                     row_ids: Sequence[int]) -> CaseSummary:
        """In one walk of the readable links to readable cases, aggregated in SQL: their
        count, distinct cases, countries, victim sectors, first and last seen."""
        query = (select(CaseRow.countries, CaseRow.victim_sectors, func.count(R.id),
                        func.count(func.distinct(CaseRow.id)),
                        func.min(func.coalesce(CaseRow.first_seen, CaseRow.last_seen)),
                        func.max(func.coalesce(CaseRow.last_seen, CaseRow.first_seen)))
                 .join(CaseRow, CaseRow.id == case_end())
                 .where(*self._case_links(org, now, row_ids))
                 .group_by(CaseRow.countries, CaseRow.victim_sectors))
        found = CaseSummary()
        for countries, sectors, links, cases, first, last in self.session.execute(query):
            found.links += int(links)
            found.cases += int(cases)
            found.countries.update(_split(countries, ","))
            found.sectors.update(_split(sectors, ","))
            found.seen += [day for day in (first, last) if day]
        return found

    def linked_cases(self, org: Organisation, now: datetime, row_ids: Sequence[int],
                     offset: int, limit: int) -> list[CaseLink]:
        """A page of the readable, live cases linked to these rows, newest first (the page
        cut in SQL)."""
        query = (select(CaseRow, HandlingRow.tlp, HandlingRow.owner_org_id)
                 .select_from(R).join(CaseRow, CaseRow.id == case_end())
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(*self._case_links(org, now, row_ids)).distinct()
                 .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
                 .offset(offset).limit(limit))
        return [CaseLink(c.id, c.title, owner, c.crime_type, _split(c.countries, ","), tlp,
                         c.created_at) for c, tlp, owner in self.session.execute(query)]

    def of_case(self, org: Organisation, now: datetime, case_id: int) -> list[int]:
        """Canonical ids of readable entity rows linked to a case by readable relationships."""
        here = or_(R.source_case_id == case_id, R.target_case_id == case_id)
        query = (select(func.distinct(canon()))
                 .join(R, or_(R.source_entity_id == EntityRow.id,
                              R.target_entity_id == EntityRow.id))
                 .where(here, R.revoked.is_(False), EntityRow.revoked.is_(False),
                        readable(R.handling_id, org, now),
                        readable(EntityRow.handling_id, org, now)))
        return sorted(int(i) for i in self.session.scalars(query))

    def entities_of(self, rows: Sequence[EntityRow]) -> list[Entity]:
        """Domain entities of loaded rows, in their order (handling records loaded once)."""
        governed = self.handlings.get_many(r.handling_id for r in rows)
        return [_entity(row, governed[row.handling_id]) for row in rows]

    def _entities(self, rows: Sequence[EntityRow]) -> dict[int, list[Entity]]:
        """Domain entities grouped by canonical id."""
        found: dict[int, list[Entity]] = {}
        for entity in self.entities_of(rows):
            found.setdefault(entity.canonical_id, []).append(entity)
        return found


def canon_of(row: EntityRow) -> int:
    """A loaded row's canonical id."""
    return row.canonical_id or row.id


def _filters(flt: EntityFilter) -> list[ColumnElement[bool]]:
    """The row-level WHERE clauses of an entity filter."""
    where: list[ColumnElement[bool]] = []
    if flt.kind is not None:
        where.append(EntityRow.kind == flt.kind.value)
    text = flt.text.strip().lower()
    if text:
        like = f"%{escape_like(text)}%"
        where.append(or_(func.lower(EntityRow.name).like(like, escape="\\"),
                         func.lower(EntityRow.aliases).like(like, escape="\\"),
                         func.lower(EntityRow.external_id) == text))
    if flt.country:
        where.append(EntityRow.country == flt.country.strip().upper())
    if flt.sector:
        sector = f"%{escape_like(flt.sector.strip().lower())}%"
        where.append(func.lower(EntityRow.sectors).like(sector, escape="\\"))
    return where


def _split(text: str | None, sep: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").split(sep) if t.strip())


def _as_dict(item: NewRelationship) -> dict[str, Any]:
    return {f.name: getattr(item, f.name) for f in fields(item)}


def _entity(row: EntityRow, governed: GovernedItem) -> Entity:
    refs = tuple(ExternalRef(r.get("source_name", ""), r.get("external_id", ""), r.get("url", ""))
                 for r in json.loads(row.external_refs or "[]") if isinstance(r, dict))
    return Entity(
        id=row.id, canonical_id=canon_of(row), kind=EntityKind(row.kind), name=row.name,
        owner_org_id=governed.owner_org_id, handling_id=row.handling_id,
        handling=governed.handling, stix_id=row.stix_id, aliases=_split(row.aliases, "\n"),
        description=row.description, external_id=row.external_id, external_refs=refs,
        is_family=row.is_family, identity_class=row.identity_class,
        sectors=_split(row.sectors, "\n"), country=row.country, region=row.region,
        first_seen=row.first_seen, last_seen=row.last_seen, source=row.source,
        modified=row.modified, revoked=row.revoked, ref=row.source_ref or "",
    )


