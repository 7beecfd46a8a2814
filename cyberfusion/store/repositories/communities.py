"""Communities, members, threads, posts, library and meetings.

Every list here is filtered in SQL by the community rule: the reader's organisation is a
member (`_member`) and the item's handling row passes `full_clause` (the SQL form of
`decide()`); a library link also needs its product to be readable by the reader (a report
sent to it or written by it, a published bulletin). `thread()`, `library_item()` and
`meeting()` return one row whatever the reader (the service decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy import update as sql_update

from cyberfusion.domain.bulletins import BulletinStatus
from cyberfusion.domain.communities import (
    Community,
    CommunityThread,
    LibraryItem,
    LibraryKind,
    Meeting,
    Member,
    MemberRole,
    Post,
)
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import Organisation
from cyberfusion.domain.reports import DeliveryStatus
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.handlings import HandlingRepo
from cyberfusion.store.tables import HandlingRow, OrgRow
from cyberfusion.store.tables_bulletins import BulletinRow
from cyberfusion.store.tables_communities import (
    CommunityLibraryRow,
    CommunityMeetingRow,
    CommunityMemberRow,
    CommunityPostRow,
    CommunityRow,
    CommunityThreadRow,
)
from cyberfusion.store.tables_reports import ReportDeliveryRow, ReportRow

M, T, L, G = CommunityMemberRow, CommunityThreadRow, CommunityLibraryRow, CommunityMeetingRow


def _member(community_id: Any, org_id: str) -> ColumnElement[bool]:
    """EXISTS a membership of `org_id` in the community."""
    return exists(select(literal(1)).where(M.community_id == community_id, M.org_id == org_id))


def product_readable(org: Organisation) -> ColumnElement[bool]:
    """A library entry's product is readable by `org`: a report it wrote or was sent, a
    published bulletin; playbooks (reference data) and uploaded documents need nothing more."""
    report = exists(select(literal(1)).where(
        cast(ReportRow.id, String(64)) == L.ref,
        or_(ReportRow.author_org_id == org.id, exists(select(literal(1)).where(
            ReportDeliveryRow.report_id == ReportRow.id, ReportDeliveryRow.org_id == org.id,
            ReportDeliveryRow.status == DeliveryStatus.SENT.value)))))
    bulletin = exists(select(literal(1)).where(
        cast(BulletinRow.id, String(64)) == L.ref,
        or_(BulletinRow.status == BulletinStatus.PUBLISHED.value,
            BulletinRow.author_org_id == org.id)))
    return or_(L.kind.in_([LibraryKind.PLAYBOOK.value, LibraryKind.DOCUMENT.value]),
               and_(L.kind == LibraryKind.REPORT.value, report),
               and_(L.kind == LibraryKind.BULLETIN.value, bulletin))


class CommunityRepo(Repo):
    """Reads and writes communities and what they hold."""

    def __init__(self, session: Any, handlings: HandlingRepo) -> None:
        super().__init__(session)
        self.handlings = handlings

    # --- communities and members ------------------------------------------------------

    def add(self, slug: str, name: str, purpose: str, now: datetime) -> int:
        """A new community; its id."""
        return int(self._added(CommunityRow(slug=slug, name=name, purpose=purpose,
                                            created_at=now)).id)

    def get(self, community_id: int) -> Community | None:
        """The community, whoever asks (the service checks membership)."""
        row = self.session.get(CommunityRow, community_id)
        return _community(row) if row is not None else None

    def by_slug(self, slug: str) -> Community | None:
        """The community with this short name."""
        row = self.session.scalar(select(CommunityRow).where(CommunityRow.slug == slug))
        return _community(row) if row is not None else None

    def mine(self, org_id: str) -> list[tuple[Community, MemberRole]]:
        """The communities `org_id` belongs to, with its role, by name."""
        query = (select(CommunityRow, M.role).join(M, M.community_id == CommunityRow.id)
                 .where(M.org_id == org_id).order_by(CommunityRow.name))
        return [(_community(c), MemberRole(r)) for c, r in self.session.execute(query)]

    def role(self, community_id: int, org_id: str) -> MemberRole | None:
        """The organisation's role in the community, None if not a member."""
        found = self.session.scalar(select(M.role).where(M.community_id == community_id,
                                                         M.org_id == org_id))
        return MemberRole(found) if found else None

    def members(self, community_id: int) -> list[Member]:
        """Every member, moderators first."""
        query = (select(M, OrgRow.name, OrgRow.kind)
                 .join(OrgRow, OrgRow.id == M.org_id)
                 .where(M.community_id == community_id).order_by(M.role.desc(), M.org_id))
        return [Member(m.org_id, MemberRole(m.role), m.added_at, n, k)
                for m, n, k in self.session.execute(query)]

    def set_member(self, community_id: int, org_id: str, role: MemberRole,
                   now: datetime) -> None:
        """Add a member, or change its role."""
        row = self.session.get(M, (community_id, org_id))
        if row is None:
            self._added(M(community_id=community_id, org_id=org_id, role=role.value,
                          added_at=now))
        else:
            row.role = role.value

    def remove_member(self, community_id: int, org_id: str) -> bool:
        """Remove a member; False if it was none."""
        result = self.session.execute(delete(M).where(M.community_id == community_id,
                                                      M.org_id == org_id))
        return bool(getattr(result, "rowcount", 0))

    # --- threads and posts ------------------------------------------------------------

    def add_thread(self, community_id: int, owner_org_id: str, title: str,
                   handling: Handling, now: datetime) -> int:
        """A new thread under a new handling row; its id."""
        handling_id = self.handlings.add(owner_org_id, handling)
        return int(self._added(T(community_id=community_id, handling_id=handling_id,
                                 title=title, pinned=False, locked=False, created_at=now,
                                 updated_at=now)).id)

    def threads(self, community_id: int, org: Organisation, now: datetime
                ) -> list[CommunityThread]:
        """The threads `org` may read (member, and FULL), pinned first then newest."""
        query = self._visible(select(T), T.community_id, T.handling_id, org, now
                              ).where(T.community_id == community_id)
        return self._threads(list(self.session.scalars(
            query.order_by(T.pinned.desc(), T.updated_at.desc(), T.id.desc()))))

    def thread(self, thread_id: int) -> CommunityThread | None:
        """One thread, whoever asks."""
        row = self.session.get(T, thread_id)
        return self._threads([row])[0] if row is not None else None

    def set_flags(self, thread_id: int, pinned: bool | None, locked: bool | None) -> None:
        """Pin or unpin, lock or unlock a thread."""
        values = {k: v for k, v in (("pinned", pinned), ("locked", locked)) if v is not None}
        if values:
            self.session.execute(sql_update(T).where(T.id == thread_id).values(**values))

    def add_post(self, thread_id: int, org_id: str, user_id: int | None, author: str,
                 body: str, now: datetime) -> int:
        """A new (not yet signed) post; its id. The thread moves to the top."""
        row = self._added(CommunityPostRow(thread_id=thread_id, org_id=org_id,
                                           user_id=user_id, author=author, body=body,
                                           created_at=now, key_id="", signature=""))
        self.session.execute(sql_update(T).where(T.id == thread_id).values(updated_at=now))
        return int(row.id)

    def sign_post(self, post_id: int, key_id: str, signature: str) -> None:
        """Keep a post's signature."""
        self.session.execute(sql_update(CommunityPostRow).where(CommunityPostRow.id == post_id)
                             .values(key_id=key_id, signature=signature))

    def posts(self, thread_id: int) -> list[Post]:
        """A thread's posts, oldest first."""
        query = (select(CommunityPostRow).where(CommunityPostRow.thread_id == thread_id)
                 .order_by(CommunityPostRow.id))
        return [Post(p.id, p.thread_id, p.org_id, p.author, p.body, p.created_at, p.key_id,
                     p.signature) for p in self.session.scalars(query)]

    # --- library ----------------------------------------------------------------------

    def add_library(self, community_id: int, owner_org_id: str, kind: LibraryKind,
                    title: str, ref: str, handling: Handling, now: datetime,
                    document: tuple[str, str, bytes, str] | None = None) -> int:
        """A library entry; `document` is (filename, media type, bytes, sha256)."""
        handling_id = self.handlings.add(owner_org_id, handling)
        name, media, content, digest = document or ("", "", None, "")
        return int(self._added(L(community_id=community_id, handling_id=handling_id,
                                 kind=kind.value, title=title, ref=ref, filename=name,
                                 media_type=media, size=len(content or b""), sha256=digest,
                                 content=content, added_at=now)).id)

    def library(self, community_id: int, org: Organisation, now: datetime
                ) -> list[LibraryItem]:
        """The entries `org` may read (member, FULL, product readable), newest first."""
        query = (self._visible(select(L), L.community_id, L.handling_id, org, now)
                 .where(L.community_id == community_id, product_readable(org))
                 .order_by(L.id.desc()))
        return self._library(list(self.session.scalars(query)))

    def library_item(self, item_id: int, org: Organisation, now: datetime
                     ) -> LibraryItem | None:
        """One entry if `org` may read it (same rule as the list), else None."""
        query = (self._visible(select(L), L.community_id, L.handling_id, org, now)
                 .where(L.id == item_id, product_readable(org)))
        rows = list(self.session.scalars(query))
        return self._library(rows)[0] if rows else None

    def document(self, item_id: int) -> bytes:
        """The bytes of an uploaded document (the service checked access first)."""
        return self.session.scalar(select(L.content).where(L.id == item_id)) or b""

    # --- meetings ---------------------------------------------------------------------

    def add_meeting(self, community_id: int, owner_org_id: str, title: str,
                    starts_at: datetime, agenda: str, handling: Handling) -> int:
        """A new meeting under a new handling row; its id."""
        handling_id = self.handlings.add(owner_org_id, handling)
        return int(self._added(G(community_id=community_id, handling_id=handling_id,
                                 title=title, starts_at=starts_at, agenda=agenda,
                                 minutes="")).id)

    def meetings(self, community_id: int, org: Organisation, now: datetime) -> list[Meeting]:
        """The meetings `org` may read, soonest first."""
        query = (self._visible(select(G), G.community_id, G.handling_id, org, now)
                 .where(G.community_id == community_id).order_by(G.starts_at, G.id))
        return self._meetings(list(self.session.scalars(query)))

    def meeting(self, meeting_id: int) -> Meeting | None:
        """One meeting, whoever asks."""
        row = self.session.get(G, meeting_id)
        return self._meetings([row])[0] if row is not None else None

    def set_minutes(self, meeting_id: int, minutes: str) -> None:
        """Write a meeting's minutes."""
        self.session.execute(sql_update(G).where(G.id == meeting_id).values(minutes=minutes))

    # --- counts and helpers -----------------------------------------------------------

    def counts(self, community_id: int, org: Organisation, now: datetime) -> dict[str, int]:
        """How many threads, library entries and meetings `org` may read."""
        def count(query: Select[Any]) -> int:
            return int(self.session.scalar(select(func.count()).select_from(query.subquery()))
                       or 0)
        return {
            "threads": count(self._visible(select(T.id), T.community_id, T.handling_id, org,
                                           now).where(T.community_id == community_id)),
            "library": count(self._visible(select(L.id), L.community_id, L.handling_id, org,
                                           now).where(L.community_id == community_id,
                                                      product_readable(org))),
            "meetings": count(self._visible(select(G.id), G.community_id, G.handling_id, org,
                                            now).where(G.community_id == community_id)),
        }

    @staticmethod
    def _visible(query: Select[Any], community_col: Any, handling_col: Any,
                 org: Organisation, now: datetime) -> Select[Any]:
        """`query` narrowed to rows of a community `org` belongs to, readable in full."""
        return (query.join(HandlingRow, HandlingRow.id == handling_col)
                .where(_member(community_col, org.id), full_clause(org, now)))

    def _threads(self, rows: Sequence[CommunityThreadRow]) -> list[CommunityThread]:
        governed = self.handlings.get_many(r.handling_id for r in rows)
        ids = [r.id for r in rows]
        counts: dict[int, int] = {int(t): int(n) for t, n in self.session.execute(
            select(CommunityPostRow.thread_id, func.count()).where(
                CommunityPostRow.thread_id.in_(ids)).group_by(CommunityPostRow.thread_id))
        } if ids else {}
        return [CommunityThread(r.id, r.community_id, r.title,
                                governed[r.handling_id].owner_org_id, r.handling_id,
                                governed[r.handling_id].handling, r.created_at, r.pinned,
                                r.locked, int(counts.get(r.id, 0))) for r in rows]

    def _library(self, rows: Sequence[CommunityLibraryRow]) -> list[LibraryItem]:
        governed = self.handlings.get_many(r.handling_id for r in rows)
        return [LibraryItem(r.id, r.community_id, LibraryKind(r.kind), r.title, r.ref,
                            governed[r.handling_id].owner_org_id, r.handling_id,
                            governed[r.handling_id].handling, r.added_at, r.filename,
                            r.media_type, r.size, r.sha256) for r in rows]

    def _meetings(self, rows: Sequence[CommunityMeetingRow]) -> list[Meeting]:
        governed = self.handlings.get_many(r.handling_id for r in rows)
        return [Meeting(r.id, r.community_id, r.title, r.starts_at, r.agenda, r.minutes,
                        governed[r.handling_id].owner_org_id, r.handling_id,
                        governed[r.handling_id].handling) for r in rows]


def _community(row: CommunityRow) -> Community:
    return Community(row.id, row.slug, row.name, row.purpose, row.created_at)
