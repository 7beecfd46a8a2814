"""Imports end to end: API upload, CLI files and MISP feed folders, re-runs, exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest_http import bearer
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from worlds import World

from cyberfusion.cli.main import app as cli_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
XORIST = FIXTURES / "misp" / "pymisp" / "57c4445b-c548-4654-af0b-4be3950d210f.json"
QAKBOT = FIXTURES / "misp" / "pymisp" / "to_delete3.json"


def _upload(client: TestClient, headers: dict[str, str], path: Path, **params: str) -> dict:
    response = client.post("/api/v1/imports", content=path.read_bytes(),
                           params={"filename": path.name, **params},
                           headers={**headers, "content-type": "application/octet-stream"})
    assert response.status_code == 202, response.text
    return dict(response.json())


def test_misp_event_import_runs_counts_and_is_idempotent(client: TestClient,
                                                         world: World) -> None:
    fr = bearer(world, "fr-cyber")
    job = _upload(client, fr, XORIST, release="country:FR")
    assert job["status"] == "done" and job["codec"] == "misp"
    assert job["counts"]["created"] >= 2
    cases = client.get("/api/v1/cases", params={"q": "Xorist"}, headers=fr).json()["items"]
    assert len(cases) == 1 and cases[0]["handling"]["release"] == ["country:FR"]
    assert client.get("/api/v1/cases", params={"q": "Xorist"},
                      headers=bearer(world, "de-cyber")).json()["total"] == 0
    again = _upload(client, fr, XORIST, release="country:FR")
    assert again["counts"]["created"] == 0 and again["counts"]["unchanged"] >= 2
    assert client.get("/api/v1/cases", params={"q": "Xorist"}, headers=fr).json()["total"] == 1


def test_import_job_resource_and_issues(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    job = _upload(client, fr, QAKBOT)
    fetched = client.get(f"/api/v1/imports/{job['id']}", headers=fr).json()
    assert fetched["id"] == job["id"] and fetched["sha256"] == job["sha256"]
    issues = client.get(fetched["issues"], headers=fr).json()["items"]
    assert all(set(i) == {"severity", "location", "detail"} for i in issues)
    assert client.get(f"/api/v1/imports/{job['id']}",
                      headers=bearer(world, "de-cyber")).status_code == 404
    listed = client.get("/api/v1/imports", headers=fr).json()["items"]
    assert [j["id"] for j in listed] == [job["id"]]


def test_bad_upload_options_and_unknown_format(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    bad = client.post("/api/v1/imports", content=b"{}", params={"tlp": "purple",
                                                                "hit_policy": "loud"},
                      headers={**fr, "content-type": "application/json"})
    assert bad.status_code == 422
    assert {e["location"] for e in bad.json()["errors"]} == {"tlp", "hit_policy"}
    odd = client.post("/api/v1/imports", content=b"\x00\x01\x02binary",
                      params={"filename": "blob.bin"},
                      headers={**fr, "content-type": "application/octet-stream"})
    assert odd.status_code == 422 and odd.json()["errors"][0]["location"] == "file"


def test_misp_export_of_imported_event_round_trips(client: TestClient, world: World) -> None:
    from pymisp import MISPEvent

    fr = bearer(world, "fr-cyber")
    _upload(client, fr, XORIST)
    exported = client.get("/api/v1/export/cases", params={"format": "misp"}, headers=fr)
    assert exported.status_code == 200
    doc = json.loads(exported.content)
    events = doc.get("response", [doc])
    event = MISPEvent()
    event.load(events[0])
    assert event.uuid == "57c4445b-c548-4654-af0b-4be3950d210f"


def test_cli_imports_a_feed_folder_and_exports(world: World, tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    manifest = {}
    for source in (XORIST, QAKBOT):
        event = json.loads(source.read_text())
        event = event.get("Event", event)
        shutil.copy(source, feed / f"{event['uuid']}.json")
        manifest[event["uuid"]] = {"info": event["info"], "timestamp": event.get("timestamp")}
    (feed / "manifest.json").write_text(json.dumps(manifest))
    settings = world.ctx.settings
    args = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url]
    runner = CliRunner()
    env = {"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"}
    done = runner.invoke(cli_app, [*args, "import", str(feed), "--as", "fr-cyber.analyst",
                                   "--release", "members"], env=env)
    assert done.exit_code == 0, done.output
    assert "done" in done.output
    out = tmp_path / "cases.csv"
    exported = runner.invoke(cli_app, [*args, "export", "--as", "de-cyber.analyst", "--format",
                                       "csv", "--output", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert "Xorist" in out.read_text()
