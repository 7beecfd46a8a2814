"""The dashboard: per-viewer figures, each counted in SQL under the access decision."""

from __future__ import annotations

from cyberfusion.domain.dashboard import (
    DEFAULT_MONTHS,
    Dashboard,
    clamp_months,
    month_labels,
    month_start,
    response_times,
)
from cyberfusion.domain.model import CaseFilter, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.services.context import Context


def dashboard(ctx: Context, principal: Principal, months: int = DEFAULT_MONTHS) -> Dashboard:
    """Counts, monthly series and response times over what the principal may read."""
    require(principal, Permission.CASE_READ)
    now, months = ctx.now(), clamp_months(months)
    since = month_start(now, months)
    org = principal.org
    with ctx.db.read() as tx:
        by_type = tx.cases.count_by_crime_type(org, now)
        _, own = tx.cases.page(org, now, CaseFilter(owner_org_id=principal.org_id), 0, 1)
        occurrences = tx.cases.count_occurrences(org, now)
        board = tx.dashboard
        return Dashboard(
            cases=sum(by_type.values()), own_cases=own,
            by_crime_type=dict(sorted(by_type.items())), occurrences=occurrences,
            since=since.date(), months=month_labels(now, months),
            cases_by_crime_type=board.cases_by_crime_type(org, now, since),
            cases_by_region=board.cases_by_region(org, now, since),
            hits=board.hits(org, now, since),
            disclosure_times=response_times(board.disclosure_pairs(org, since)),
            request_times=response_times(board.request_pairs(org, since)))
