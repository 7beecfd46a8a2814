"""Import jobs, their issues, and source objects kept exactly as given."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, String, and_, bindparam, delete, func, insert, or_, select, update

from cyberfusion.domain.imports import (
    Checkpoint,
    ImportIssue,
    ImportJob,
    KeptObject,
    Severity,
    SourceObject,
)
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.bulk import insert_rows, table_of
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.correlation import escape_like, in_pages, json_table
from cyberfusion.store.tables import HandlingRow
from cyberfusion.store.tables_imports import ImportIssueRow, ImportJobRow, SourceObjectRow

_CHUNK = 500
_PAGE = 2000
MAX_ISSUES_PER_JOB = 10_000
COUNTS = ("created", "updated", "unchanged", "flagged", "rejected")


def _job(row: ImportJobRow) -> ImportJob:
    return ImportJob(
        id=row.id, owner_org_id=row.owner_org_id, user_id=row.user_id, status=row.status,
        codec=row.codec, filename=row.filename, path=row.path, sha256=row.sha256,
        size_bytes=row.size_bytes, bytes_done=row.bytes_done, defaults=json.loads(row.defaults),
        counts={name: getattr(row, name) for name in COUNTS}, issue_count=row.issue_count,
        error=row.error, created_at=row.created_at, started_at=row.started_at,
        finished_at=row.finished_at, lease_holder=row.lease_holder, lease_until=row.lease_until,
        attempts=row.attempts, checkpoint=_checkpoint(row.checkpoint),
    )


def _checkpoint(text: str) -> Checkpoint | None:
    return Checkpoint(**json.loads(text)) if text else None


class LeaseLost(RuntimeError):
    """Another runner took the job over (this one's lease lapsed): stop without writing."""


def owner_ref(owner_org_id: str, ref: str) -> str:
    """The unique key of a source object or case: refs are unique per importing owner."""
    return f"{owner_org_id}|{ref}"


class ImportJobRepo(Repo):
    """Reads and writes import jobs and their issues."""

    def create(self, *, owner_org_id: str, user_id: int | None, codec: str, filename: str,
               path: str, sha256: str, size_bytes: int, defaults: dict[str, Any],
               now: datetime, status: str = "pending") -> ImportJob:
        """Record a job: pending (to run) or held (awaiting the submitter's confirmation)."""
        row = ImportJobRow(owner_org_id=owner_org_id, user_id=user_id, status=status,
                           codec=codec, filename=filename, path=path, sha256=sha256,
                           size_bytes=size_bytes, bytes_done=0, defaults=json.dumps(defaults),
                           created=0, updated=0, unchanged=0, flagged=0, rejected=0,
                           issue_count=0, error="", created_at=now)
        self._added(row)
        return _job(row)

    def get(self, job_id: int) -> ImportJob | None:
        """One job, or None."""
        row = self.session.get(ImportJobRow, job_id)
        return _job(row) if row else None

    def of_org(self, org_id: str, limit: int) -> list[ImportJob]:
        """The organisation's jobs, newest first."""
        query = (select(ImportJobRow).where(ImportJobRow.owner_org_id == org_id)
                 .order_by(ImportJobRow.id.desc()).limit(limit))
        return [_job(r) for r in self.session.scalars(query)]

    def claim(self, job_id: int | None, now: datetime, holder: str,
              until: datetime) -> ImportJob | None:
        """Take a pending job, or a running one whose lease lapsed (this one, or the oldest),
        under a lease held by `holder`; SKIP LOCKED on PostgreSQL."""
        lapsed = and_(ImportJobRow.status == "running", or_(
            ImportJobRow.lease_until.is_(None), ImportJobRow.lease_until < now))
        query = select(ImportJobRow).where(or_(ImportJobRow.status == "pending", lapsed))
        if job_id is not None:
            query = query.where(ImportJobRow.id == job_id)
        query = query.order_by(ImportJobRow.id).limit(1).with_for_update(skip_locked=True)
        row = self.session.scalar(query)
        if row is None:
            return None
        row.status, row.started_at = "running", row.started_at or now
        row.lease_holder, row.lease_until, row.attempts = holder, until, row.attempts + 1
        return _job(row)

    def renew(self, job_id: int, holder: str, until: datetime) -> bool:
        """Extend the lease; False if `holder` no longer holds it."""
        result = self.session.execute(update(ImportJobRow).where(
            ImportJobRow.id == job_id, ImportJobRow.status == "running",
            ImportJobRow.lease_holder == holder).values(lease_until=until))
        return bool(getattr(result, "rowcount", 0))

    def hold(self, job_id: int, holder: str) -> ImportJobRow:
        """The job's row, locked, if `holder` still runs it; LeaseLost otherwise."""
        row = self.session.scalar(select(ImportJobRow).where(ImportJobRow.id == job_id)
                                  .with_for_update())
        if row is None or row.status != "running" or row.lease_holder != holder:
            raise LeaseLost(f"import {job_id} is no longer held by {holder}")
        return row

    def running(self) -> list[ImportJob]:
        """Jobs marked running (to find those whose runner died on this host)."""
        query = select(ImportJobRow).where(ImportJobRow.status == "running")
        return [_job(r) for r in self.session.scalars(query)]

    def expire(self, job_id: int, holder: str, now: datetime) -> None:
        """End `holder`'s lease now (its process is known to be dead)."""
        self.session.execute(update(ImportJobRow).where(
            ImportJobRow.id == job_id, ImportJobRow.status == "running",
            ImportJobRow.lease_holder == holder).values(lease_until=now))

    def restart(self, job_id: int, holder: str) -> Checkpoint | None:
        """Put the job back to its checkpoint (or its start): counts and issues since are
        dropped, so a resumed job ends with the counts of a clean run."""
        row = self.hold(job_id, holder)
        mark = _checkpoint(row.checkpoint)
        counts = mark.counts if mark else {}
        for name in COUNTS:
            setattr(row, name, counts.get(name, 0))
        row.issue_count = mark.issue_count if mark else 0
        row.bytes_done = mark.bytes if mark else 0
        self.session.execute(delete(ImportIssueRow).where(
            ImportIssueRow.job_id == job_id, ImportIssueRow.id > (mark.issue_id if mark else 0)))
        return mark

    def forget_checkpoint(self, job_id: int, holder: str) -> None:
        """The file no longer starts as it did: the job runs again from its start."""
        self.hold(job_id, holder).checkpoint = ""

    def retarget(self, job_id: int, sha256: str, size_bytes: int) -> None:
        """The job's file was replaced (fixed) in place: its new digest and size."""
        self.session.execute(update(ImportJobRow).where(ImportJobRow.id == job_id).values(
            sha256=sha256, size_bytes=size_bytes))

    def resumable(self, owner_org_id: str, path: str, now: datetime) -> ImportJob | None:
        """The newest job of this file that did not finish: pending, partial, or running
        under a lapsed lease."""
        lapsed = and_(ImportJobRow.status == "running", or_(
            ImportJobRow.lease_until.is_(None), ImportJobRow.lease_until < now))
        query = (select(ImportJobRow).where(
            ImportJobRow.owner_org_id == owner_org_id, ImportJobRow.path == path,
            or_(ImportJobRow.status.in_(("pending", "partial")), lapsed))
            .order_by(ImportJobRow.id.desc()).limit(1))
        row = self.session.scalar(query)
        return _job(row) if row else None

    def progress(self, job_id: int, bytes_done: int, counts: dict[str, int],
                 issues: Sequence[ImportIssue], holder: str | None = None) -> None:
        """Add a landed batch's counts and issues to the job (fenced by `holder`'s lease)."""
        row = self.hold(job_id, holder) if holder else self.session.get(ImportJobRow, job_id)
        assert row is not None
        row.bytes_done = max(row.bytes_done, bytes_done)
        for name in COUNTS:
            setattr(row, name, getattr(row, name) + counts.get(name, 0))
        room = max(0, MAX_ISSUES_PER_JOB - row.issue_count)
        kept = [{"job_id": job_id, "severity": i.severity.value, "location": i.location,
                 "message": i.message} for i in issues[:room]]
        if kept:
            self.session.execute(insert(ImportIssueRow), kept)
        row.issue_count += len(issues)

    def advance(self, job_id: int, holder: str, batches: int, read: int, digest: str,
                until: datetime) -> None:
        """Record the checkpoint after a whole batch landed and extend the lease."""
        row = self.hold(job_id, holder)
        last = self.session.scalar(select(func.max(ImportIssueRow.id))
                                   .where(ImportIssueRow.job_id == job_id))
        row.checkpoint = json.dumps({
            "batches": batches, "bytes": read, "sha256": digest,
            "counts": {name: getattr(row, name) for name in COUNTS},
            "issue_count": row.issue_count, "issue_id": int(last or 0)})
        row.lease_until, row.attempts = until, 1  # runs since the last progress

    def set_dropped(self, job_id: int, keys: Sequence[str]) -> None:
        """Record the values a held job is to land without (its defaults gain `dropped`)."""
        row = self.session.get(ImportJobRow, job_id)
        assert row is not None
        row.defaults = json.dumps({**json.loads(row.defaults), "dropped": sorted(keys)})

    def set_status(self, job_id: int, expected: str, status: str) -> bool:
        """Move a job from `expected` to `status`; False if it was not in `expected`."""
        result = self.session.execute(update(ImportJobRow).where(
            ImportJobRow.id == job_id, ImportJobRow.status == expected).values(status=status))
        return bool(getattr(result, "rowcount", 0))

    def finish(self, job_id: int, status: str, now: datetime, error: str = "",
               holder: str | None = None) -> None:
        """Mark the job done, partial or failed (only by the lease holder, if one is named)."""
        row = self.hold(job_id, holder) if holder else self.session.get(ImportJobRow, job_id)
        assert row is not None
        row.status, row.finished_at, row.error = status, now, error
        row.lease_until = None

    def issues(self, job_id: int, offset: int, limit: int) -> list[ImportIssue]:
        """A page of the job's issues in the order found."""
        query = (select(ImportIssueRow).where(ImportIssueRow.job_id == job_id)
                 .order_by(ImportIssueRow.id).offset(offset).limit(limit))
        return [ImportIssue(Severity(r.severity), r.location, r.message)
                for r in self.session.scalars(query)]


KeptSelect = Select[int, str, str, str, str, int | None, str]


def kept_query(org: Organisation, now: datetime
                ) -> KeptSelect:
    """Kept objects `org` may read in full (the SQL form of `decide()`)."""
    return (select(SourceObjectRow.id, HandlingRow.owner_org_id, SourceObjectRow.ref,
                   SourceObjectRow.type, HandlingRow.tlp, SourceObjectRow.case_id,
                   SourceObjectRow.body)
            .join(HandlingRow, HandlingRow.id == SourceObjectRow.handling_id)
            .where(full_clause(org, now)))


@dataclass
class UpsertResult:
    """What an upsert of source objects did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class SourceObjectRepo(Repo):
    """Source objects: newest `modified` wins per (owner, ref); older versions are ignored."""

    def upsert_many(self, owner_org_id: str, items: Sequence[tuple[SourceObject, int]],
                    job_id: int | None, now: datetime) -> UpsertResult:
        """Insert new objects, replace older stored versions, ignore older incoming ones;
        what lands is stamped `now` (its TAXII date_added)."""
        result = UpsertResult()
        keyed = {owner_ref(owner_org_id, obj.ref): (obj, hid) for obj, hid in items}
        known = self._known(list(keyed))
        fresh = []
        for key, (obj, hid) in keyed.items():
            if key not in known:
                fresh.append(_source_row(key, obj, hid, job_id, now))
            elif _newer(obj.modified, known[key][1]):
                self._replace(known[key][0], obj, hid, job_id, now)
                result.updated += 1
            else:
                result.unchanged += 1
        result.created = insert_rows(self.session, _SOURCE_TABLE, _SOURCE_COLUMNS, fresh)
        result.unchanged += len(items) - len(keyed)
        return result

    def link(self, owner_org_id: str, refs: Iterable[str], case_id: int) -> None:
        """Attach the owner's objects with these refs to a case."""
        keys = [owner_ref(owner_org_id, r) for r in refs]
        is_sqlite = self.session.get_bind().dialect.name == "sqlite"
        asked = select(json_table(is_sqlite, bindparam("refs", type_=String()), "asked").c.value)
        stmt = (update(SourceObjectRow).where(SourceObjectRow.owner_ref.in_(asked))
                .values(case_id=bindparam("case", type_=SourceObjectRow.case_id.type))
                .execution_options(synchronize_session=False))
        for _ in in_pages(self.session, stmt, "refs", keys, case=case_id):
            pass  # an UPDATE per page; nothing to read back

    def of_cases(self, case_ids: Sequence[int], org: Organisation,
                 now: datetime) -> dict[int, list[dict[str, Any]]]:
        """Bodies of the objects of these cases that `org` may read in full, in stored order."""
        found: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(case_ids), _CHUNK):
            query = (select(SourceObjectRow.case_id, SourceObjectRow.body)
                     .join(HandlingRow, HandlingRow.id == SourceObjectRow.handling_id)
                     .where(SourceObjectRow.case_id.in_(case_ids[start:start + _CHUNK]),
                            full_clause(org, now))
                     .order_by(SourceObjectRow.id))
            for case_id, body in self.session.execute(query):
                if case_id is not None:
                    found.setdefault(case_id, []).append(orjson.loads(body))
        return found

    def case_ids_of_refs(self, refs: Sequence[str]) -> list[int]:
        """Ids of the cases holding an object of one of these refs (callers filter them by
        the access decision), in id order."""
        query = (select(SourceObjectRow.case_id).distinct()
                 .where(SourceObjectRow.ref.in_(sorted(set(refs))),
                        SourceObjectRow.case_id.is_not(None)))
        return sorted(int(i) for i in self.session.scalars(query) if i is not None)

    def knowledge(self, org: Organisation, now: datetime,
                  refs: Sequence[str] | None = None) -> list[KeptObject]:
        """Objects kept outside any case that `org` may read in full (only `refs`, if given),
        in stored order, with their owners."""
        query = kept_query(org, now).where(SourceObjectRow.case_id.is_(None))
        if refs is not None:
            return [found for start in range(0, len(refs), _CHUNK)
                    for found in self._kept(query.where(
                        SourceObjectRow.ref.in_(sorted(refs)[start:start + _CHUNK])))]
        return self._kept(query)

    def kept_of_cases(self, case_ids: Sequence[int], org: Organisation,
                      now: datetime) -> list[KeptObject]:
        """The objects of these cases that `org` may read in full, with ref, type and TLP."""
        query = kept_query(org, now)
        return [found for start in range(0, len(case_ids), _CHUNK)
                for found in self._kept(query.where(
                    SourceObjectRow.case_id.in_(case_ids[start:start + _CHUNK])))]

    def _kept(self, query: KeptSelect
              ) -> list[KeptObject]:
        """Run `query` in pages by id (bounded result sets on big stores)."""
        found: list[KeptObject] = []
        last = 0
        while True:
            page = self.session.execute(query.where(SourceObjectRow.id > last)
                                        .order_by(SourceObjectRow.id).limit(_PAGE)).all()
            found += [KeptObject(owner, ref, kind, tlp, case_id, orjson.loads(body))
                      for _, owner, ref, kind, tlp, case_id, body in page]
            if len(page) < _PAGE:
                return found
            last = page[-1][0]

    def count(self, owner_org_id: str | None = None) -> int:
        """How many source objects are stored (of one owner)."""
        query = select(func.count(SourceObjectRow.id))
        if owner_org_id:
            query = query.where(SourceObjectRow.owner_ref.like(f"{escape_like(owner_org_id)}|%",
                                                               escape="\\"))
        return int(self.session.scalar(query) or 0)

    def _known(self, keys: list[str]) -> dict[str, tuple[int, datetime | None]]:
        known: dict[str, tuple[int, datetime | None]] = {}
        is_sqlite = self.session.get_bind().dialect.name == "sqlite"
        asked = json_table(is_sqlite, bindparam("refs", type_=String()), "asked")
        query = (select(SourceObjectRow.owner_ref, SourceObjectRow.id, SourceObjectRow.modified)
                 .select_from(asked).join(SourceObjectRow,
                                          SourceObjectRow.owner_ref == asked.c.value))
        for page in in_pages(self.session, query, "refs", keys):
            for key, ident, modified in page:
                known[key] = (ident, modified)
        return known

    def _replace(self, row_id: int, obj: SourceObject, handling_id: int,
                 job_id: int | None, now: datetime) -> None:
        self.session.execute(update(SourceObjectRow).where(SourceObjectRow.id == row_id).values(
            type=obj.type, modified=obj.modified, revoked=obj.revoked,
            body=orjson.dumps(obj.body).decode(), handling_id=handling_id, job_id=job_id,
            landed_at=now))


def _newer(incoming: datetime | None, stored: datetime | None) -> bool:
    """True if the incoming version replaces the stored one (STIX: newer `modified` wins)."""
    if incoming is None:
        return False
    return stored is None or incoming > stored


_SOURCE_TABLE = table_of(SourceObjectRow)
_SOURCE_COLUMNS = ("owner_ref", "ref", "type", "modified", "revoked", "body", "handling_id",
                   "job_id", "landed_at")


def _source_row(key: str, obj: SourceObject, handling_id: int,
                job_id: int | None, now: datetime) -> tuple[Any, ...]:
    return (key, obj.ref, obj.type, obj.modified, obj.revoked, orjson.dumps(obj.body).decode(),
            handling_id, job_id, now)
