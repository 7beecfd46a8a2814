"""Cases: writes with version history, and reads filtered by the SQL access clause."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.model import (
    Case,
    CaseDraft,
    CaseFilter,
    CaseVersion,
    CrimeType,
    Organisation,
)
from cyberfusion.store.access_sql import full_clause, level_expr
from cyberfusion.store.bulk import allocate_ids, insert_dicts, table_of
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.correlation import escape_like
from cyberfusion.store.repositories.handlings import HandlingRepo, handling_values, token_rows
from cyberfusion.store.repositories.observables import ObservableRepo
from cyberfusion.store.tables import (
    CaseRow,
    CaseVersionRow,
    HandlingRow,
    HandlingTokenRow,
    ObservableRow,
    OccurrenceRow,
    OrgRow,
)


@dataclass(frozen=True, slots=True)
class NewCase:
    """One case for `add_many`: owner, content, creation time and author."""

    owner_org_id: str
    draft: CaseDraft
    created_at: datetime
    created_by: int | None = None
    source_ref: str | None = None
    source_modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class SourcedCase:
    """A case landed from an import: its id, version, source `modified` and state."""

    case_id: int
    version: int
    source_modified: datetime | None
    revoked: bool


@dataclass(frozen=True, slots=True)
class ValueMatch:
    """A case holding a searched key, with the access level the SQL form gives it."""

    key: str
    case_id: int
    handling_id: int
    owner_org_id: str
    level: str
    role: str


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(",") if p)


class CaseRepo(Repo):
    """Reads and writes cases and their version history."""

    def __init__(self, session: Session, handlings: HandlingRepo, obs: ObservableRepo) -> None:
        super().__init__(session)
        self.handlings = handlings
        self.obs = obs

    def add(self, owner_org_id: str, draft: CaseDraft, user_id: int | None, now: datetime) -> int:
        """Insert a case with its handling and occurrences; return its id."""
        handling_id = self.handlings.add(owner_org_id, draft.handling)
        row = CaseRow(handling_id=handling_id, version=1, revoked=False, created_at=now,
                      updated_at=now, created_by=user_id, **_content(draft))
        self._added(row)
        self.obs.set_case_occurrences(row.id, draft.occurrences)
        return row.id

    def add_many(self, items: Sequence[NewCase]) -> list[int]:
        """Insert cases in a few statements per batch; return their ids in order."""
        if not items:
            return []
        handling_ids = allocate_ids(self.session, table_of(HandlingRow), len(items))
        handling_rows = [{"id": hid, **handling_values(i.owner_org_id, i.draft.handling)}
                         for hid, i in zip(handling_ids, items, strict=True)]
        insert_dicts(self.session, table_of(HandlingRow), handling_rows)
        insert_dicts(self.session, table_of(HandlingTokenRow),
                     [t for hid, i in zip(handling_ids, items, strict=True)
                      for t in token_rows(hid, i.draft.handling)])
        case_ids = allocate_ids(self.session, table_of(CaseRow), len(items))
        insert_dicts(self.session, table_of(CaseRow), [
            {"id": cid, "handling_id": hid, "version": 1, "revoked": False,
             "created_at": i.created_at, "updated_at": i.created_at,
             "created_by": i.created_by, "source_ref": i.source_ref,
             "source_modified": i.source_modified, **_content(i.draft)}
            for cid, hid, i in zip(case_ids, handling_ids, items, strict=True)])
        self.obs.add_occurrences([(cid, occ) for cid, i in zip(case_ids, items, strict=True)
                                  for occ in i.draft.occurrences])
        return case_ids

    def by_source_refs(self, refs: Sequence[str]) -> dict[str, SourcedCase]:
        """Cases landed from these source refs (owner-qualified), by ref."""
        found: dict[str, SourcedCase] = {}
        for start in range(0, len(refs), 500):
            query = select(CaseRow).where(CaseRow.source_ref.in_(refs[start : start + 500]))
            for row in self.session.scalars(query):
                if row.source_ref:
                    found[row.source_ref] = SourcedCase(row.id, row.version, row.source_modified,
                                                        row.revoked)
        return found

    def set_source_modified(self, case_id: int, modified: datetime | None) -> None:
        """Remember which source version a case now holds."""
        self._row(case_id).source_modified = modified

    def get(self, case_id: int, with_occurrences: bool = True) -> Case | None:
        """The case, whatever the caller may see (services decide)."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            return None
        return self._cases([row], with_occurrences)[0]

    def update(self, case_id: int, draft: CaseDraft, user_id: int | None, now: datetime) -> int:
        """Store `draft` as the next version, keeping the previous one; return the version."""
        row = self._row(case_id)
        old = self.get(case_id)
        assert old is not None
        self.session.add(CaseVersionRow(case_id=case_id, version=row.version,
                                        snapshot=snapshot(old), created_at=now,
                                        created_by=user_id))
        for name, value in _content(draft).items():
            setattr(row, name, value)
        self.handlings.replace(row.handling_id, draft.handling)
        self.obs.set_case_occurrences(case_id, draft.occurrences)
        row.version += 1
        row.updated_at = now
        return row.version

    def set_revoked(self, case_id: int, now: datetime) -> None:
        """Mark a case withdrawn (kept for the record, hidden from lists); the first
        withdrawal's time stays."""
        row = self._row(case_id)
        row.revoked = True
        row.revoked_at = row.revoked_at or now
        row.updated_at = now

    def due_for_review(self, owner_org_id: str, until: date, limit: int) -> list[Case]:
        """Own live cases whose review date is on or before `until`, soonest first."""
        query = (select(CaseRow).join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(HandlingRow.owner_org_id == owner_org_id, HandlingRow.review_by <= until,
                        CaseRow.revoked.is_(False))
                 .order_by(HandlingRow.review_by, CaseRow.id).limit(limit))
        return self._cases(list(self.session.scalars(query)), with_occurrences=False)

    def past_review(self, before: date, limit: int) -> list[Case]:
        """Cases of any owner whose review date is before `before` (retention sweep)."""
        query = (select(CaseRow).join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(HandlingRow.review_by < before).order_by(CaseRow.id).limit(limit)
                 .with_for_update(of=CaseRow, skip_locked=True))
        return self._cases(list(self.session.scalars(query)), with_occurrences=False)

    def delete(self, case_id: int) -> None:
        """Remove a case with its occurrences, versions, handling, tokens and grants."""
        row = self._row(case_id)
        handling_id = row.handling_id
        self.session.execute(delete(OccurrenceRow).where(OccurrenceRow.case_id == case_id))
        self.session.execute(delete(CaseVersionRow).where(CaseVersionRow.case_id == case_id))
        self.session.delete(row)
        self.session.flush()
        self.handlings.delete(handling_id)

    def versions(self, case_id: int) -> list[CaseVersion]:
        """Earlier versions, oldest first, each with the handling it was stored under."""
        query = (select(CaseVersionRow).where(CaseVersionRow.case_id == case_id)
                 .order_by(CaseVersionRow.version))
        return [CaseVersion(r.version, snapshot_handling(r.snapshot), dict(r.snapshot),
                            r.created_at) for r in self.session.scalars(query)]

    def page(
        self, org: Organisation, now: datetime, filters: CaseFilter, offset: int, limit: int
    ) -> tuple[list[Case], int]:
        """A page of the cases `org` may read in full, newest first, and the total."""
        query = self.visible(org, now, filters)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        page = query.order_by(CaseRow.id.desc()).offset(offset).limit(limit)
        rows = list(self.session.scalars(page))
        return self._cases(rows, with_occurrences=False), total

    def ids_after(self, org: Organisation, now: datetime, filters: CaseFilter, after: int,
                  limit: int) -> tuple[list[int], int]:
        """Ids of up to `limit` readable cases past id `after`, oldest first, and the total
        readable (a cursor walk: cases landing meanwhile come at its end)."""
        query = self.visible(org, now, filters)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        page = (query.where(CaseRow.id > after).with_only_columns(CaseRow.id)
                .order_by(CaseRow.id).limit(limit))
        return list(self.session.scalars(page)), total

    def count_by_crime_type(self, org: Organisation, now: datetime) -> dict[str, int]:
        """How many readable cases of each crime type."""
        sub = self.visible(org, now, CaseFilter()).subquery()
        query = select(sub.c.crime_type, func.count()).group_by(sub.c.crime_type)
        return {k: int(v) for k, v in self.session.execute(query)}

    def count_occurrences(self, org: Organisation, now: datetime) -> int:
        """How many observable occurrences sit in readable cases."""
        query = (select(func.count(OccurrenceRow.id))
                 .join(CaseRow, CaseRow.id == OccurrenceRow.case_id)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(CaseRow.revoked.is_(False), full_clause(org, now)))
        return int(self.session.scalar(query) or 0)

    def match_keys(self, keys: list[str], org: Organisation, now: datetime) -> list[ValueMatch]:
        """Every case holding one of `keys`, with its FULL/HIT/NONE level for `org`."""
        level = level_expr(org, now).label("level")
        query = (
            select(ObservableRow.key, CaseRow.id, CaseRow.handling_id, HandlingRow.owner_org_id,
                   level, OccurrenceRow.role)
            .join(OccurrenceRow, OccurrenceRow.observable_id == ObservableRow.id)
            .join(CaseRow, CaseRow.id == OccurrenceRow.case_id)
            .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
            .where(ObservableRow.key.in_(keys), CaseRow.revoked.is_(False))
            .order_by(CaseRow.id)
        )
        return [ValueMatch(*row) for row in self.session.execute(query)]

    def autocomplete(self, org: Organisation, now: datetime, prefix: str, limit: int) -> list[str]:
        """Observable values and case titles starting with `prefix`, from readable cases only."""
        like = escape_like(prefix) + "%"
        values = (select(ObservableRow.value).distinct()
                  .join(OccurrenceRow, OccurrenceRow.observable_id == ObservableRow.id)
                  .join(CaseRow, CaseRow.id == OccurrenceRow.case_id)
                  .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                  .where(ObservableRow.value.like(like, escape="\\"), CaseRow.revoked.is_(False),
                         full_clause(org, now))
                  .order_by(ObservableRow.value).limit(limit))
        titles = (self.visible(org, now, CaseFilter())
                  .where(CaseRow.title.like(like, escape="\\"))
                  .with_only_columns(CaseRow.title).distinct()
                  .order_by(CaseRow.title).limit(limit))
        found = list(self.session.scalars(values)) + list(self.session.scalars(titles))
        return sorted(set(found))[:limit]

    def many(self, case_ids: Sequence[int]) -> list[Case]:
        """These cases with their occurrences, in the order asked (absent ones left out)."""
        rows = {r.id: r for r in self.session.scalars(
            select(CaseRow).where(CaseRow.id.in_(list(case_ids))))}
        return self._cases([rows[i] for i in case_ids if i in rows], with_occurrences=True)

    def visible(self, org: Organisation, now: datetime, f: CaseFilter) -> Select[CaseRow]:
        """The cases `org` may read in full that `f` picks (the SQL form of `decide()`)."""
        query = (select(CaseRow).join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(full_clause(org, now)))
        return _apply_filters(query, f)

    def _row(self, case_id: int) -> CaseRow:
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise LookupError(f"no case {case_id}")
        return row

    def _cases(self, rows: list[CaseRow], with_occurrences: bool) -> list[Case]:
        items = self.handlings.get_many(r.handling_id for r in rows)
        occ = self.obs.of_cases([r.id for r in rows]) if with_occurrences else {}
        return [_case(r, items[r.handling_id].owner_org_id, items[r.handling_id].handling,
                      tuple(occ.get(r.id, ()))) for r in rows]


