"""Bulletins and their cited sources; a source's handling is read with the SQL form of the
access decision (the author's FULL access) and shown publicly only under `public_clause`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import aliased

from cyberfusion.domain.bulletins import (
    Bulletin,
    BulletinStatus,
    BulletinText,
    SourceHandling,
    SourceKind,
    SourceRef,
)
from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import full_clause, public_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import (
    CaseRow,
    EntityRow,
    HandlingRow,
    HandlingTokenRow,
    UserRow,
)
from cyberfusion.store.tables_bulletins import BulletinRow, BulletinSourceRow

B = BulletinRow
_AUTHOR = aliased(UserRow)
_APPROVER = aliased(UserRow)


def _item(kind: SourceKind) -> Any:
    """The table a source of `kind` lives in."""
    return CaseRow if kind is SourceKind.CASE else EntityRow


def _title(kind: SourceKind) -> Any:
    """The column that names a source of `kind`."""
    return CaseRow.title if kind is SourceKind.CASE else EntityRow.name


class BulletinRepo(Repo):
    """Adds, changes and reads bulletins."""

    def add(self, text: BulletinText, user_id: int, org_id: str, now: datetime) -> int:
        """Store a new draft and its sources; its id."""
        row = self._added(BulletinRow(
            title=text.title, threat=text.threat, affected=text.affected, actions=text.actions,
            status=BulletinStatus.DRAFT.value, author_user_id=user_id, author_org_id=org_id,
            created_at=now, updated_at=now, withdraw_reason=""))
        self._set_sources(row.id, text.sources)
        return row.id

    def update_text(self, bulletin_id: int, text: BulletinText, now: datetime) -> None:
        """Replace the text and sources; the bulletin is a draft again (approval reset)."""
        self.session.execute(update(B).where(B.id == bulletin_id).values(
            title=text.title, threat=text.threat, affected=text.affected, actions=text.actions,
            status=BulletinStatus.DRAFT.value, approver_user_id=None, approved_at=None,
            updated_at=now))
        self.session.execute(delete(BulletinSourceRow)
                             .where(BulletinSourceRow.bulletin_id == bulletin_id))
        self._set_sources(bulletin_id, text.sources)

    def _set_sources(self, bulletin_id: int, sources: Sequence[SourceRef]) -> None:
        """Insert the source rows in the order given."""
        if sources:
            self.session.execute(insert(BulletinSourceRow), [
                {"bulletin_id": bulletin_id, "position": i, "kind": s.kind.value,
                 "ref_id": s.id} for i, s in enumerate(sources)])

    def set_status(self, bulletin_id: int, status: BulletinStatus, user_id: int,
                   now: datetime, reason: str = "") -> None:
        """Move the bulletin on and stamp the step."""
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if status is BulletinStatus.APPROVED:
            values |= {"approver_user_id": user_id, "approved_at": now}
        elif status is BulletinStatus.PUBLISHED:
            values |= {"published_at": now}
        elif status is BulletinStatus.WITHDRAWN:
            values |= {"withdrawn_at": now, "withdraw_reason": reason}
        self.session.execute(update(B).where(B.id == bulletin_id).values(**values))

    def _query(self) -> Any:
        """Bulletin rows with the author's and approver's usernames."""
        return (select(B, _AUTHOR.username, _APPROVER.username)
                .join(_AUTHOR, _AUTHOR.id == B.author_user_id)
                .outerjoin(_APPROVER, _APPROVER.id == B.approver_user_id))

    def get(self, bulletin_id: int, lock: bool = False) -> Bulletin | None:
        """The bulletin with `bulletin_id` and its sources (untitled), or None."""
        query = self._query().where(B.id == bulletin_id)
        if lock:
            query = query.with_for_update(of=B)
        found = self.session.execute(query).first()
        if found is None:
            return None
        return _bulletin(found, self._sources([bulletin_id]).get(bulletin_id, ()))

    def page(self, statuses: Sequence[BulletinStatus], offset: int,
             limit: int) -> tuple[list[Bulletin], int]:
        """Bulletins in `statuses`, newest first (by publication, then by change)."""
        where = B.status.in_([s.value for s in statuses])
        total = int(self.session.scalar(select(func.count()).select_from(B).where(where)) or 0)
        rows = self.session.execute(
            self._query().where(where)
            .order_by(func.coalesce(B.published_at, B.updated_at).desc(), B.id.desc())
            .offset(offset).limit(limit)).all()
        sources = self._sources([r[0].id for r in rows])
        return [_bulletin(r, sources.get(r[0].id, ())) for r in rows], total

    def _sources(self, ids: Sequence[int]) -> dict[int, tuple[SourceRef, ...]]:
        """The sources of each bulletin in `ids`, in their order."""
        found: dict[int, list[SourceRef]] = {}
        query = (select(BulletinSourceRow).where(BulletinSourceRow.bulletin_id.in_(list(ids)))
                 .order_by(BulletinSourceRow.bulletin_id, BulletinSourceRow.position))
        for row in self.session.scalars(query):
            found.setdefault(row.bulletin_id, []).append(
                SourceRef(SourceKind(row.kind), row.ref_id))
        return {k: tuple(v) for k, v in found.items()}

    def source_handling(self, refs: Sequence[SourceRef], org: Organisation,
                        now: datetime) -> list[SourceHandling]:
        """Each source's TLP, personal-data and exclusion flags, where `org` reads it in
        full (tlp None where it does not, or the source is missing or withdrawn)."""
        return [self._one_handling(ref, org, now) for ref in refs]

    def _one_handling(self, ref: SourceRef, org: Organisation,
                      now: datetime) -> SourceHandling:
        """One source as `source_handling` reads it."""
        item = _item(ref.kind)
        excluded = (select(func.count()).where(HandlingTokenRow.handling_id == HandlingRow.id,
                                                HandlingTokenRow.kind == "exclude")
                    .correlate(HandlingRow).scalar_subquery())
        found = self.session.execute(
            select(HandlingRow.tlp, HandlingRow.personal_data, excluded)
            .join(item, item.handling_id == HandlingRow.id)
            .where(item.id == ref.id, item.revoked.is_(False), full_clause(org, now))).first()
        if found is None:
            return SourceHandling(ref, None)
        return SourceHandling(ref, TLP(found[0]), bool(found[1]), bool(found[2]))

    def titles(self, refs: Sequence[SourceRef], org: Organisation | None,
               now: datetime) -> dict[tuple[SourceKind, int], str]:
        """Titles of the sources the reader may see: in full for `org`, or (None) shown to
        anyone under `public_clause`; sources not seen are absent."""
        found: dict[tuple[SourceKind, int], str] = {}
        for kind in SourceKind:
            ids = [r.id for r in refs if r.kind is kind]
            if not ids:
                continue
            item = _item(kind)
            seen = public_clause(now) if org is None else full_clause(org, now)
            query = (select(item.id, _title(kind))
                     .join(HandlingRow, HandlingRow.id == item.handling_id)
                     .where(item.id.in_(ids), item.revoked.is_(False), seen))
            found |= {(kind, int(i)): str(t) for i, t in self.session.execute(query)}
        return found


def _bulletin(found: Any, sources: tuple[SourceRef, ...]) -> Bulletin:
    """The domain bulletin from a row, its users' names and its sources."""
    row: BulletinRow = found[0]
    text = BulletinText(row.title, row.threat, row.affected, row.actions, sources)
    return Bulletin(
        id=row.id, text=text, status=BulletinStatus(row.status),
        author_user_id=row.author_user_id, author_org_id=row.author_org_id,
        created_at=row.created_at, updated_at=row.updated_at,
        approver_user_id=row.approver_user_id, approved_at=row.approved_at,
        published_at=row.published_at, withdrawn_at=row.withdrawn_at,
        withdraw_reason=row.withdraw_reason, author_name=found[1] or "",
        approver_name=found[2] or "")
