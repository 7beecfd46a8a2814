"""TAXII sources, their runs and what pushes delivered, as domain types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import orjson
from sqlalchemy import delete, insert, select, update

from cyberfusion.domain.sources import (
    AuthKind,
    Bookmark,
    Direction,
    RunCounts,
    Source,
    SourceDraft,
    SourceRun,
)
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables_sources import SourcePushedRow, SourceRow, SourceRunRow


def _source(row: SourceRow) -> Source:
    return Source(id=row.id, org_id=row.org_id, name=row.name,
                  direction=Direction(row.direction), api_root=row.api_root,
                  collection_id=row.collection_id, auth=AuthKind(row.auth),
                  secret_env=row.secret_env, interval_seconds=row.interval_seconds,
                  peer_org_id=row.peer_org_id or "", defaults=orjson.loads(row.defaults),
                  bookmark=Bookmark(row.added_after, row.next_value, row.walk_last),
                  next_run_at=row.next_run_at, created_at=row.created_at)


def _run(row: SourceRunRow) -> SourceRun:
    return SourceRun(id=row.id, source_id=row.source_id, direction=Direction(row.direction),
                     trigger=row.trigger, status=row.status, counts=orjson.loads(row.counts),
                     errors=orjson.loads(row.errors), started_at=row.started_at,
                     finished_at=row.finished_at)


class SourceRepo(Repo):
    """Configured sources per organisation."""

    def add(self, org_id: str, draft: SourceDraft, now: datetime) -> Source:
        """Store a new source; scheduled ones are due at once."""
        row = self._added(SourceRow(
            org_id=org_id, name=draft.name, direction=draft.direction.value,
            api_root=draft.api_root, collection_id=draft.collection_id,
            auth=draft.auth.value, secret_env=draft.secret_env,
            interval_seconds=draft.interval_seconds, peer_org_id=draft.peer_org_id or None,
            defaults=orjson.dumps(draft.defaults).decode(), added_after="", next_value="",
            walk_last="", next_run_at=now if draft.interval_seconds else None, created_at=now))
        return _source(row)

    def by_name(self, org_id: str, name: str) -> Source | None:
        """One of the organisation's sources by name."""
        row = self.session.scalar(select(SourceRow).where(SourceRow.org_id == org_id,
                                                          SourceRow.name == name))
        return _source(row) if row else None

    def get(self, source_id: int) -> Source | None:
        """A source by id."""
        row = self.session.get(SourceRow, source_id)
        return _source(row) if row else None

    def of_org(self, org_id: str) -> list[Source]:
        """The organisation's sources by name."""
        rows = self.session.scalars(select(SourceRow).where(SourceRow.org_id == org_id)
                                    .order_by(SourceRow.name))
        return [_source(r) for r in rows]

    def remove(self, source_id: int) -> None:
        """Forget a source, its runs and its pushed record."""
        for table in (SourcePushedRow, SourceRunRow):
            self.session.execute(delete(table).where(table.source_id == source_id))
        self.session.execute(delete(SourceRow).where(SourceRow.id == source_id))

    def set_bookmark(self, source_id: int, bookmark: Bookmark) -> None:
        """Move the pull bookmark (in the transaction that landed the page)."""
        self.session.execute(update(SourceRow).where(SourceRow.id == source_id).values(
            added_after=bookmark.added_after, next_value=bookmark.next,
            walk_last=bookmark.walk_last))

    def claim_due(self, now: datetime) -> Source | None:
        """Take the first source due for a scheduled run: its next run moves on at once, so
        no other worker takes it (a conditional update, on SQLite and PostgreSQL alike)."""
        due = self.session.scalars(select(SourceRow).where(
            SourceRow.next_run_at.is_not(None), SourceRow.next_run_at <= now)
            .order_by(SourceRow.next_run_at).limit(5))
        for row in list(due):
            moved = self.session.execute(
                update(SourceRow).where(SourceRow.id == row.id,
                                        SourceRow.next_run_at == row.next_run_at)
                .values(next_run_at=_later(now, row.interval_seconds)
                        if row.interval_seconds else None))
            if getattr(moved, "rowcount", 0) == 1:
                self.session.refresh(row)
                return _source(row)
        return None

    def queue(self, source_id: int, now: datetime) -> None:
        """Make a source due now (a run asked for through the API or the page)."""
        self.session.execute(update(SourceRow).where(SourceRow.id == source_id)
                             .values(next_run_at=now))

    def take_lease(self, source_id: int, now: datetime, until: datetime) -> bool:
        """Hold the source for one run, unless a live run holds it (a conditional update)."""
        taken = self.session.execute(update(SourceRow).where(
            SourceRow.id == source_id,
            (SourceRow.lease_until.is_(None)) | (SourceRow.lease_until < now))
            .values(lease_until=until))
        return getattr(taken, "rowcount", 0) == 1

    def renew_lease(self, source_id: int, until: datetime) -> None:
        """Keep holding the source (each landed page)."""
        self.session.execute(update(SourceRow).where(SourceRow.id == source_id)
                             .values(lease_until=until))

    def drop_lease(self, source_id: int) -> None:
        """Let the source go at the end of a run."""
        self.session.execute(update(SourceRow).where(SourceRow.id == source_id)
                             .values(lease_until=None))

    def start_run(self, source: Source, trigger: str, now: datetime) -> SourceRun:
        """Record a run as running (the caller holds the lease); runs of this source left
        running by a dead process are marked interrupted."""
        self.session.execute(update(SourceRunRow).where(
            SourceRunRow.source_id == source.id, SourceRunRow.status == "running").values(
            status="interrupted", finished_at=now,
            errors=orjson.dumps(["the process stopped before the run finished"]).decode()))
        row = self._added(SourceRunRow(source_id=source.id, direction=source.direction.value,
                                       trigger=trigger, status="running", counts="{}",
                                       errors="[]", started_at=now))
        return _run(row)

    def record_run(self, run_id: int, counts: RunCounts, status: str,
                   now: datetime | None) -> None:
        """Store the run's counts so far (and its end, when `now` is given)."""
        values: dict[str, object] = {"counts": orjson.dumps(counts.as_dict()).decode(),
                                     "errors": orjson.dumps(counts.errors).decode(),
                                     "status": status}
        if now is not None:
            values["finished_at"] = now
        self.session.execute(update(SourceRunRow).where(SourceRunRow.id == run_id)
                             .values(**values))

    def runs(self, source_ids: Sequence[int], limit: int) -> list[SourceRun]:
        """The newest runs of these sources."""
        if not source_ids:
            return []
        rows = self.session.scalars(select(SourceRunRow).where(
            SourceRunRow.source_id.in_(list(source_ids))).order_by(SourceRunRow.id.desc())
            .limit(limit))
        return [_run(r) for r in rows]

    def get_run(self, run_id: int) -> SourceRun | None:
        """One run."""
        row = self.session.get(SourceRunRow, run_id)
        return _run(row) if row else None

    def pushed(self, source_id: int, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (object id, version) pairs this source has delivered already."""
        found: set[tuple[str, str]] = set()
        ids = sorted({k[0] for k in keys})
        for start in range(0, len(ids), 500):
            query = select(SourcePushedRow.object_id, SourcePushedRow.version).where(
                SourcePushedRow.source_id == source_id,
                SourcePushedRow.object_id.in_(ids[start:start + 500]))
            found |= {(i, v) for i, v in self.session.execute(query)}
        return found & set(keys)

    def mark_pushed(self, source_id: int, keys: Sequence[tuple[str, str]],
                    now: datetime) -> None:
        """Record delivered object versions (those not recorded yet)."""
        fresh = sorted(set(keys) - self.pushed(source_id, keys))
        if fresh:
            self.session.execute(insert(SourcePushedRow), [
                {"source_id": source_id, "object_id": i, "version": v, "pushed_at": now}
                for i, v in fresh])


def _later(now: datetime, seconds: int) -> datetime:
    """When a scheduled source is next due."""
    return now + timedelta(seconds=seconds)
