"""Post-incident reports: what was done and when, hits, family, payment stops and the
recommendations of the incident's type, over the service, HTTP, the page and the CLI, as
HTML and PDF; only those who may read the incident get it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from incident_support import doc
from markupsafe import escape
from worlds import World

from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.post_incident import PostIncidentFormat
from cyberfusion.errors import NotFound
from cyberfusion.formats.recovery import recommendations
from cyberfusion.services import post_incident

API = "/api/v1"
PASSWORD = "correct horse battery staple"


def _reported(client: TestClient, world: World, **extra: object) -> int:
    fr = bearer(world, "fr-cyber")
    made = client.post(f"{API}/incidents", json=doc(**extra), headers=fr)
    assert made.status_code == 201, made.text
    incident_id = int(made.json()["id"])
    assert client.post(f"{API}/incidents/{incident_id}/steps/1", headers=fr).status_code == 200
    return incident_id


def test_the_report_shows_steps_done_family_hits_and_the_type_s_recommendations(
        client: TestClient, world: World) -> None:
    incident_id = _reported(client, world)
    fr = world.principals["fr-cyber"]
    report = post_incident.build(world.ctx, fr, incident_id)
    advice = recommendations(CrimeType.RANSOMWARE)
    assert report["recommendations"]["recovery"] == list(advice.recovery)
    assert report["recommendations"]["resilience"] == list(advice.resilience)
    assert report["progress"]["done"] == 1 and report["checklist"][0]["by"].startswith(
        "fr-cyber.analyst")
    assert report["checklist"][0]["at"] and not report["checklist"][1]["at"]
    assert "lockbit" in report["identification"][0]["family"].lower()
    assert report["is_owner"] and report["tlp"] == "amber"
    html = post_incident.render(report, PostIncidentFormat.HTML)[0].decode()
    assert escape(advice.recovery[0]) in html and escape(advice.resilience[-1]) in html
    assert "TLP:AMBER" in html
    ddos = _reported(client, world, type="ddos", title="DDoS on the tax portal")
    other = post_incident.build(world.ctx, fr, ddos)
    assert other["recommendations"]["recovery"] == list(
        recommendations(CrimeType.DDOS).recovery)
    assert other["recommendations"]["recovery"] != report["recommendations"]["recovery"]


def test_only_readers_of_the_incident_get_the_report(client: TestClient,
                                                     world: World) -> None:
    incident_id = _reported(client, world)
    with pytest.raises(NotFound):
        post_incident.build(world.ctx, world.principals["de-cyber"], incident_id)
    url = f"{API}/incidents/{incident_id}/post-incident-report"
    assert client.get(url, params={"format": "json"},
                      headers=bearer(world, "de-cyber")).status_code == 404
    assert client.get(url, params={"format": "json"},
                      headers=bearer(world, "acme-sec")).status_code == 404
    got = client.get(url, params={"format": "json"}, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 200 and got.json()["incident_id"] == incident_id
    html = client.get(url, params={"format": "html"}, headers=bearer(world, "fr-cyber"))
    assert html.headers["content-type"].startswith("text/html")
    assert "Recommendations" in html.text
    # a reader who is not the reporter gets the report without the reporter's hits
    shared = _reported(client, world, handling={"tlp": "amber", "release": ["members"]})
    seen = client.get(f"{API}/incidents/{shared}/post-incident-report",
                      params={"format": "json"}, headers=bearer(world, "de-cyber")).json()
    assert seen["is_owner"] is False and seen["hits"] == [] and seen["payment_stops"] == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None,
                    reason="pdftoppm (Debian's poppler-utils) is not installed; CI installs it")
def test_the_pdf_has_non_empty_pages_with_the_recommendations(
        client: TestClient, world: World, tmp_path: Path) -> None:
    from PIL import Image

    incident_id = _reported(client, world)
    got = client.get(f"{API}/incidents/{incident_id}/post-incident-report",
                     headers=bearer(world, "fr-cyber"))
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    pdf = tmp_path / "pir.pdf"
    pdf.write_bytes(got.content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    for page in pages:
        image = Image.open(io.BytesIO(page.read_bytes())).convert("L")
        assert image.getextrema()[0] < 128, f"{page.name} is blank"
    if shutil.which("pdftotext"):
        subprocess.run(["pdftotext", str(pdf), str(tmp_path / "pir.txt")], check=True,
                       timeout=60)
        text = " ".join((tmp_path / "pir.txt").read_text().split())
        for line in recommendations(CrimeType.RANSOMWARE).resilience:
            assert " ".join(line.split()[:6]) in text


def test_the_incident_page_links_to_the_report_page(client: TestClient, world: World) -> None:
    from cyberfusion.services import auth

    incident_id = _reported(client, world)
    with world.ctx.db.read() as tx:
        user = tx.users.by_username("fr-cyber.analyst")
    assert user is not None
    client.cookies.set("cf_session", auth.start_session(world.ctx, user).cookie)
    page = client.get(f"/incidents/{incident_id}")
    assert f'href="/incidents/{incident_id}/post-incident-report"' in page.text
    shown = client.get(f"/incidents/{incident_id}/post-incident-report")
    assert shown.status_code == 200 and 'data-tlp="TLP:AMBER"' in shown.text
    assert escape(recommendations(CrimeType.RANSOMWARE).recovery[0]) in shown.text
    client.cookies.clear()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    ok(invoke("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "FR",
              "--parent", "fr.ncb"))
    ok(invoke("user", "add", "fr.analyst", "--org", "fr.unit", "--role", "analyst",
              "--password-stdin", stdin=PASSWORD + "\n"))
    return invoke


def test_cli_writes_the_post_incident_report(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(doc()))
    made = json.loads(ok(cli("incident", "report", str(path), "--as", "fr.analyst",
                             "--json")).stdout)
    out = tmp_path / "pir.html"
    text = ok(cli("incident", "post-report", str(made["id"]), "--as", "fr.analyst",
                  "--html", str(out))).stdout
    assert "HTML written" in text
    assert escape(recommendations(CrimeType.RANSOMWARE).recovery[0]) in out.read_text()
    shown = json.loads(ok(cli("incident", "post-report", str(made["id"]), "--as",
                              "fr.analyst", "--json")).stdout)
    assert shown["incident_id"] == made["id"] and shown["recommendations"]["resilience"]
    missing = cli("incident", "post-report", "999", "--as", "fr.analyst")
    assert missing.exit_code == 1 and "no incident 999" in missing.output
