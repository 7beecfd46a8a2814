"""Dashboard figures in SQL: each WHERE holds the access decision's SQL form (`full_clause`
for cases and the cases hits point at, the party rule for disclosure requests and
`channel_sql.readable_clause` for threads), so nothing is filtered in Python afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from cyberfusion.domain.channel import RequestType
from cyberfusion.domain.dashboard import SeriesPoint
from cyberfusion.domain.model import Organisation
from cyberfusion.store.access_sql import full_clause
from cyberfusion.store.channel_sql import readable_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import CaseRow, HandlingRow, OrgRow
from cyberfusion.store.tables_channel import PartyRow, ThreadRow
from cyberfusion.store.tables_hits import DisclosureRequestRow, HitRow

D = DisclosureRequestRow
#: The region key of cases whose owner has none (the hub, some agencies).
NO_REGION = "none"
INCOMING, OUTGOING = "incoming", "outgoing"


class DashboardRepo(Repo):
    """Counts and response-time pairs for one viewer."""

    def __init__(self, session: Session, is_sqlite: bool) -> None:
        super().__init__(session)
        self.is_sqlite = is_sqlite

    def _month(self, column: Any) -> ColumnElement[str]:
        """`YYYY-MM` of a UTC timestamp column, in this dialect."""
        if self.is_sqlite:
            return func.strftime("%Y-%m", column)
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")

    def _series(self, query: Any) -> list[SeriesPoint]:
        """(month, key, count) rows as series points, ordered."""
        return [SeriesPoint(str(m), str(k), int(n)) for m, k, n in self.session.execute(query)]

    def cases_by_crime_type(self, org: Organisation, now: datetime,
                            since: datetime) -> list[SeriesPoint]:
        """Readable live cases submitted per month and crime type since `since`."""
        month = self._month(CaseRow.created_at).label("month")
        query = (select(month, CaseRow.crime_type, func.count())
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(CaseRow.revoked.is_(False), CaseRow.created_at >= since,
                        full_clause(org, now))
                 .group_by(month, CaseRow.crime_type).order_by(month, CaseRow.crime_type))
        return self._series(query)

    def cases_by_region(self, org: Organisation, now: datetime,
                        since: datetime) -> list[SeriesPoint]:
        """Readable live cases per month and region of the owning organisation."""
        month = self._month(CaseRow.created_at).label("month")
        region = func.coalesce(OrgRow.region, NO_REGION).label("region")
        query = (select(month, region, func.count())
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .join(OrgRow, OrgRow.id == HandlingRow.owner_org_id)
                 .where(CaseRow.revoked.is_(False), CaseRow.created_at >= since,
                        full_clause(org, now))
                 .group_by(month, region).order_by(month, region))
        return self._series(query)

    def hits(self, org: Organisation, now: datetime, since: datetime) -> list[SeriesPoint]:
        """Hits the viewer is party to (on its data, or from its searches) per month, on
        live cases it reads in full."""
        month = self._month(HitRow.at).label("month")
        direction = case((HitRow.owner_org_id == org.id, INCOMING),
                         else_=OUTGOING).label("direction")
        query = (select(month, direction, func.count())
                 .join(CaseRow, CaseRow.id == HitRow.case_id)
                 .join(HandlingRow, HandlingRow.id == CaseRow.handling_id)
                 .where(or_(HitRow.owner_org_id == org.id, HitRow.searcher_org_id == org.id),
                        HitRow.at >= since, CaseRow.revoked.is_(False), full_clause(org, now))
                 .group_by(month, direction).order_by(month, direction))
        return self._series(query)

    def disclosure_pairs(self, org: Organisation,
                         since: datetime) -> list[tuple[datetime, datetime]]:
        """(asked, decided) of decided disclosure requests the viewer made or decided."""
        query = (select(D.created_at, D.decided_at)
                 .where(or_(D.owner_org_id == org.id, D.requester_org_id == org.id),
                        D.decided_at.is_not(None), D.created_at >= since))
        return [(a, b) for a, b in self.session.execute(query) if b is not None]

    def request_pairs(self, org: Organisation,
                      since: datetime) -> list[tuple[datetime, datetime]]:
        """(sent, answered) of each addressee's answer in channel requests the viewer
        takes part in (plain messages are not requests)."""
        answer = aliased(PartyRow)
        query = (select(ThreadRow.created_at, answer.answered_at)
                 .join(answer, answer.thread_id == ThreadRow.id)
                 .where(readable_clause(org.id),
                        ThreadRow.request_type != RequestType.MESSAGE.value,
                        answer.org_id != ThreadRow.sender_org_id,
                        answer.answered_at.is_not(None), ThreadRow.created_at >= since))
        return [(a, b) for a, b in self.session.execute(query) if b is not None]

