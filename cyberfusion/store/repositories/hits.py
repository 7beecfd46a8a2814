"""Hits and their notices, recorded with INSERT … SELECT so that a query runs the same
statements whatever it matches; and disclosure requests with their history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import aliased

from cyberfusion.domain.access import Access
from cyberfusion.domain.hits import (
    HitSource,
    MatchRow,
    NoticeKind,
)
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import BOUND_NOW, bound_now, level_expr
from cyberfusion.store.repositories.base import DialectRepo
from cyberfusion.store.repositories.correlation import (
    STRONG,
    int_column,
    json_ints,
    json_table,
    live_case,
    random_id,
)
from cyberfusion.store.tables import CaseRow, HandlingRow, ObservableRow, OccurrenceRow, OrgRow
from cyberfusion.store.tables_hits import (
    HitNoticeRow,
    HitQueryRow,
    HitRow,
)

_FULL, _HIT = Access.FULL.value, Access.HIT.value


def _table(row: Any) -> Table:
    """The Core table of a mapped class (Core statements take parameters as values)."""
    return cast(Table, row.__table__)


@dataclass(frozen=True, slots=True)
class Query:
    """Who asks, on whose behalf, why and when: the frame of every recorded match."""

    id: str
    org: Organisation
    user_id: int | None
    source: HitSource
    purpose: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Hit:
    """A recorded match as its searcher or owner sees it (fields blanked by the service)."""

    id: str
    source: str
    searcher_org_id: str
    searcher_user_id: int | None
    owner_org_id: str
    case_id: int | None
    source_case_id: int | None
    answer: str
    at: datetime
    obs_type: str
    value: str
    query_id: str


@dataclass(frozen=True, slots=True)
class Notice:
    """One inbox line: what happened, and the hit or request it is about."""

    id: int
    kind: str
    at: datetime
    read: bool
    hit_id: str | None
    request_id: str | None


_HIT_COLUMNS = (HitRow.id, HitRow.source, HitRow.searcher_org_id, HitRow.searcher_user_id,
                HitRow.owner_org_id, HitRow.case_id, HitRow.source_case_id, HitRow.answer,
                HitRow.at, ObservableRow.type, ObservableRow.value, HitRow.query_id)


class _Prepared:
    """The statements of every search and lookup, built once with named parameters (building
    SQLAlchemy expressions costs more than running these statements)."""

    def __init__(self, is_sqlite: bool) -> None:
        keys = json_table(is_sqlite, bindparam("keys", type_=String()), "asked")
        self.known = (select(ObservableRow.id, ObservableRow.key, ObservableRow.warninglists)
                      .select_from(keys).join(ObservableRow, ObservableRow.key == keys.c.value))
        at = bindparam("at", type_=HitRow.at.type)
        qid = bindparam("qid", type_=String())
        hit = literal(NoticeKind.HIT.value, String())
        columns = ["org_id", "kind", "hit_id", "at"]
        notices = _table(HitNoticeRow)  # Core: parameters are values, not rows to insert
        self.notify_owner = insert(notices).from_select(columns, select(
            HitRow.owner_org_id, hit, HitRow.id, at).where(HitRow.query_id == qid,
                                                           HitRow.answer == _HIT))
        self.notify_parent = insert(notices).from_select(columns, select(
            OrgRow.parent_id, hit, func.min(HitRow.id), at)
            .join(OrgRow, OrgRow.id == HitRow.owner_org_id)
            .where(HitRow.query_id == qid, HitRow.answer == _HIT, OrgRow.parent_id.is_not(None),
                   OrgRow.parent_id != bindparam("searcher", type_=String()))
            .group_by(OrgRow.parent_id, HitRow.owner_org_id))
        self.answers = self._answers(is_sqlite, qid)
        self.hit_owners = (select(HitRow.owner_org_id, func.min(HitRow.id),
                                  func.count(func.distinct(HitRow.observable_id)))
                           .where(HitRow.query_id == qid, HitRow.answer == _HIT)
                           .group_by(HitRow.owner_org_id).order_by(HitRow.owner_org_id))

    @staticmethod
    def _answers(is_sqlite: bool, qid: Any) -> Any:
        full = HitRow.answer == _FULL
        recorded = (
            select(ObservableRow.key, HitRow.answer, HitRow.owner_org_id, HitRow.id,
                   CaseRow.id, _when(full, CaseRow.title), _when(full, OccurrenceRow.role),
                   _when(full, CaseRow.crime_type), _when(full, HandlingRow.tlp))
            .join(ObservableRow, ObservableRow.id == HitRow.observable_id)
            .join(CaseRow, CaseRow.id == HitRow.case_id)
            .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
            .join(OccurrenceRow, and_(OccurrenceRow.case_id == CaseRow.id,
                                      OccurrenceRow.observable_id == ObservableRow.id))
            .where(HitRow.query_id == qid, HitRow.answer.in_([_FULL, _HIT])))
        ids = json_table(is_sqlite, bindparam("ids", type_=String()), "mine")
        col = int_column(is_sqlite, ids)
        own = (select(ObservableRow.key, literal(_FULL, String()), HandlingRow.owner_org_id,
                      literal("", String()), CaseRow.id, CaseRow.title, OccurrenceRow.role,
                      CaseRow.crime_type, HandlingRow.tlp)
               .select_from(ids).join(ObservableRow, ObservableRow.id == col)
               .join(OccurrenceRow, OccurrenceRow.observable_id == col)
               .join(CaseRow, CaseRow.id == OccurrenceRow.case_id)
               .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
               .where(live_case(), HandlingRow.owner_org_id == bindparam("org", type_=String())))
        return recorded.union_all(own)


_PREPARED: dict[bool, _Prepared] = {}


def _prepared(is_sqlite: bool) -> _Prepared:
    if is_sqlite not in _PREPARED:
        _PREPARED[is_sqlite] = _Prepared(is_sqlite)
    return _PREPARED[is_sqlite]


class HitRepo(DialectRepo):
    """Records matches and notices; reads them for searchers, owners and NCBs."""

    def add_query(self, query: Query, value_count: int) -> None:
        """The row every recorded match points to."""
        self.session.execute(insert(_table(HitQueryRow)), [{
            "id": query.id, "org_id": query.org.id, "user_id": query.user_id,
            "source": query.source.value, "purpose": query.purpose, "at": query.at,
            "value_count": value_count}])

    def known(self, keys: Sequence[str]) -> list[tuple[int, str, str]]:
        """(observable id, key, warning lists) of the keys the pool holds (one statement)."""
        rows = self.session.execute(_prepared(self.is_sqlite).known,
                                    {"keys": json.dumps(list(keys))})
        return [(int(i), str(k), str(w)) for i, k, w in rows]

    def record_values(self, query: Query, observable_ids: Sequence[int]) -> None:
        """Record every match of these values against other organisations' live cases.

        The statement is built once per organisation (building it costs more than running
        it); the time of the query is a parameter of each run.
        """
        cache_key = (self.is_sqlite, query.org)
        stmt = _VALUE_STATEMENTS.get(cache_key)
        if stmt is None:
            if len(_VALUE_STATEMENTS) > 512:
                _VALUE_STATEMENTS.clear()
            stmt = _VALUE_STATEMENTS[cache_key] = self._values_statement(query.org)
        params = {**_query_params(query), "ids": json.dumps(list(observable_ids))}
        self.session.execute(stmt, params)

    def _values_statement(self, org: Organisation) -> Any:
        ids = json_table(self.is_sqlite, bindparam("ids", type_=String()), "asked")
        col = int_column(self.is_sqlite, ids)
        matched = (select(col.label("oid"), OccurrenceRow.case_id.label("dst")).select_from(ids)
                   .join(OccurrenceRow, OccurrenceRow.observable_id == col)
                   .cte("matched").prefix_with("MATERIALIZED"))
        body = select(matched.c.oid).select_from(matched)
        levels = _levels(matched, org)
        body = body.join(levels, levels.c.case_id == matched.c.dst)
        return _insert_from(self.is_sqlite, body, levels.c.owner, levels.c.case_id,
                            matched.c.oid, literal(None, BigInteger()), levels.c.answer)

    def record_cases(self, query: Query, case_ids: Sequence[int], max_cases: int,
                     older_only: bool = False) -> None:
        """Record matches of the linking values of landed cases (each pair and value once).

        Linking values are found first, each with a bounded probe ("is there a holder past
        the limit?"), so a value held by a million cases costs `max_cases` index steps; the
        access level is then worked out once per matched case, not once per match. The
        statement is built once per organisation, as in `record_values`.
        """
        cache_key = (self.is_sqlite, query.org, older_only)
        stmt = _CASE_STATEMENTS.get(cache_key)
        if stmt is None:
            if len(_CASE_STATEMENTS) > 512:
                _CASE_STATEMENTS.clear()
            stmt = _CASE_STATEMENTS[cache_key] = self._cases_statement(query.org, older_only)
        self.session.execute(stmt, {**_query_params(query), "max_cases": max_cases,
                                    "landed": json.dumps(list(case_ids))})

    def _cases_statement(self, org: Organisation, older_only: bool) -> Any:
        ids = json_table(self.is_sqlite, bindparam("landed", type_=String()), "landed")
        col = int_column(self.is_sqlite, ids)
        new, other, extra = aliased(OccurrenceRow), aliased(OccurrenceRow), aliased(OccurrenceRow)
        landed, prev = aliased(CaseRow), aliased(HitRow)
        too_common = exists(select(literal(1)).where(extra.observable_id == new.observable_id)
                            .limit(1).offset(bindparam("max_cases", type_=Integer())))
        linking = (select(new.case_id.label("src"), new.observable_id.label("oid"))
                   .select_from(ids).join(new, new.case_id == col)
                   .join(landed, and_(landed.id == new.case_id, landed.revoked.is_(False)))
                   .join(ObservableRow, ObservableRow.id == new.observable_id)
                   .where(ObservableRow.type.in_(STRONG), ObservableRow.warninglists == "",
                          ~too_common).cte("linking"))
        pairs = (select(linking.c.src, linking.c.oid, other.case_id.label("dst"))
                 .join(other, and_(other.observable_id == linking.c.oid,
                                   other.case_id != linking.c.src)))
        if older_only:
            pairs = pairs.where(other.case_id < linking.c.src)
        matched = pairs.cte("pairs").prefix_with("MATERIALIZED")
        seen = exists().where(prev.source_case_id == matched.c.src,
                              prev.case_id == matched.c.dst, prev.observable_id == matched.c.oid)
        levels = _levels(matched, org)
        body = (select(matched.c.src).select_from(matched).where(~seen)
                .join(levels, levels.c.case_id == matched.c.dst))
        return _insert_from(self.is_sqlite, body, levels.c.owner, levels.c.case_id,
                            matched.c.oid, matched.c.src, levels.c.answer)

    def notify(self, query: Query) -> None:
        """A notice per HIT answer for its owner, and one per owner for the owner's NCB."""
        prepared = _prepared(self.is_sqlite)
        params = {"qid": query.id, "at": query.at, "searcher": query.org.id}
        self.session.execute(prepared.notify_owner, params)
        self.session.execute(prepared.notify_parent, params)

    def answers(self, query: Query, observable_ids: Sequence[int]) -> list[MatchRow]:
        """FULL and HIT answers recorded for the query, plus the asker's own cases."""
        rows = self.session.execute(_prepared(self.is_sqlite).answers, {
            "qid": query.id, "ids": json.dumps(list(observable_ids)), "org": query.org.id})
        return [MatchRow(*row) for row in rows]

    def get(self, hit_id: str) -> Hit | None:
        """One recorded match."""
        query = (select(*_HIT_COLUMNS).join(ObservableRow, ObservableRow.id == HitRow.observable_id)
                 .where(HitRow.id == hit_id))
        row = self.session.execute(query).first()
        return _hit(row) if row else None

    def group(self, hit: Hit) -> list[Hit]:
        """The HIT answers of one query for one owner: what a disclosure request covers."""
        query = (select(*_HIT_COLUMNS).join(ObservableRow, ObservableRow.id == HitRow.observable_id)
                 .where(HitRow.query_id == hit.query_id, HitRow.owner_org_id == hit.owner_org_id,
                        HitRow.answer == _HIT).order_by(HitRow.id))
        return [_hit(row) for row in self.session.execute(query)]

    def group_cases(self, hit_ids: Sequence[str]) -> dict[str, list[int]]:
        """For each hit, the cases of its group (see `group`), in one query per chunk."""
        named, mate = aliased(HitRow), aliased(HitRow)
        found: dict[str, list[int]] = {h: [] for h in hit_ids}
        for start in range(0, len(hit_ids), 500):
            query = (select(named.id, mate.case_id)
                     .join(mate, (mate.query_id == named.query_id)
                           & (mate.owner_org_id == named.owner_org_id) & (mate.answer == _HIT))
                     .where(named.id.in_(hit_ids[start:start + 500]))
                     .order_by(named.id, mate.id))
            for hit_id, case_id in self.session.execute(query):
                if case_id is not None:
                    found[hit_id].append(case_id)
        return found

    def outgoing(self, org_id: str, before: datetime | None, limit: int) -> list[Hit]:
        """FULL and HIT answers the organisation received, newest first (never NONE).

        `limit` counts lines as the searcher sees them: a FULL answer, or one line per
        query, owner and value for HIT answers, whose rows all come back. Limiting rows
        would let the number of lines per page tell how many hidden cases matched.
        """
        mine = [HitRow.searcher_org_id == org_id, HitRow.answer.in_([_FULL, _HIT])]
        if before is not None:
            mine.append(HitRow.at < before)
        line = case((HitRow.answer == _HIT, literal("", String())), else_=HitRow.id)
        lines = (select(HitRow.query_id, HitRow.owner_org_id, HitRow.observable_id,
                        line.label("line"), func.max(HitRow.at).label("last"))
                 .where(*mine).group_by(HitRow.query_id, HitRow.owner_org_id,
                                        HitRow.observable_id, line)
                 .order_by(func.max(HitRow.at).desc(), HitRow.query_id, HitRow.owner_org_id,
                           HitRow.observable_id, line)
                 .limit(limit).subquery("lines"))
        query = (select(*_HIT_COLUMNS).join(ObservableRow, ObservableRow.id == HitRow.observable_id)
                 .join(lines, and_(lines.c.query_id == HitRow.query_id,
                                   lines.c.owner_org_id == HitRow.owner_org_id,
                                   lines.c.observable_id == HitRow.observable_id,
                                   lines.c.line == line))
                 .where(*mine).order_by(HitRow.at.desc(), HitRow.id))
        return [_hit(row) for row in self.session.execute(query)]

    def from_case(self, org_id: str, case_id: int, limit: int) -> list[Hit]:
        """FULL and HIT answers the organisation's own case got when it was submitted or
        changed (its submission hits), newest first."""
        query = (select(*_HIT_COLUMNS).join(ObservableRow, ObservableRow.id == HitRow.observable_id)
                 .where(HitRow.searcher_org_id == org_id, HitRow.source_case_id == case_id,
                        HitRow.answer.in_([_FULL, _HIT]))
                 .order_by(HitRow.at.desc(), HitRow.id).limit(limit))
        return [_hit(row) for row in self.session.execute(query)]

    def incoming(self, org_id: str, before: datetime | None, limit: int) -> list[Hit]:
        """Every recorded match on the organisation's own cases, newest first."""
        query = (select(*_HIT_COLUMNS).join(ObservableRow, ObservableRow.id == HitRow.observable_id)
                 .where(HitRow.owner_org_id == org_id))
        if before is not None:
            query = query.where(HitRow.at < before)
        query = query.order_by(HitRow.at.desc(), HitRow.id).limit(limit)
        return [_hit(row) for row in self.session.execute(query)]

    def hit_owners(self, query_id: str) -> dict[str, tuple[str, int]]:
        """Owner -> (smallest hit id, values matched) of the query's HIT answers."""
        rows = self.session.execute(_prepared(self.is_sqlite).hit_owners, {"qid": query_id})
        return {str(o): (str(ref), int(n)) for o, ref, n in rows}

    def levels(self, case_ids: Sequence[int], org: Organisation, now: datetime) -> dict[int,
                                                                                        str]:
        """case id -> FULL/HIT/NONE for `org` (SQL form of `decide()`)."""
        if not case_ids:
            return {}
        ids, col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
        query = (select(CaseRow.id, level_expr(org, now)).select_from(ids)
                 .join(CaseRow, CaseRow.id == col)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id))
        return {int(i): str(level) for i, level in self.session.execute(query)}

    def add_notice(self, org_id: str, kind: NoticeKind, at: datetime, hit_id: str | None = None,
                   request_id: str | None = None) -> None:
        """One inbox line for `org_id`."""
        self.session.add(HitNoticeRow(org_id=org_id, kind=kind.value, hit_id=hit_id,
                                      request_id=request_id, at=at))

    def notices(self, org_id: str, unread_only: bool, before: int | None,
                limit: int) -> list[Notice]:
        """The organisation's inbox, newest first."""
        query = select(HitNoticeRow).where(HitNoticeRow.org_id == org_id)
        if unread_only:
            query = query.where(HitNoticeRow.read_at.is_(None))
        if before is not None:
            query = query.where(HitNoticeRow.id < before)
        rows = self.session.scalars(query.order_by(HitNoticeRow.id.desc()).limit(limit))
        return [Notice(r.id, r.kind, r.at, r.read_at is not None, r.hit_id, r.request_id)
                for r in rows]

    def unread(self, org_id: str) -> int:
        """How many inbox lines the organisation has not read."""
        query = select(func.count()).select_from(HitNoticeRow).where(
            HitNoticeRow.org_id == org_id, HitNoticeRow.read_at.is_(None))
        return int(self.session.scalar(query) or 0)

    def mark_read(self, org_id: str, notice_ids: Sequence[int] | None, now: datetime) -> int:
        """Mark some (or all) of the organisation's notices read; return how many changed."""
        stmt = (update(HitNoticeRow).where(HitNoticeRow.org_id == org_id,
                                           HitNoticeRow.read_at.is_(None))
                .values(read_at=now))
        if notice_ids is not None:
            stmt = stmt.where(HitNoticeRow.id.in_(list(notice_ids)))
        return int(getattr(self.session.execute(stmt), "rowcount", 0) or 0)


