"""Review confirmation and the retention sweep, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import NOW
from worlds import World, build_world, case_doc

from cyberfusion.domain.model import CaseFilter
from cyberfusion.errors import InvalidHandling, InvalidInput, NotFound
from cyberfusion.formats.case_json import parse_case
from cyberfusion.jobs.retention import RetentionWorker
from cyberfusion.services import audit, cases, retention
from cyberfusion.services.context import Context


def _case(ctx: Context, world: World, review_by: date) -> int:
    """A case filed while its review date was still ahead (an already-due one is refused)."""
    filed = min(NOW, datetime.combine(review_by - timedelta(days=1), NOW.timetz()))
    ctx.clock = lambda: filed
    try:
        doc = case_doc(review_by=review_by.isoformat())
        return cases.create_case(ctx, world.principals["fr-cyber"],
                                 parse_case(doc, filed.date(), 5)).id
    finally:
        ctx.clock = lambda: NOW


def test_a_review_date_not_after_today_is_refused_at_filing(ctx: Context) -> None:
    w = build_world(ctx)
    for day in (NOW.date(), NOW.date() - timedelta(days=1)):
        doc = parse_case(case_doc(review_by=day.isoformat()), NOW.date(), 5)
        with pytest.raises(InvalidHandling) as refused:
            cases.create_case(ctx, w.principals["fr-cyber"], doc)
        assert [i.location for i in refused.value.issues] == ["handling.review_by"]
    assert cases.list_cases(ctx, w.principals["fr-cyber"], CaseFilter()).total == 0


def test_due_and_confirm(ctx: Context) -> None:
    w = build_world(ctx)
    soon = _case(ctx, w, NOW.date() + timedelta(days=10))
    _case(ctx, w, NOW.date() + timedelta(days=400))
    fr = w.principals["fr-cyber"]
    assert [c.id for c in retention.reviews_due(ctx, fr, 30)] == [soon]
    with pytest.raises(NotFound):
        retention.confirm_review(ctx, w.principals["de-cyber"], soon)
    with pytest.raises(InvalidInput):
        retention.confirm_review(ctx, fr, soon, NOW.date() + timedelta(days=365 * 6))
    until = retention.confirm_review(ctx, fr, soon)
    assert until == NOW.date() + timedelta(days=365 * 5)
    assert retention.reviews_due(ctx, fr, 30) == []


def test_past_review_is_hidden_then_purged_after_grace(ctx: Context) -> None:
    w = build_world(ctx)
    old = _case(ctx, w, NOW.date() - timedelta(days=1))
    gone = _case(ctx, w, NOW.date() - timedelta(days=ctx.settings.retention_grace_days + 1))
    kept = _case(ctx, w, NOW.date() + timedelta(days=1))
    assert cases.list_cases(ctx, w.principals["fr-ncb"], CaseFilter()).total == 1
    assert cases.list_cases(ctx, w.principals["fr-cyber"], CaseFilter()).total == 3
    assert retention.purge_expired(ctx) == 1
    with pytest.raises(NotFound):
        cases.get_case(ctx, w.principals["fr-cyber"], gone)
    assert cases.get_case(ctx, w.principals["fr-cyber"], old).id == old
    assert cases.get_case(ctx, w.principals["fr-cyber"], kept).id == kept
    checked, problem = audit.verify(ctx)
    assert problem is None and checked > 0


def test_the_serve_worker_runs_the_same_sweep(ctx: Context) -> None:
    w = build_world(ctx)
    gone = _case(ctx, w, NOW.date() - timedelta(days=ctx.settings.retention_grace_days + 1))
    kept = _case(ctx, w, NOW.date() + timedelta(days=1))
    RetentionWorker(ctx, 3600).run()
    with pytest.raises(NotFound):
        cases.get_case(ctx, w.principals["fr-cyber"], gone)
    assert cases.get_case(ctx, w.principals["fr-cyber"], kept).id == kept
