"""What a cyber activity report is built from: cases in scope that its author and every
recipient may read in full, and the entities, indicators and networks around them.

The intersection is one SQL condition: the handling row of every included case satisfies
the access decision of each organisation (author and recipients) at once (`full_for_all`,
the group form of `full_clause`), decided once per report into a temporary table that
the other reads join. Nothing is filtered in
Python afterwards; what matched the scope and the author reads but some recipient does not
is only counted (`matched` less the included cases: the withheld count).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Select,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from cyberfusion.domain.model import Organisation
from cyberfusion.domain.reports import Scope
from cyberfusion.store.access_sql import (
    full_clause,
    full_for_all,
    grant_lists,
    readable_by_all,
    token_lists,
)
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.correlation import live_case
from cyberfusion.store.tables import (
    BigId,
    CaseRow,
    EntityRow,
    HandlingRow,
    ObservableRow,
    OccurrenceRow,
    OrgRow,
)
from cyberfusion.store.tables_hits import NetworkMemberRow
from cyberfusion.store.tables_knowledge import RelationshipRow

R = RelationshipRow
#: Kinds listed as families and actors.
ACTOR_KINDS = ("ransomware", "malware", "threat-actor", "intrusion-set")
#: Types whose value may place infrastructure in a country (see `infrastructure_country`).
PLACED_TYPES = ("iban", "domain", "url", "email")
_PLACED_ROWS = 20_000


@dataclass(frozen=True, slots=True)
class ScopedCase:
    """An included case as the report reads it."""

    id: int
    owner_org_id: str
    title: str
    crime_type: str
    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    first_seen: date | None
    victims: int
    tlp: str


@dataclass(frozen=True, slots=True)
class EntityLink:
    """An included case linked to a readable family or actor (the link readable too)."""

    case_id: int
    canonical_id: int
    kind: str
    name: str
    tlp: str
    link_tlp: str


@dataclass(frozen=True, slots=True)
class KnowledgeEdge:
    """A readable `uses` or `mitigates` relationship between two readable entities."""

    source: int
    target: int
    other_name: str
    other_external_id: str
    description: str
    tlp: str


@dataclass(frozen=True, slots=True)
class ValueCount:
    """An observable of included cases and in how many of them it occurs."""

    type: str
    value: str
    role: str
    cases: int


def _countries_match(codes: Sequence[str]) -> ColumnElement[bool]:
    """The case names one of `codes` among its comma-separated countries."""
    padded = literal(",").concat(CaseRow.countries).concat(",")
    return or_(*(padded.like(f"%,{code},%") for code in codes))


def _period(scope: Scope) -> ColumnElement[bool]:
    """The case's activity (first to last seen, or its filing day) overlaps the period."""
    first = func.coalesce(CaseRow.first_seen, CaseRow.last_seen)
    last = func.coalesce(CaseRow.last_seen, CaseRow.first_seen)
    start = datetime.combine(scope.date_from, time(), UTC)
    end = datetime.combine(scope.date_to + timedelta(days=1), time(), UTC)
    dated = and_(first.is_not(None), first <= scope.date_to, last >= scope.date_from)
    undated = and_(first.is_(None), CaseRow.created_at >= start, CaseRow.created_at < end)
    return or_(dated, undated)


