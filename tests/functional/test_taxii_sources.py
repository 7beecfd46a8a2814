"""TAXII sources pulling from real servers on loopback: medallion (the OASIS reference
server) holding MITRE's ATT&CK for ICS, and a hostile server that times out, lies about
`more` or repeats pages. Each run is recorded; nothing lands twice; the bookmark never
passes data that has not landed."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from channel_helpers import admin
from conftest import NOW
from ext_data import attack_ics
from taxii_servers import MEDIA, Hostile, hostile_server, medallion, stix_object
from worlds import World

from cyberfusion.domain.model import CaseFilter, Principal
from cyberfusion.domain.sources import AuthKind, Direction, SourceDraft
from cyberfusion.errors import Conflict, InvalidInput
from cyberfusion.services import cases, imports, sources
from cyberfusion.store.tables_imports import SourceObjectRow

PAGE = 10


def add_pull(world: World, url: str, collection: str = "c1", auth: AuthKind = AuthKind.NONE,
             secret_env: str = "") -> Principal:
    """A pull source `feed` of fr-cyber; returns fr-cyber's admin."""
    boss = admin(world, "fr-cyber")
    sources.add(world.ctx, boss, SourceDraft("feed", Direction.PULL, url, collection, auth,
                                             secret_env), imports.ImportOptions(tlp="green"))
    return boss


def kept(world: World, ids: list[str]) -> dict[str, int]:
    """How many kept rows hold each of these STIX ids (any owner)."""
    from sqlalchemy import func, select

    with world.ctx.db.read() as tx:
        rows = tx.session.execute(select(SourceObjectRow.ref, func.count())
                                  .where(SourceObjectRow.ref.in_(ids))
                                  .group_by(SourceObjectRow.ref)).all()
    return {str(ref): int(n) for ref, n in rows}