_VALUE_STATEMENTS: dict[tuple[bool, Organisation], Any] = {}
_CASE_STATEMENTS: dict[tuple[bool, Organisation, bool], Any] = {}
_HIT_COLUMNS_IN = ["id", "query_id", "source", "searcher_org_id", "searcher_user_id",
                   "owner_org_id", "case_id", "observable_id", "source_case_id", "answer", "at"]


def _query_params(query: Query) -> dict[str, Any]:
    return {"qid": query.id, "source": query.source.value, "searcher": query.org.id,
            "user": query.user_id, "at": query.at, **bound_now(query.at)}


def _levels(matched: Any, org: Organisation) -> Any:
    """(case, owner, FULL/HIT/NONE for `org`) of the distinct live, others' matched cases."""
    targets = select(matched.c.dst).distinct().subquery("targets")
    return (select(CaseRow.id.label("case_id"), HandlingRow.owner_org_id.label("owner"),
                   level_expr(org, BOUND_NOW).label("answer"))
            .select_from(targets).join(CaseRow, CaseRow.id == targets.c.dst)
            .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
            .where(live_case(), HandlingRow.owner_org_id != org.id)
            .cte("levels").prefix_with("MATERIALIZED"))


def _insert_from(is_sqlite: bool, body: Select[Any], owner: Any, case_id: Any,
                 observable: Any, source_case: Any, answer: Any) -> Any:
    """INSERT INTO hit … SELECT with the query's own columns as named parameters."""
    rows = body.with_only_columns(
        random_id(is_sqlite), bindparam("qid", type_=String()),
        bindparam("source", type_=String()), bindparam("searcher", type_=String()),
        bindparam("user", type_=BigInteger()), owner, case_id, observable, source_case,
        answer, bindparam("at", type_=HitRow.at.type))
    return insert(_table(HitRow)).from_select(_HIT_COLUMNS_IN, rows)


def _hit(row: Any) -> Hit:
    return Hit(*row)


def _when(condition: ColumnElement[bool], column: Any) -> ColumnElement[Any]:
    """The column where `condition` holds, else an empty string (HIT rows carry no content)."""
    return case((condition, column), else_=literal("", String()))
