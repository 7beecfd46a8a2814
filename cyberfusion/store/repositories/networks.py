"""Networks: the strong holdings they are computed from, and the clusters, members and
values they are stored as; plus the per-viewer reads (levels from the SQL access clause).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cyberfusion.domain.correlation import DEFAULT_MAX_CASES
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.networks import DEFAULT_RESOLUTION, CaseFacts, Cluster, NetworkState, Run
from cyberfusion.store.access_sql import full_clause, hit_clause, level_expr
from cyberfusion.store.repositories.base import DialectRepo
from cyberfusion.store.repositories.correlation import STRONG, json_ints, live_case
from cyberfusion.store.repositories.upsert import insert_ignore
from cyberfusion.store.tables import CaseRow, HandlingRow, ObservableRow, OccurrenceRow
from cyberfusion.store.tables_hits import (
    NetworkClusterRow,
    NetworkDirtyRow,
    NetworkMemberRow,
    NetworkRunRow,
    NetworkStateRow,
    NetworkValueRow,
)

LIVE, DISSOLVED = "live", "dissolved"
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Placed:
    """A cluster to store: its id, whether the id is new, and its content."""

    id: str
    new: bool
    cluster: Cluster


class NetworkRepo(DialectRepo):
    """Reads holdings, stores clusters, and answers per-viewer questions about them."""

    # --- state, runs and the dirty queue ---------------------------------------------------

    def state(self, lock: bool = False) -> NetworkState:
        """The state row (created with the defaults on first use)."""
        query = select(NetworkStateRow).where(NetworkStateRow.id == 1)
        row = self.session.scalar(query.with_for_update() if lock else query)
        if row is None:
            # Two first imports may both find no row: the second insert is skipped, not failed.
            insert_ignore(self.session, NetworkStateRow, [{
                "id": 1, "version": 0, "indexed_upto": 0, "max_cases": DEFAULT_MAX_CASES,
                "resolution": DEFAULT_RESOLUTION}], ["id"])
            row = self.session.scalars(query.with_for_update() if lock else query).one()
        return NetworkState(row.version, row.indexed_upto, row.max_cases, row.resolution,
                            row.last_run_at, row.last_full_at)

    def set_params(self, max_cases: int, resolution: float) -> None:
        """Change the over-correlation limit and the resolution (the next run is full)."""
        self.state()
        self.session.execute(update(NetworkStateRow).where(NetworkStateRow.id == 1)
                             .values(max_cases=max_cases, resolution=resolution))

    def set_indexed(self, upto: int) -> None:
        """Move the correlation index's high-water mark."""
        self.session.execute(update(NetworkStateRow).where(NetworkStateRow.id == 1)
                             .values(indexed_upto=upto))

    def advance(self, expected: int, now: datetime, full: bool) -> bool:
        """Bump the version if it is still `expected` (else another run got there first)."""
        values: dict[str, object] = {"version": expected + 1, "last_run_at": now}
        if full:
            values["last_full_at"] = now
        result = self.session.execute(update(NetworkStateRow).where(
            NetworkStateRow.id == 1, NetworkStateRow.version == expected).values(**values))
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def add_run(self, run: Run) -> None:
        """Keep the record of a run."""
        self.session.add(NetworkRunRow(**{f: getattr(run, f) for f in Run.__dataclass_fields__}))

    def last_run(self) -> Run | None:
        """The newest run."""
        row = self.session.scalars(select(NetworkRunRow).order_by(NetworkRunRow.id.desc())
                                   .limit(1)).first()
        return Run(**{f: getattr(row, f) for f in Run.__dataclass_fields__}) if row else None

    def mark_dirty(self, case_ids: Sequence[int], now: datetime) -> None:
        """Queue cases for the next incremental run (once each)."""
        rows = [{"case_id": c, "at": now} for c in sorted(set(case_ids))]
        insert_fn = sqlite_insert if self.is_sqlite else pg_insert
        for start in range(0, len(rows), _CHUNK):
            stmt = insert_fn(NetworkDirtyRow).on_conflict_do_nothing(index_elements=["case_id"])
            self.session.execute(stmt, rows[start : start + _CHUNK])

    def dirty(self, limit: int) -> list[int]:
        """Queued case ids, oldest first."""
        query = select(NetworkDirtyRow.case_id).order_by(NetworkDirtyRow.at,
                                                         NetworkDirtyRow.case_id).limit(limit)
        return [int(c) for c in self.session.scalars(query)]

    def clear_dirty(self, case_ids: Sequence[int] | None) -> None:
        """Drop processed cases from the queue (all when None)."""
        stmt = delete(NetworkDirtyRow)
        if case_ids is None:
            self.session.execute(stmt)
            return
        for start in range(0, len(case_ids), _CHUNK):
            chunk = list(case_ids[start : start + _CHUNK])
            self.session.execute(stmt.where(NetworkDirtyRow.case_id.in_(chunk)))

    # --- what runs read --------------------------------------------------------------------

    def strong_holdings(self, case_ids: Sequence[int] | None = None) -> list[tuple[int, int]]:
        """(case, value) for strong, unflagged values of live cases (all, or of `case_ids`)."""
        query = (select(OccurrenceRow.case_id, OccurrenceRow.observable_id)
                 .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
                 .join(CaseRow, CaseRow.id == OccurrenceRow.case_id)
                 .where(live_case(), ObservableRow.type.in_(STRONG),
                        ObservableRow.warninglists == ""))
        if case_ids is None:
            return [(int(c), int(o)) for c, o in self.session.execute(query)]
        ids, col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
        query = query.join(ids, col == OccurrenceRow.case_id)
        return [(int(c), int(o)) for c, o in self.session.execute(query)]

    def holders(self, observable_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(case, value) for every live case holding one of the values."""
        if not observable_ids:
            return []
        ids, col = json_ints(self.is_sqlite, sorted(set(observable_ids)), "values")
        query = (select(OccurrenceRow.case_id, OccurrenceRow.observable_id).select_from(ids)
                 .join(OccurrenceRow, OccurrenceRow.observable_id == col)
                 .join(CaseRow, CaseRow.id == OccurrenceRow.case_id).where(live_case()))
        return [(int(c), int(o)) for c, o in self.session.execute(query)]

    def live_clusters(self, case_ids: Sequence[int] | None = None,
                      observable_ids: Sequence[int] = ()) -> dict[str, frozenset[int]]:
        """Live clusters (all, or those holding one of the cases or values) with members."""
        query = select(NetworkClusterRow.id).where(NetworkClusterRow.status == LIVE)
        if case_ids is not None:
            cases, case_col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
            values, value_col = json_ints(self.is_sqlite, sorted(set(observable_ids)), "values")
            by_case = select(NetworkMemberRow.cluster_id).join(
                cases, case_col == NetworkMemberRow.case_id)
            by_value = select(NetworkValueRow.cluster_id).join(
                values, value_col == NetworkValueRow.observable_id)
            query = query.where(or_(NetworkClusterRow.id.in_(by_case),
                                    NetworkClusterRow.id.in_(by_value)))
        wanted = set(self.session.scalars(query))
        members: dict[str, set[int]] = {c: set() for c in wanted}
        rows = self.session.execute(select(NetworkMemberRow.cluster_id, NetworkMemberRow.case_id)
                                    .where(NetworkMemberRow.cluster_id.in_(sorted(wanted)))
                                    if len(wanted) < 2000 else
                                    select(NetworkMemberRow.cluster_id, NetworkMemberRow.case_id))
        for cluster_id, case_id in rows:
            if cluster_id in members:
                members[cluster_id].add(int(case_id))
        return {c: frozenset(m) for c, m in members.items()}

    # --- what runs write -------------------------------------------------------------------

    def replace(self, old: Sequence[str], placed: Sequence[Placed], now: datetime) -> int:
        """Swap the clusters `old` for `placed`; old ids not placed again are dissolved."""
        kept = {p.id for p in placed if not p.new}
        for start in range(0, len(old), 500):
            chunk = list(old[start : start + 500])
            for table in (NetworkMemberRow, NetworkValueRow):
                self.session.execute(delete(table).where(table.cluster_id.in_(chunk)))
        gone = sorted(set(old) - kept)
        for start in range(0, len(gone), 500):
            self.session.execute(update(NetworkClusterRow).where(
                NetworkClusterRow.id.in_(gone[start : start + 500]))
                .values(status=DISSOLVED, dissolved_at=now))
        self._write_clusters(placed, now)
        return len(gone)

    def _write_clusters(self, placed: Sequence[Placed], now: datetime) -> None:
        fresh = [{"id": p.id, "status": LIVE, "created_at": now, "updated_at": now,
                  "size": len(p.cluster.members), "links": p.cluster.links,
                  "value_count": len(p.cluster.values)} for p in placed if p.new]
        if fresh:
            self.session.execute(insert(NetworkClusterRow), fresh)
        for p in placed:
            if not p.new:
                self.session.execute(update(NetworkClusterRow).where(
                    NetworkClusterRow.id == p.id).values(
                    status=LIVE, updated_at=now, dissolved_at=None, size=len(p.cluster.members),
                    links=p.cluster.links, value_count=len(p.cluster.values)))
        members = [{"cluster_id": p.id, "case_id": c} for p in placed for c in p.cluster.members]
        values = [{"cluster_id": p.id, "observable_id": v, "holders": n}
                  for p in placed for v, n in p.cluster.values.items()]
        for table, rows in ((NetworkMemberRow, members), (NetworkValueRow, values)):
            for start in range(0, len(rows), _CHUNK):
                self.session.execute(insert(table), rows[start : start + _CHUNK])

    # --- per-viewer reads ------------------------------------------------------------------

    def cluster_of(self, case_id: int) -> str | None:
        """The live cluster a case belongs to."""
        return self.session.scalar(select(NetworkMemberRow.cluster_id)
                                   .where(NetworkMemberRow.case_id == case_id))

    def member_levels(self, org: Organisation, now: datetime,
                      cluster_id: str | None = None) -> list[tuple[str, int, str, str]]:
        """(cluster, case, level, owner) for members `org` reads (FULL) or may learn of (HIT)."""
        query = (select(NetworkMemberRow.cluster_id, CaseRow.id, level_expr(org, now),
                        HandlingRow.owner_org_id)
                 .join(CaseRow, CaseRow.id == NetworkMemberRow.case_id)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(live_case(), or_(full_clause(org, now), hit_clause(org, now))))
        if cluster_id is not None:
            query = query.where(NetworkMemberRow.cluster_id == cluster_id)
        return [(str(c), int(i), str(lv), str(o)) for c, i, lv, o in self.session.execute(query)]

    def member_holdings(self, case_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(case, value) for the linking values the cases hold in their own cluster."""
        if not case_ids:
            return []
        ids, col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
        query = (select(OccurrenceRow.case_id, OccurrenceRow.observable_id).select_from(ids)
                 .join(NetworkMemberRow, NetworkMemberRow.case_id == col)
                 .join(OccurrenceRow, OccurrenceRow.case_id == col)
                 .join(NetworkValueRow, (NetworkValueRow.cluster_id == NetworkMemberRow.cluster_id)
                       & (NetworkValueRow.observable_id == OccurrenceRow.observable_id)))
        return [(int(c), int(o)) for c, o in self.session.execute(query)]

    def case_facts(self, case_ids: Sequence[int]) -> dict[int, CaseFacts]:
        """Titles, owners, crime types, countries and dates of cases (the caller reads them)."""
        if not case_ids:
            return {}
        ids, col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
        query = (select(CaseRow.id, CaseRow.title, HandlingRow.owner_org_id, CaseRow.crime_type,
                        CaseRow.countries, CaseRow.first_seen, CaseRow.last_seen,
                        CaseRow.created_at, HandlingRow.tlp).select_from(ids)
                 .join(CaseRow, CaseRow.id == col)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id))
        return {int(r[0]): CaseFacts(int(r[0]), r[1], r[2], r[3],
                                     tuple(c for c in r[4].split(",") if c), r[5], r[6], r[7],
                                     r[8]) for r in self.session.execute(query)}

    def case_values(self, case_ids: Sequence[int]) -> list[tuple[int, int, str, str, str]]:
        """(case, value id, type, value, warning lists) of every value the cases hold."""
        if not case_ids:
            return []
        ids, col = json_ints(self.is_sqlite, sorted(set(case_ids)), "cases")
        query = (select(OccurrenceRow.case_id, ObservableRow.id, ObservableRow.type,
                        ObservableRow.value, ObservableRow.warninglists).select_from(ids)
                 .join(OccurrenceRow, OccurrenceRow.case_id == col)
                 .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id))
        return [(int(c), int(i), str(t), str(v), str(w)) for c, i, t, v, w
                in self.session.execute(query)]
