"""The MISP feed served at /api/v1/export/misp-feed/: fetched as MISP's feed fetcher does
(manifest.json, hashes.csv, then <uuid>.json per manifest entry) with a Bearer token, every
event loads in PyMISP, and the content equals the feed folder the CLI writes for the same
user, page boundaries and split events included; partners outside an agreement are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOW
from conftest_http import bearer
from fastapi.testclient import TestClient
from pymisp import MISPEvent
from typer.testing import CliRunner
from worlds import World, case_doc

from cyberfusion.cli.main import app as cli_app
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, imports, misp_feed
from cyberfusion.services.context import Context

FEED = "/api/v1/export/misp-feed"
XORIST = (Path(__file__).resolve().parents[1] / "fixtures" / "misp" / "pymisp"
          / "57c4445b-c548-4654-af0b-4be3950d210f.json")
SPLIT = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"


def land(ctx: Context, world: World, path: Path) -> None:
    """Import a file as fr-cyber, released to members, and run the job."""
    job = imports.submit_path(ctx, world.principals["fr-cyber"], path, imports.ImportOptions())
    done = imports.run(ctx, job.id)
    assert done is not None and done.status == "done", done


def feed_of(world: World, user: str, folder: Path) -> Path:
    """`cyberfusion export --format misp-feed -o folder` as `user` (in this process)."""
    settings = world.ctx.settings
    result = CliRunner().invoke(cli_app, [
        "--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
        "export", "--as", user, "--format", "misp-feed", "-o", str(folder)],
        env={"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"})
    assert result.exit_code == 0, result.output
    return folder


def split_event(folder: Path) -> Path:
    """A MISP event with one attribute for the importing organisation only (two cases)."""
    attrs = [{"uuid": f"5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e{n:02d}", "type": "ip-dst",
              "category": "Network activity", "value": f"203.0.113.{n}", "to_ids": True,
              "distribution": "0" if n == 1 else "5"} for n in range(1, 4)]
    event = {"Event": {"uuid": SPLIT, "info": "Split event", "date": "2026-05-01",
                       "threat_level_id": "2", "analysis": "1", "distribution": "3",
                       "timestamp": "1777777777", "Orgc": {"name": "Somebody"},
                       "Tag": [{"name": "tlp:green"}], "Attribute": attrs}}
    path = folder / "split.json"
    path.write_text(json.dumps(event))
    return path


def fetch(client: TestClient, headers: dict[str, str]) -> tuple[dict, list[str], dict]:
    """manifest.json, hashes.csv rows and every event, as the feed fetcher asks for them."""
    answer = client.get(f"{FEED}/manifest.json", headers=headers)
    assert answer.status_code == 200, answer.text
    manifest = answer.json()
    hashes = client.get(f"{FEED}/hashes.csv", headers=headers)
    assert hashes.status_code == 200 and hashes.headers["content-type"].startswith("text/csv")
    events = {}
    for uid in manifest:
        got = client.get(f"{FEED}/{uid}.json", headers=headers)
        assert got.status_code == 200, (uid, got.text)
        events[uid] = got.json()
    return manifest, hashes.text.splitlines(), events


def folder_feed(folder: Path) -> tuple[dict, list[str], dict]:
    """The same three parts read from a feed folder."""
    manifest = json.loads((folder / "manifest.json").read_text())
    events = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")
              if p.name != "manifest.json"}
    return manifest, (folder / "hashes.csv").read_text().splitlines(), events


@pytest.mark.parametrize("page", [2, 5])
def test_feed_url_loads_in_pymisp_and_equals_the_folder(
        world: World, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        page: int) -> None:
    # Page boundaries inside the walk; with 5 the split event's parts (cases 5 and 6) sit
    # on two pages.
    monkeypatch.setattr(misp_feed, "PAGE", page)
    land(world.ctx, world, XORIST)
    for i in range(3):
        cases.create_case(world.ctx, world.principals["de-cyber"],
                          parse_case(case_doc(f"URL feed case {i}"), NOW.date(), 5))
    land(world.ctx, world, split_event(tmp_path))
    cases.create_case(world.ctx, world.principals["fr-cyber"],
                      parse_case(case_doc("French eyes only", release=["country:FR"]),
                                 NOW.date(), 5))
    manifest, hashes, events = fetch(client, bearer(world, "fr-cyber"))
    assert len(manifest) == 6 and SPLIT in manifest
    for uid, body in events.items():
        event = MISPEvent()
        event.load(json.dumps(body))
        assert event.uuid == uid and event.info == manifest[uid]["info"]
    split = MISPEvent()
    split.load(json.dumps(events[SPLIT]))
    assert sorted(a.value for a in split.attributes) == [f"203.0.113.{n}" for n in (1, 2, 3)]
    assert {row.split(",")[1] for row in hashes} <= set(manifest)
    assert (manifest, sorted(hashes), events) == _sorted(
        folder_feed(feed_of(world, "fr-cyber.analyst", tmp_path / "folder")))
    # Another reader gets its own view: not the French-only case, not the restricted part.
    other, _, theirs = fetch(client, bearer(world, "de-cyber"))
    assert "French eyes only" not in {m["info"] for m in other.values()}
    assert len(other) == 5
    assert "203.0.113.1" not in json.dumps(theirs[SPLIT])
    unknown = client.get(f"{FEED}/00000000-0000-4000-8000-000000000000.json",
                         headers=bearer(world, "fr-cyber"))
    assert unknown.status_code == 404


def _sorted(parts: tuple[dict, list[str], dict]) -> tuple[dict, list[str], dict]:
    manifest, hashes, events = parts
    return manifest, sorted(hashes), events


def test_feed_url_needs_credentials(client: TestClient) -> None:
    assert client.get(f"{FEED}/manifest.json").status_code == 401
