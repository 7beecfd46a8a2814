"""Scheduled TAXII source runs on SQLite and PostgreSQL: a due source is claimed once
(its next run moves on in the same statement), runs, and is due again after its interval;
a run asked for by hand is due at once and then only on its schedule."""

from __future__ import annotations

from datetime import timedelta

from channel_helpers import admin
from conftest import NOW
from taxii_servers import Hostile, hostile_server, stix_object
from worlds import build_world

from cyberfusion.domain.sources import Direction, SourceDraft
from cyberfusion.services import imports, sources
from cyberfusion.services.context import Context


def test_due_sources_are_claimed_once_and_run_on_schedule(ctx: Context) -> None:
    world = build_world(ctx)
    boss = admin(world, "fr-cyber")
    state = Hostile([stix_object(i) for i in range(7)], page=5)
    with hostile_server(state) as url:
        sources.add(ctx, boss, SourceDraft("hourly", Direction.PULL, url, "c1",
                                           interval_seconds=3600), imports.ImportOptions())
        sources.add(ctx, boss, SourceDraft("manual", Direction.PULL, url, "c1"),
                    imports.ImportOptions())
        assert sources.run_due(ctx) == 1
        assert sources.run_due(ctx) == 0
        hourly = sources.get(ctx, boss, "hourly")
        assert hourly.next_run_at == NOW + timedelta(hours=1)
        sources.queue(ctx, boss, "manual")
        assert sources.run_due(ctx) == 1
        assert sources.get(ctx, boss, "manual").next_run_at is None
        ctx.clock = lambda: NOW + timedelta(hours=1, seconds=1)
        assert sources.run_due(ctx) == 1
    views = {v.source.name: v.runs for v in sources.listing(ctx, boss)}
    assert [(r.trigger, r.status, r.counts["landed"]) for r in views["hourly"]] == \
        [("schedule", "done", 0), ("schedule", "done", 7)]
    assert [(r.trigger, r.counts["unchanged"]) for r in views["manual"]] == [("queued", 7)]