def scope_clauses(f: CaseFilter) -> list[ColumnElement[bool]]:
    """The filters on the handling row (owner, its region, TLP), for any governed item."""
    clauses: list[ColumnElement[bool]] = []
    if f.owner_org_id:
        clauses.append(HandlingRow.owner_org_id == f.owner_org_id)
    if f.owner_region:
        clauses.append(exists(select(OrgRow.id).where(OrgRow.id == HandlingRow.owner_org_id,
                                                      OrgRow.region == f.owner_region)))
    if f.tlp:
        clauses.append(HandlingRow.tlp == f.tlp)
    if f.federable:
        clauses.append(HandlingRow.tlp != TLP.RED.value)
    return clauses


def _apply_filters(query: Select[CaseRow], f: CaseFilter) -> Select[CaseRow]:
    if not f.include_revoked:
        query = query.where(CaseRow.revoked.is_(False))
    if f.text:
        like = f"%{escape_like(f.text)}%"
        query = query.where(or_(CaseRow.title.ilike(like, escape="\\"),
                                CaseRow.summary.ilike(like, escape="\\")))
    if f.crime_type:
        query = query.where(CaseRow.crime_type == f.crime_type)
    if f.country:
        # Countries are stored "FR,DE": match a whole code, never a part of one.
        query = query.where(("," + CaseRow.countries + ",").like(
            f"%,{escape_like(f.country.strip().upper())},%", escape="\\"))
    query = query.where(*scope_clauses(f))
    if f.created_since:
        query = query.where(CaseRow.created_at >= f.created_since)
    if f.case_ids:
        query = query.where(CaseRow.id.in_(sorted(set(f.case_ids))))
    return query


