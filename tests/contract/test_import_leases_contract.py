"""Import jobs under leases: a dead runner's job is taken over and resumed, a live one's is
not, a runner that lost its lease writes nothing, and a job that keeps dying is failed."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW
from sqlalchemy import func, select
from worlds import World, build_world

from cyberfusion.domain.imports import ImportJob
from cyberfusion.services import imports
from cyberfusion.services.context import Context
from cyberfusion.services.import_runs import HOST, Heartbeat
from cyberfusion.store.repositories.imports import LeaseLost
from cyberfusion.store.tables import HandlingRow


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def _text_job(world: World, tmp_path: Path, name: str = "iocs.txt") -> ImportJob:
    path = tmp_path / name
    path.write_text("C2 at 198.51.100.7 and evil-one.example.net, TLP:GREEN\n")
    return imports.submit_path(world.ctx, world.principals["fr-cyber"], path,
                               imports.ImportOptions(codec="text"))


def _take(ctx: Context, job_id: int, holder: str, seconds: float = 60) -> ImportJob:
    with ctx.db.write() as tx:
        job = tx.imports.claim(job_id, ctx.now(), holder, ctx.now() + timedelta(seconds=seconds))
    assert job is not None
    return job


def test_a_live_lease_is_left_alone_and_a_lapsed_one_is_taken_over(
        world: World, tmp_path: Path) -> None:
    ctx = world.ctx
    job = _text_job(world, tmp_path)
    _take(ctx, job.id, "elsewhere:4242:aaaa")
    assert imports.run(ctx) is None  # another host's runner still holds it
    start = ctx.now()
    ctx.clock = lambda: start + timedelta(seconds=61)
    finished = imports.run(ctx)
    assert finished is not None and finished.id == job.id
    assert finished.status == "done" and finished.lease_holder.startswith(HOST)
    assert finished.counts["created"] == 1 and finished.counts["unchanged"] == 0
    assert finished.lease_until is None


def test_a_runner_that_lost_its_lease_cannot_write(world: World, tmp_path: Path) -> None:
    ctx = world.ctx
    job = _text_job(world, tmp_path)
    _take(ctx, job.id, "elsewhere:1:old", seconds=-1)  # lapsed at once
    _take(ctx, job.id, "elsewhere:2:new")
    with pytest.raises(LeaseLost), ctx.db.write() as tx:
        tx.imports.progress(job.id, 10, {"created": 5}, [], "elsewhere:1:old")
    with pytest.raises(LeaseLost), ctx.db.write() as tx:
        tx.imports.finish(job.id, "done", ctx.now(), "", "elsewhere:1:old")
    assert imports.get_job(ctx, world.principals["fr-cyber"], job.id).counts["created"] == 0


def test_a_job_that_keeps_killing_its_runner_is_failed_with_a_reason(
        world: World, tmp_path: Path) -> None:
    ctx = world.ctx
    job = _text_job(world, tmp_path)
    for n in range(ctx.settings.import_max_attempts):
        _take(ctx, job.id, f"elsewhere:{n}:x", seconds=-1)
    finished = imports.run(ctx)
    assert finished is not None and finished.status == "failed"
    assert "died 3 times" in finished.error and "before any batch" in finished.error


def test_a_cli_rerun_resumes_the_unfinished_job_instead_of_starting_another(
        world: World, tmp_path: Path) -> None:
    ctx = world.ctx
    job = _text_job(world, tmp_path)
    _take(ctx, job.id, "elsewhere:1:x", seconds=-1)
    again = _text_job(world, tmp_path)
    assert again.id == job.id
    finished = imports.run(ctx, again.id)
    assert finished is not None and finished.status == "done"
    fresh = _text_job(world, tmp_path)  # a finished job is not resumed: a new one re-imports
    assert fresh.id != job.id


def _handling_rows(ctx: Context) -> int:
    with ctx.db.read() as tx:
        return int(tx.session.scalar(select(func.count(HandlingRow.id))) or 0)


def test_importing_an_unchanged_bundle_again_adds_no_rows(world: World, tmp_path: Path) -> None:
    ctx = world.ctx
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(_bundle())
    principal = world.principals["fr-cyber"]
    first = imports.run(ctx, imports.submit_path(ctx, principal, bundle,
                                                 imports.ImportOptions()).id)
    assert first is not None and first.status == "done", first.error
    rows = _handling_rows(ctx)
    second = imports.run(ctx, imports.submit_path(ctx, principal, bundle,
                                                  imports.ImportOptions()).id)
    assert second is not None and second.status == "done"
    assert _handling_rows(ctx) == rows
    assert second.counts["created"] == 0 and second.counts["updated"] == 0
    assert second.counts["unchanged"] == first.counts["created"]


def _bundle() -> bytes:
    """39 indicators, half TLP:GREEN, half TLP:AMBER, plus a report of them all."""
    objects: list[dict[str, object]] = [{"type": "indicator", "spec_version": "2.1",
                "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
                "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                "pattern": f"[ipv4-addr:value = '198.51.100.{n}']", "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z",
                "object_marking_refs": [
                    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
                    if n % 2 else "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}
               for n in range(1, 40)]
    objects.append({"type": "report", "spec_version": "2.1",
                    "id": "report--00000000-0000-4000-8000-000000000001", "name": "Wave",
                    "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
                    "published": "2026-01-01T00:00:00Z",
                    "object_refs": [o["id"] for o in objects]})
    return json.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001",
                       "objects": objects}).encode()


def test_the_heartbeat_renews_the_lease_while_the_job_runs(world: World,
                                                           tmp_path: Path) -> None:
    ctx = world.ctx
    start = datetime.now(UTC)
    ctx.clock = lambda: NOW + (datetime.now(UTC) - start)
    ctx.settings.import_lease_seconds = 0.3
    job = _text_job(world, tmp_path)
    taken = _take(ctx, job.id, "elsewhere:7:beat", seconds=0.3)
    with Heartbeat(ctx, job.id, "elsewhere:7:beat") as beat:
        time.sleep(0.8)
    renewed = imports.get_job(ctx, world.principals["fr-cyber"], job.id)
    assert not beat.lost
    assert taken.lease_until is not None and renewed.lease_until is not None
    assert renewed.lease_until > taken.lease_until + timedelta(seconds=0.3)
