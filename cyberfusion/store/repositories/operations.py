"""Operations and their parts; every read of a list or a package filters in SQL.

`get()` returns an operation whatever the reader (the service asks `decide()` and checks
participation); `page()` sees only operations where `full_clause` holds for the reader AND
the reader's organisation is a participant. `package()` reads the target cases (and their
values) where `full_clause` holds for the participant on each case's own handling.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, update

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.operations import (
    ActionDay,
    Operation,
    OperationDraft,
    OperationStatus,
    PackageCase,
    PackageValue,
    ResultEntry,
    ResultKind,
    Takedown,
    TakedownStatus,
    Task,
    TaskStatus,
    is_local,
)
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.tables import CaseRow, HandlingRow, ObservableRow, OccurrenceRow
from cyberfusion.store.tables_hits import NetworkMemberRow
from cyberfusion.store.tables_operations import (
    OperationActionDayRow,
    OperationParticipantRow,
    OperationResultRow,
    OperationRow,
    OperationTakedownRow,
    OperationTargetRow,
    OperationTaskRow,
)

P = OperationParticipantRow


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(",") if p)


def participates(org: Organisation) -> ColumnElement[bool]:
    """The organisation takes part in the operation of the row."""
    return exists(select(literal(1)).where(P.operation_id == OperationRow.id, P.org_id == org.id))


class OperationRepo(Repo):
    """Reads and writes operations, their participants, targets, tasks and ledgers."""

    def __init__(self, session: Any, handlings: HandlingRepo) -> None:
        super().__init__(session)
        self.handlings = handlings

    def add(self, draft: OperationDraft, handling: Handling, created_by: str,
            created_by_org: str, now: datetime) -> int:
        """Store an operation under a new handling record owned by its lead; return its id."""
        handling_id = self.handlings.add(draft.lead_org_id, handling)
        row = self._added(OperationRow(
            handling_id=handling_id, title=draft.title, summary=draft.summary,
            status=OperationStatus.PLANNING.value, countries=",".join(draft.countries),
            network_ref=draft.network_ref, created_at=now, created_by=created_by,
            created_by_org=created_by_org))
        for org_id in sorted({draft.lead_org_id, *draft.participants}):
            self.session.add(P(operation_id=row.id, org_id=org_id))
        for case_id in sorted(set(draft.target_cases)):
            self.session.add(OperationTargetRow(operation_id=row.id, case_id=case_id))
        self.session.flush()
        return int(row.id)

    def get(self, operation_id: int) -> Operation | None:
        """One operation with its participants (whoever asks: the service decides)."""
        row = self.session.get(OperationRow, operation_id)
        return self._operations([row])[0] if row is not None else None

    def _operations(self, rows: Sequence[OperationRow]) -> list[Operation]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        governed = self.handlings.get_many([r.handling_id for r in rows])
        members: dict[int, list[str]] = defaultdict(list)
        for op_id, org_id in self.session.execute(
                select(P.operation_id, P.org_id).where(P.operation_id.in_(ids))
                .order_by(P.org_id)):
            members[int(op_id)].append(str(org_id))
        return [Operation(int(r.id), r.handling_id, governed[r.handling_id].handling,
                          governed[r.handling_id].owner_org_id, r.title, r.summary,
                          OperationStatus(r.status), tuple(members[r.id]), _split(r.countries),
                          r.network_ref, r.created_at, r.created_by, r.created_by_org)
                for r in rows]

    def visible(self, org: Organisation, now: datetime) -> Select[Any]:
        """Operations `org` takes part in and reads under their handling."""
        return (select(OperationRow).join(HandlingRow, HandlingRow.id == OperationRow.handling_id)
                .where(participates(org), full_clause(org, now)))

    def page(self, org: Organisation, now: datetime, offset: int,
             limit: int) -> tuple[list[Operation], int]:
        """A page of the operations `org` reads, newest first, and their total."""
        query = self.visible(org, now)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = list(self.session.scalars(query.order_by(OperationRow.id.desc())
                                         .offset(offset).limit(limit)))
        return self._operations(rows), total

    def set_status(self, operation_id: int, status: OperationStatus) -> None:
        """Move the operation to `status`."""
        self.session.execute(update(OperationRow).where(OperationRow.id == operation_id)
                             .values(status=status.value))

    def cluster_cases(self, cluster_id: str) -> list[int]:
        """Every live case of a network (targets; each package filters them per reader)."""
        query = (select(NetworkMemberRow.case_id)
                 .join(CaseRow, CaseRow.id == NetworkMemberRow.case_id)
                 .where(NetworkMemberRow.cluster_id == cluster_id, CaseRow.revoked.is_(False))
                 .order_by(NetworkMemberRow.case_id))
        return [int(c) for c in self.session.scalars(query)]

    # --- packages ------------------------------------------------------------------------

    def package(self, operation_id: int, org: Organisation, now: datetime
                ) -> tuple[list[PackageCase], list[PackageValue]]:
        """The target cases `org` reads in full (live ones), and their values."""
        query = (select(CaseRow.id, CaseRow.title, HandlingRow.owner_org_id, CaseRow.crime_type,
                        CaseRow.countries, HandlingRow.tlp)
                 .join(OperationTargetRow, OperationTargetRow.case_id == CaseRow.id)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(OperationTargetRow.operation_id == operation_id,
                        CaseRow.revoked.is_(False), full_clause(org, now))
                 .order_by(CaseRow.id))
        cases = [PackageCase(int(i), t, o, k, _split(c), tlp,
                             is_local(_split(c), org.country or ""))
                 for i, t, o, k, c, tlp in self.session.execute(query)]
        if not cases:
            return [], []
        values = (select(OccurrenceRow.case_id, ObservableRow.type, ObservableRow.value,
                         OccurrenceRow.role)
                  .join(ObservableRow, ObservableRow.id == OccurrenceRow.observable_id)
                  .where(OccurrenceRow.case_id.in_([c.id for c in cases])))
        return cases, [PackageValue(int(c), t, v, r) for c, t, v, r in self.session.execute(values)]

    # --- tasks and action days -----------------------------------------------------------

    def add_task(self, operation_id: int, title: str, owner_org_id: str, owner_user: str,
                 due: date | None, by: str, now: datetime) -> int:
        """Add an open task; return its id."""
        row = self._added(OperationTaskRow(
            operation_id=operation_id, title=title, owner_org_id=owner_org_id,
            owner_user=owner_user, due=due, status=TaskStatus.OPEN.value, updated_at=now,
            updated_by=by))
        return int(row.id)

    def set_task_status(self, operation_id: int, task_id: int, status: TaskStatus, by: str,
                        now: datetime) -> bool:
        """Move a task of the operation to `status`; False if there is no such task."""
        done = self.session.execute(
            update(OperationTaskRow).where(OperationTaskRow.id == task_id,
                                           OperationTaskRow.operation_id == operation_id)
            .values(status=status.value, updated_at=now, updated_by=by))
        return bool(getattr(done, "rowcount", 0))

    def tasks(self, operation_id: int) -> list[Task]:
        """The operation's tasks, by due date (undated last) then id."""
        rows = self.session.scalars(select(OperationTaskRow).where(
            OperationTaskRow.operation_id == operation_id).order_by(OperationTaskRow.id))
        found = [Task(int(r.id), r.title, r.owner_org_id, r.owner_user, r.due,
                      TaskStatus(r.status), r.updated_at, r.updated_by) for r in rows]
        return sorted(found, key=lambda t: (t.due is None, t.due or date.min, t.id))

    def add_action_day(self, operation_id: int, day: date, countries: Sequence[str],
                       description: str) -> int:
        """Add an action day; return its id."""
        row = self._added(OperationActionDayRow(operation_id=operation_id, day=day,
                                                countries=",".join(countries),
                                                description=description))
        return int(row.id)

    def action_days(self, operation_id: int) -> list[ActionDay]:
        """The operation's action days, in date order."""
        rows = self.session.scalars(select(OperationActionDayRow).where(
            OperationActionDayRow.operation_id == operation_id)
            .order_by(OperationActionDayRow.day, OperationActionDayRow.id))
        return [ActionDay(int(r.id), r.day, _split(r.countries), r.description) for r in rows]

    # --- results and takedowns -----------------------------------------------------------

    def add_result(self, operation_id: int, entry: ResultEntry) -> int:
        """Add a results ledger line; return its id."""
        row = self._added(OperationResultRow(
            operation_id=operation_id, kind=entry.kind.value, count=entry.count,
            amount="" if entry.amount is None else str(entry.amount), currency=entry.currency,
            country=entry.country, note=entry.note, at=entry.at, by_org=entry.by_org,
            by_user=entry.by_user))
        return int(row.id)

    def results(self, operation_id: int) -> list[ResultEntry]:
        """The results ledger, oldest first."""
        rows = self.session.scalars(select(OperationResultRow).where(
            OperationResultRow.operation_id == operation_id)
            .order_by(OperationResultRow.at, OperationResultRow.id))
        return [ResultEntry(int(r.id), ResultKind(r.kind), r.count, r.country, r.at, r.by_org,
                            r.by_user, Decimal(r.amount) if r.amount else None, r.currency,
                            r.note) for r in rows]

    def add_takedown(self, operation_id: int, item: Takedown) -> int:
        """Track the takedown of one infrastructure item; return its id."""
        row = self._added(OperationTakedownRow(
            operation_id=operation_id, value_type=item.value_type, value=item.value,
            country=item.country, status=item.status.value, note=item.note,
            updated_at=item.updated_at, by_org=item.by_org, by_user=item.by_user))
        return int(row.id)

    def set_takedown(self, operation_id: int, takedown_id: int, status: TakedownStatus,
                     note: str, by_org: str, by_user: str, now: datetime) -> None:
        """Record a takedown's new status, with who and when."""
        self.session.execute(
            update(OperationTakedownRow).where(OperationTakedownRow.id == takedown_id,
                                               OperationTakedownRow.operation_id == operation_id)
            .values(status=status.value, note=note, by_org=by_org, by_user=by_user,
                    updated_at=now))

    def takedowns(self, operation_id: int) -> list[Takedown]:
        """The takedown tracker, by id."""
        rows = self.session.scalars(select(OperationTakedownRow).where(
            OperationTakedownRow.operation_id == operation_id).order_by(OperationTakedownRow.id))
        return [Takedown(int(r.id), r.value_type, r.value, r.country, TakedownStatus(r.status),
                         r.updated_at, r.by_org, r.by_user, r.note) for r in rows]