class ReportDataRepo(Repo):
    """The reads a report is built from; every one runs under the recipients' intersection."""

    def region_countries(self, regions: Sequence[str]) -> list[str]:
        """Countries of the member organisations in these regions."""
        if not regions:
            return []
        query = select(OrgRow.country).where(OrgRow.region.in_(list(regions)),
                                            OrgRow.country.is_not(None)).distinct()
        return sorted(str(c) for c in self.session.scalars(query) if c)

    def _scope(self, scope: Scope, countries: Sequence[str],
               orgs: Sequence[Organisation], now: datetime,
               cluster: str | None = None) -> list[ColumnElement[bool]]:
        """The scope's WHERE clauses (places, period, crime types, family, network) on live
        cases; `cluster` is the network the scope's `network` name resolved to."""
        where = [live_case(), _period(scope)]
        if scope.network:
            where.append(CaseRow.id.in_(select(NetworkMemberRow.case_id).where(
                NetworkMemberRow.cluster_id == (cluster or ""))))
        if scope.regions or scope.countries:
            where.append(_countries_match(countries) if countries else literal(False))
        if scope.crime_types:
            where.append(CaseRow.crime_type.in_(list(scope.crime_types)))
        if scope.family:
            where.append(self._family(scope.family, orgs, now))
        return where

    def _family(self, name: str, orgs: Sequence[Organisation],
                now: datetime) -> ColumnElement[bool]:
        """The case is linked, readably for all, to a readable entity of that name or alias."""
        text = name.strip().lower()
        named = (select(EntityRow.id).where(
            EntityRow.revoked.is_(False), or_(func.lower(EntityRow.name) == text,
                                              func.lower(EntityRow.aliases).like(f"%{text}%"))))
        linked = R.revoked.is_(False), or_(R.source_entity_id.in_(named),
                                           R.target_entity_id.in_(named))
        among = select(R.handling_id).where(*linked).union(
            select(EntityRow.handling_id).where(EntityRow.id.in_(named)))
        readable = readable_by_all(select(among.subquery().c[0]), orgs, now)
        ok = select(EntityRow.id).where(EntityRow.id.in_(named),
                                        EntityRow.handling_id.in_(readable))
        query = (select(literal(1)).select_from(R)
                 .where(or_(R.source_case_id == CaseRow.id, R.target_case_id == CaseRow.id),
                        *linked, R.handling_id.in_(readable),
                        or_(R.source_entity_id.in_(ok), R.target_entity_id.in_(ok))))
        return exists(query.correlate(CaseRow))

    def included_ids(self, scope: Scope, countries: Sequence[str],
                     orgs: Sequence[Organisation], now: datetime,
                     cluster: str | None = None) -> Select[Any]:
        """SELECT of the ids of the cases in scope that all of `orgs` read in full."""
        tokens, grants = token_lists(), grant_lists(now)
        return (select(CaseRow.id).join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                .outerjoin(tokens, tokens.c.handling_id == HandlingRow.id)
                .outerjoin(grants, grants.c.handling_id == HandlingRow.id)
                .where(*self._scope(scope, countries, orgs, now, cluster),
                       full_for_all(orgs, now, tokens.c.tokens, grants.c.orgs)))

    @contextmanager
    def included_table(self, scope: Scope, countries: Sequence[str],
                       orgs: Sequence[Organisation], now: datetime,
                       cluster: str | None = None) -> Iterator[Select[Any]]:
        """The included case ids decided once into a temporary table, for the many reads of
        one report; yields a SELECT of them. The table is dropped on the way out."""
        table = Table(f"report_cases_{uuid.uuid4().hex[:16]}", MetaData(),
                      Column("id", BigId, primary_key=True), prefixes=["TEMPORARY"])
        connection = self.session.connection()
        table.create(connection)
        try:
            connection.execute(insert(table).from_select(
                ["id"], self.included_ids(scope, countries, orgs, now, cluster)))
            yield select(table.c.id)
        finally:
            table.drop(connection)

    def included(self, ids: Select[Any]) -> list[ScopedCase]:
        """The included cases, in id order."""
        query = (select(CaseRow.id, HandlingRow.owner_org_id, CaseRow.title, CaseRow.crime_type,
                        CaseRow.countries, CaseRow.victim_sectors,
                        func.coalesce(CaseRow.first_seen, CaseRow.last_seen),
                        CaseRow.created_at, CaseRow.victim_count, HandlingRow.tlp)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(CaseRow.id.in_(ids)).order_by(CaseRow.id))
        return [ScopedCase(r[0], r[1], r[2], r[3], _split(r[4]), _split(r[5]),
                           r[6] or r[7].date(), int(r[8] or 0), r[9])
                for r in self.session.execute(query)]

    def matched(self, scope: Scope, countries: Sequence[str], author: Organisation,
                now: datetime, cluster: str | None = None) -> int:
        """How many cases in scope the author reads in full (what the report could use if
        every recipient read what the author reads); the withheld count is this less the
        included cases."""
        query = (select(func.count(CaseRow.id))
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(*self._scope(scope, countries, [author], now, cluster),
                        full_clause(author, now)))
        return int(self.session.scalar(query) or 0)

    def entity_links(self, ids: Select[Any], orgs: Sequence[Organisation],
                     now: datetime) -> list[EntityLink]:
        """Families and actors linked to included cases; link and entity readable by all."""
        case_end = func.coalesce(R.source_case_id, R.target_case_id)
        entity_end = or_(EntityRow.id == R.source_entity_id, EntityRow.id == R.target_entity_id)
        near = (case_end.in_(ids), R.revoked.is_(False))
        among = select(R.handling_id).where(*near).union(
            select(EntityRow.handling_id).join(R, entity_end).where(*near))
        readable = readable_by_all(select(among.subquery().c[0]), orgs, now)
        eh, rh = aliased(HandlingRow), aliased(HandlingRow)
        query = (select(case_end, func.coalesce(EntityRow.canonical_id, EntityRow.id),
                        EntityRow.kind, EntityRow.name, eh.tlp, rh.tlp)
                 .select_from(R)
                 .join(EntityRow, or_(EntityRow.id == R.source_entity_id,
                                      EntityRow.id == R.target_entity_id))
                 .join(eh, eh.id == EntityRow.handling_id).join(rh, rh.id == R.handling_id)
                 .where(case_end.in_(ids), R.revoked.is_(False), EntityRow.revoked.is_(False),
                        EntityRow.kind.in_(ACTOR_KINDS), R.handling_id.in_(readable),
                        EntityRow.handling_id.in_(readable))
                 .distinct())
        found = [EntityLink(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5])
                 for r in self.session.execute(query)]
        return sorted(found, key=lambda k: (k.case_id, k.canonical_id, k.name, k.kind))

    def edges(self, rel_type: str, ends: Sequence[int], outgoing: bool, other_kind: str,
              orgs: Sequence[Organisation], now: datetime) -> list[KnowledgeEdge]:
        """`rel_type` links between entity groups `ends` and readable entities of
        `other_kind` (from `ends` when `outgoing`, else to them), readable by all of `orgs`."""
        here_row, other = aliased(EntityRow), aliased(EntityRow)
        here_end, other_end = ((R.source_entity_id, R.target_entity_id) if outgoing
                               else (R.target_entity_id, R.source_entity_id))
        eh, rh = aliased(HandlingRow), aliased(HandlingRow)
        group = list(ends)
        rows = select(EntityRow.id).where(or_(EntityRow.id.in_(group),
                                              EntityRow.canonical_id.in_(group)))
        near = (R.type == rel_type, here_end.in_(rows), R.revoked.is_(False))
        ends_of = [select(R.handling_id).where(*near)]
        for end in (here_end, other_end):
            ends_of.append(select(EntityRow.handling_id).join(R, EntityRow.id == end)
                           .where(*near))
        among = ends_of[0].union(*ends_of[1:])
        readable = readable_by_all(select(among.subquery().c[0]), orgs, now)
        query = (select(func.coalesce(here_row.canonical_id, here_row.id),
                        func.coalesce(other.canonical_id, other.id), other.name,
                        other.external_id, other.description, eh.tlp, rh.tlp)
                 .select_from(R).join(here_row, here_row.id == here_end)
                 .join(other, other.id == other_end)
                 .join(eh, eh.id == other.handling_id).join(rh, rh.id == R.handling_id)
                 .where(*near, other.revoked.is_(False), other.kind == other_kind,
                        R.handling_id.in_(readable), other.handling_id.in_(readable),
                        here_row.handling_id.in_(readable))
                 .distinct())
        found = [(int(r[0]), int(r[1]), r[2], r[3], r[4], max(r[5], r[6], key=_rank))
                 for r in self.session.execute(query)]
        return [KnowledgeEdge(*f) for f in sorted(found)]

    def indicators(self, ids: Select[Any], limit: int,
                   types: Sequence[str] = ()) -> list[ValueCount]:
        """The most frequent observables of included cases (warning-listed values left out)."""
        cases = func.count()  # a value occurs once per case (uq_occurrence_case_observable)
        query = (select(ObservableRow.type, ObservableRow.value, func.min(OccurrenceRow.role),
                        cases)
                 .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
                 .where(OccurrenceRow.case_id.in_(ids), ObservableRow.warninglists == "")
                 .group_by(ObservableRow.id, ObservableRow.type, ObservableRow.value)
                 .order_by(cases.desc(), ObservableRow.type, ObservableRow.value)
                 .limit(limit))
        if types:
            query = query.where(ObservableRow.type.in_(list(types)))
        return [ValueCount(r[0], r[1], r[2] or "", int(r[3])) for r in self.session.execute(query)]

    def placed(self, ids: Select[Any]) -> list[ValueCount]:
        """Observables whose value may name a country (IBANs, domains, URLs, addresses)."""
        return self.indicators(ids, _PLACED_ROWS, PLACED_TYPES)

    def memberships(self, ids: Select[Any]) -> list[tuple[str, int]]:
        """(network, case) for included cases that belong to a live network."""
        query = (select(NetworkMemberRow.cluster_id, NetworkMemberRow.case_id)
                 .where(NetworkMemberRow.case_id.in_(ids))
                 .order_by(NetworkMemberRow.cluster_id, NetworkMemberRow.case_id))
        return [(str(c), int(i)) for c, i in self.session.execute(query)]

    def shared_values(self, ids: Select[Any]) -> list[tuple[str, ValueCount]]:
        """(network, value) for values two or more included cases of one network hold:
        what ties each network together, most held first."""
        cases = func.count()
        query = (select(NetworkMemberRow.cluster_id, ObservableRow.type, ObservableRow.value,
                        func.min(OccurrenceRow.role), cases)
                 .select_from(OccurrenceRow)
                 .join(NetworkMemberRow, NetworkMemberRow.case_id == OccurrenceRow.case_id)
                 .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
                 .where(OccurrenceRow.case_id.in_(ids), ObservableRow.warninglists == "")
                 .group_by(NetworkMemberRow.cluster_id, ObservableRow.id, ObservableRow.type,
                           ObservableRow.value)
                 .having(cases >= 2)
                 .order_by(NetworkMemberRow.cluster_id, cases.desc(), ObservableRow.type,
                           ObservableRow.value))
        return [(str(r[0]), ValueCount(r[1], r[2], r[3] or "", int(r[4])))
                for r in self.session.execute(query)]


_ORDER = ("clear", "green", "amber", "amber+strict", "red")


def _rank(tlp: str) -> int:
    return _ORDER.index(tlp) if tlp in _ORDER else len(_ORDER)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").split(",") if t.strip())