def test_pull_from_medallion_holding_attack_for_ics(world: World, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = json.loads(attack_ics().read_text())
    objects = [o for o in bundle["objects"] if o["type"] != "x-mitre-collection"][:600]
    monkeypatch.setenv("MEDALLION_FEED", "reader:reader-pass-1")
    with medallion(tmp_path, 100, "reader", "reader-pass-1") as (root, collection):
        url = f"{root}collections/{collection}/objects/"
        loaded = requests.post(url, data=json.dumps({"objects": objects}),
                               auth=("reader", "reader-pass-1"), timeout=120,
                               headers={"Accept": MEDIA, "Content-Type": MEDIA})
        assert loaded.status_code == 202, loaded.text
        boss = add_pull(world, root, collection, AuthKind.BASIC, "MEDALLION_FEED")
        first = sources.run(world.ctx, boss, "feed", Direction.PULL)
        assert first.status == "done", first.errors
        assert first.counts["fetched"] == len(objects) and first.counts["pages"] >= 6
        assert first.counts["landed"] > 0 and first.counts["refused"] == 0
        source = sources.get(world.ctx, boss, "feed")
        assert source.bookmark.added_after and not source.bookmark.next
        again = sources.run(world.ctx, boss, "feed", Direction.PULL)
    assert again.status == "done" and again.counts["fetched"] == 0
    techniques = [o["id"] for o in objects if o["type"] == "attack-pattern"]
    assert techniques and set(kept(world, techniques).values()) == {1}


def test_a_server_that_stalls_fails_the_run_and_the_next_run_resumes(
        world: World) -> None:
    world.ctx.settings.source_timeout_seconds = 0.5
    state = Hostile([stix_object(i) for i in range(35)], page=PAGE, mode="stall")
    with hostile_server(state) as url:
        boss = add_pull(world, url)
        failed = sources.run(world.ctx, boss, "feed", Direction.PULL)
        assert failed.status == "failed"
        assert "did not answer in time" in failed.errors[0]
        assert failed.counts["landed"] == PAGE
        source = sources.get(world.ctx, boss, "feed")
        assert source.bookmark.next == str(PAGE) and source.bookmark.added_after == ""
        state.mode = "honest"
        resumed = sources.run(world.ctx, boss, "feed", Direction.PULL)
    assert resumed.status == "done", resumed.errors
    assert resumed.counts["landed"] == 25 and state.requests[-3]["next"] == [str(PAGE)]
    assert set(kept(world, [o["id"] for o in state.objects]).values()) == {1}
    assert len(kept(world, [o["id"] for o in state.objects])) == 35
    done = sources.get(world.ctx, boss, "feed").bookmark
    assert done.added_after == "2026-03-01T00:00:03.400000Z" and not done.next


@pytest.mark.parametrize(("mode", "message", "landed"), [
    ("repeat", "repeat", PAGE), ("empty-more", "said `more` but sent no objects", PAGE),
    ("no-next", "gave no `next`", 0)])
def test_a_server_that_lies_is_stopped_with_a_clear_error(world: World, mode: str,
                                                          message: str, landed: int) -> None:
    state = Hostile([stix_object(i) for i in range(35)], page=PAGE, mode=mode)
    with hostile_server(state) as url:
        boss = add_pull(world, url)
        run = sources.run(world.ctx, boss, "feed", Direction.PULL)
    assert run.status == "failed" and message in run.errors[0]
    assert len(state.requests) <= 3 and run.counts["landed"] == landed
    held = kept(world, [o["id"] for o in state.objects])
    assert len(held) == landed and set(held.values()) <= {1}
    bookmark = sources.get(world.ctx, boss, "feed").bookmark
    assert bookmark.added_after == ""  # the walk never ended: nothing is bookmarked as done


def test_a_source_runs_once_at_a_time(world: World) -> None:
    state = Hostile([stix_object(i) for i in range(3)], page=PAGE)
    with hostile_server(state) as url:
        boss = add_pull(world, url)
        source = sources.get(world.ctx, boss, "feed")
        with world.ctx.db.write() as tx:  # as a live run elsewhere would
            assert tx.sources.take_lease(source.id, NOW, NOW + timedelta(seconds=60))
        with pytest.raises(Conflict, match="under way"):
            sources.run(world.ctx, boss, "feed", Direction.PULL)
        sources.queue(world.ctx, boss, "feed")
        assert sources.run_due(world.ctx) == 0 and state.requests == []
        world.ctx.clock = lambda: NOW + timedelta(seconds=61)  # the lease ran out
        assert sources.run(world.ctx, boss, "feed", Direction.PULL).counts["landed"] == 3


def test_bad_sources_are_refused_with_located_errors(world: World) -> None:
    boss = admin(world, "fr-cyber")
    bad = SourceDraft("Bad Name", Direction.PUSH, "ftp://x", "", AuthKind.BEARER, "lower")
    with pytest.raises(InvalidInput) as caught:
        sources.add(world.ctx, boss, bad, imports.ImportOptions())
    where = {i.location for i in caught.value.issues}
    assert where == {"name", "api_root", "collection", "secret_env", "peer_org"}
    analyst = world.principals["fr-cyber"]
    with pytest.raises(Exception, match="org:source:manage"):
        sources.add(world.ctx, analyst, SourceDraft("ok", Direction.PULL,
                                                    "http://127.0.0.1:9/api/", "c1"),
                    imports.ImportOptions())


def report_with_indicators(count: int) -> list[dict[str, Any]]:
    """A plain STIX report first, then the `count` indicators it names (no extension)."""
    stamp = "2026-03-02T00:00:00.000Z"
    indicators = [{"type": "indicator", "spec_version": "2.1",
                   "id": "indicator--" + str(uuid.uuid5(uuid.NAMESPACE_DNS, f"split/{i}")),
                   "created": stamp, "modified": stamp,
        "pattern": f"[ipv4-addr:value = '198.51.100.{i + 1}']", "pattern_type": "stix",
        "valid_from": stamp} for i in range(count)]
    report = {"type": "report", "spec_version": "2.1", "id": "report--"
              + str(uuid.uuid5(uuid.NAMESPACE_DNS, "split")), "created": stamp,
              "modified": stamp, "name": "Split across pages", "published": stamp,
              "object_refs": [i["id"] for i in indicators]}
    return [report, *indicators]


def test_a_case_split_by_the_remote_paging_lands_whole(world: World) -> None:
    state = Hostile(report_with_indicators(12), page=5)
    with hostile_server(state) as url:
        boss = add_pull(world, url)
        run = sources.run(world.ctx, boss, "feed", Direction.PULL)
    assert run.status == "done" and run.counts["pages"] == 3, run
    page = cases.list_cases(world.ctx, boss, CaseFilter(text="Split across pages"), 0, 10)
    assert [c.title for c in page.items] == ["Split across pages"]
    case = cases.get_case(world.ctx, boss, page.items[0].id)
    assert len(case.occurrences) == 12