def _content(draft: CaseDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "crime_type": draft.crime_type.value,
        "summary": draft.summary,
        "countries": ",".join(draft.countries),
        "first_seen": draft.first_seen,
        "last_seen": draft.last_seen,
        "victim_count": draft.victim_count,
        "victim_sectors": ",".join(draft.victim_sectors),
    }


def _case(row: CaseRow, owner: str, handling: Any, occurrences: tuple[Any, ...]) -> Case:
    return Case(
        id=row.id, owner_org_id=owner, title=row.title, crime_type=CrimeType(row.crime_type),
        summary=row.summary, handling=handling, countries=_split(row.countries),
        first_seen=row.first_seen, last_seen=row.last_seen, victim_count=row.victim_count,
        victim_sectors=_split(row.victim_sectors), occurrences=occurrences, version=row.version,
        revoked=row.revoked, handling_id=row.handling_id, created_at=row.created_at,
        updated_at=row.updated_at, created_by=row.created_by, revoked_at=row.revoked_at,
    )


def snapshot(case: Case) -> dict[str, Any]:
    """A JSON-ready record of a case version (content and handling)."""
    h = case.handling
    return {
        "version": case.version, "title": case.title, "crime_type": case.crime_type.value,
        "summary": case.summary, "countries": list(case.countries),
        "first_seen": _iso(case.first_seen), "last_seen": _iso(case.last_seen),
        "victim_count": case.victim_count, "victim_sectors": list(case.victim_sectors),
        "handling": {"tlp": h.tlp.value, "release": sorted(h.release),
                     "exclude": sorted(h.exclude), "partners": sorted(h.partners),
                     "hit_policy": h.hit_policy.value, "purpose": h.purpose.value,
                     "review_by": h.review_by.isoformat(), "grading": h.grading,
                     "personal_data": h.personal_data},
        "observables": [{"type": o.type, "value": o.value, "role": o.role}
                        for o in case.occurrences],
        "updated_at": case.updated_at.isoformat() if case.updated_at else None,
    }


def snapshot_handling(record: dict[str, Any]) -> Handling:
    """The handling a version was stored under, rebuilt from its snapshot."""
    h = record["handling"]
    grading = str(h.get("grading") or "")
    return Handling(
        tlp=TLP(h["tlp"]), release=frozenset(h["release"]), exclude=frozenset(h["exclude"]),
        partners=frozenset(h["partners"]), hit_policy=HitPolicy(h["hit_policy"]),
        purpose=Purpose(h["purpose"]), review_by=date.fromisoformat(h["review_by"]),
        reliability=grading[:1] or None, credibility=int(grading[1:]) if grading else None,
        personal_data=bool(h["personal_data"]),
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
