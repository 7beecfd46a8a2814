"""Imports end to end: API upload, CLI files and MISP feed folders, re-runs, exports."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

from conftest_http import bearer
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.cli.main import app as cli_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
XORIST = FIXTURES / "misp" / "pymisp" / "57c4445b-c548-4654-af0b-4be3950d210f.json"
QAKBOT = FIXTURES / "misp" / "pymisp" / "to_delete3.json"


def _upload(client: TestClient, headers: dict[str, str], path: Path, **params: str) -> dict:
    """Submit a file, check the answer is the recorded (not yet run) job, wait for its end."""
    response = client.post("/api/v1/imports", content=path.read_bytes(),
                           params={"filename": path.name, **params},
                           headers={**headers, "content-type": "application/octet-stream"})
    assert response.status_code == 202, response.text
    submitted = response.json()
    assert submitted["status"] == "pending" and submitted["started_at"] is None
    assert response.headers["location"] == f"/api/v1/imports/{submitted['id']}"
    return _finished(client, headers, submitted["id"])


def _finished(client: TestClient, headers: dict[str, str], job_id: int) -> dict:
    """The job once it is done or failed, polling its resource for at most 30 seconds."""
    ends = time.monotonic() + 30
    while True:
        job = dict(client.get(f"/api/v1/imports/{job_id}", headers=headers).json())
        if job["status"] in ("done", "failed") or time.monotonic() > ends:
            return job
        time.sleep(0.05)


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


def test_ui_upload_is_held_for_preview_then_runs_after_start(client: TestClient,
                                                              world: World) -> None:
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get("/imports").text)
    held = client.post("/imports", data={"csrf_token": token, "release": "country:FR"},
                       files={"file": (XORIST.name, XORIST.read_bytes())},
                       follow_redirects=False)
    assert held.status_code == 303, held.text
    page = client.get(held.headers["location"]).text
    assert 'data-status="held"' in page and "Import it" in page
    fr = bearer(world, "fr-cyber")
    assert client.get("/api/v1/cases", params={"q": "Xorist"}, headers=fr).json()["total"] == 0
    started = client.post(f"{held.headers['location']}/start",
                          data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert started.status_code == 303
    job = _finished(client, fr, int(held.headers["location"].rsplit("/", 1)[1]))
    assert job["status"] == "done" and job["counts"]["created"] >= 2
    assert client.get("/api/v1/cases", params={"q": "Xorist"}, headers=fr).json()["total"] == 1


def test_ui_upload_with_a_tlp_floor_raises_every_case_to_it(client: TestClient) -> None:
    login(client, "fr-cyber.analyst")
    form = client.get("/imports").text
    assert 'name="tlp_floor"' in form
    held = client.post("/imports", data={"csrf_token": csrf_of(form), "tlp_floor": "red"},
                       files={"file": (XORIST.name, XORIST.read_bytes())},
                       follow_redirects=False)
    assert held.status_code == 303, held.text
    page = client.get(held.headers["location"]).text
    chips = re.findall(r'<td><span class="tlp-chip tlp-([a-z-]+)">', page)
    assert chips and set(chips) == {"red"}
