"""Incidents and ransomware identification over HTTP and the CLI (one presenter for both)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from incident_support import NOTE, doc
from worlds import World

API = "/api/v1"
PASSWORD = "correct horse battery staple"


def test_report_show_list_and_tick_over_http(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    made = client.post(f"{API}/incidents", json=doc(), headers=fr)
    assert made.status_code == 201, made.text
    body = made.json()
    assert made.headers["location"] == f"{API}/incidents/{body['id']}"
    assert body["assistance_thread"] and body["checklist"][0]["done"] is False
    assert body["identification"]["candidates"][0]["evidence"]
    shown = client.get(f"{API}/incidents/{body['id']}", headers=fr).json()
    assert shown["title"] == body["title"] and shown["handling"]["tlp"] == "amber"
    ticked = client.post(f"{API}/incidents/{body['id']}/steps/2", headers=fr)
    assert ticked.status_code == 200 and ticked.json()["done_by"] == "fr-cyber.analyst"
    again = client.post(f"{API}/incidents/{body['id']}/steps/2", headers=fr)
    assert again.status_code == 422 and again.json()["errors"][0]["location"] == "position"
    listed = client.get(f"{API}/incidents", params={"type": "ransomware"}, headers=fr).json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    assert listed["items"][0]["steps_done"] == 1
    de = bearer(world, "de-cyber")
    assert client.get(f"{API}/incidents/{body['id']}", headers=de).status_code == 404
    assert client.get(f"{API}/incidents", headers=de).json()["total"] == 0


def test_bad_incidents_get_located_errors(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    bad = client.post(f"{API}/incidents", json=doc(type="volcano", currency="",
                                                   timeline=[{"at": "soon", "text": "x"}]),
                      headers=fr)
    assert bad.status_code == 422
    assert {e["location"] for e in bad.json()["errors"]} >= {"type", "timeline[0].at"}
    assert client.get(f"{API}/incidents", params={"type": "x"}, headers=fr).status_code == 422


def test_identify_over_http_reads_any_encoding(client: TestClient, world: World) -> None:
    de = bearer(world, "de-cyber")
    raw = base64.b64encode(NOTE.encode("utf-16")).decode()
    found = client.post(f"{API}/ransomware/identify", headers=de,
                        json={"note_base64": raw, "extension": ".lockbit"}).json()
    assert list(found) == ["candidates"]
    best = found["candidates"][0]
    assert set(best) == {"family", "aliases", "score", "evidence"}
    assert "lockbit" in best["family"].lower()
    empty = client.post(f"{API}/ransomware/identify", headers=de, json={"note": ""})
    assert empty.status_code == 200 and empty.json() == {"candidates": []}
    bad = client.post(f"{API}/ransomware/identify", headers=de, json={"note_base64": "%%"})
    assert bad.status_code == 422


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    ok(invoke("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "FR",
              "--parent", "fr.ncb"))
    ok(invoke("org", "add", "de.ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE"))
    ok(invoke("user", "add", "fr.analyst", "--org", "fr.unit", "--role", "analyst",
              "--password-stdin", stdin=PASSWORD + "\n"))
    return invoke


def test_cli_identify_prints_exactly_the_candidates(cli: Cli, tmp_path: Path) -> None:
    note = tmp_path / "Restore-My-Files.txt"
    note.write_bytes(NOTE.encode("utf-16-le"))
    out = json.loads(ok(cli("ransomware", "identify", "--note", str(note), "--extension",
                            "lockbit", "--json")).stdout)
    assert list(out) == ["candidates"] and out["candidates"]
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert all(set(c) == {"family", "aliases", "score", "evidence"} for c in out["candidates"])
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    text = ok(cli("ransomware", "identify", "--note", str(empty))).stdout
    assert "no family identified" in text
    missing = cli("ransomware", "identify", "--note", str(tmp_path / "nope.txt"))
    assert missing.exit_code != 0 and "--note" in missing.output


def test_cli_report_list_show_step(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(doc()))
    note = tmp_path / "README.html"
    note.write_text(f"<html><body><p>{NOTE}</p></body></html>", encoding="utf-16")
    made = json.loads(ok(cli("incident", "report", str(path), "--as", "fr.analyst",
                             "--note", str(note), "--json")).stdout)
    assert made["note_file_name"] == "README.html" and "lockbit_decrypt" in made["note_text"]
    assert made["assistance_thread"]
    shown = ok(cli("incident", "show", str(made["id"]), "--as", "fr.analyst")).stdout
    assert "Checklist" in shown and "Candidates" in shown
    listed = json.loads(ok(cli("incident", "list", "--as", "fr.analyst", "--json")).stdout)
    assert [i["id"] for i in listed["items"]] == [made["id"]]
    step = ok(cli("incident", "step", str(made["id"]), "3", "--as", "fr.analyst")).stdout
    assert "step 3 ticked by fr.analyst" in step
    again = json.loads(ok(cli("incident", "show", str(made["id"]), "--as", "fr.analyst",
                              "--json")).stdout)
    assert [s["done"] for s in again["checklist"]][:3] == [False, False, True]


def test_wallets_and_payment_stops_over_http(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    made = client.post(f"{API}/incidents", json=doc(), headers=fr).json()
    stop = client.post(f"{API}/incidents/{made['id']}/payment-stops", headers=fr,
                       json={"to": "de-ncb", "deadline": "2030-01-01T12:00:00Z"})
    assert stop.status_code == 201, stop.text
    assert stop.json()["target"] == doc()["wallet"] and stop.json()["to"] == ["de-ncb"]
    bad = client.post(f"{API}/incidents/{made['id']}/payment-stops", headers=fr,
                      json={"to": "de-ncb", "deadline": "someday"})
    assert bad.status_code == 422
    shown = client.get(f"{API}/incidents/{made['id']}", headers=fr).json()
    assert [p["thread"] for p in shown["payment_stops"]] == [stop.json()["thread"]]
    board = client.get(f"{API}/incidents/wallets", headers=fr).json()
    assert [w["wallet"] for w in board["wallets"]] == [doc()["wallet"]]
    assert client.get(f"{API}/incidents/wallets", headers=bearer(world, "de-cyber")).json() \
        == {"wallets": [], "families": []}


def test_cli_wallets_and_payment_stop(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "incident.json"
    path.write_text(json.dumps(doc()))
    made = json.loads(ok(cli("incident", "report", str(path), "--as", "fr.analyst",
                             "--json")).stdout)
    sent = ok(cli("incident", "payment-stop", str(made["id"]), "--as", "fr.analyst", "--to",
                  "de.ncb", "--deadline", "2030-01-01T12:00Z")).stdout
    assert "payment stop #" in sent and "sent to de.ncb" in sent
    bad = cli("incident", "payment-stop", str(made["id"]), "--as", "fr.analyst", "--to",
              "de.ncb", "--deadline", "tomorrow")
    assert bad.exit_code != 0 and "--deadline" in bad.output
    board = json.loads(ok(cli("incident", "wallets", "--as", "fr.analyst", "--json")).stdout)
    assert board["wallets"][0]["incidents"] == [made["id"]]


def test_a_payment_stop_on_the_channel_needs_a_readable_deadline(client: TestClient,
                                                                  world: World) -> None:
    from channel_helpers import request_doc

    from cyberfusion.domain.channel import RequestType

    fields = {"target": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "deadline": "Friday",
              "grounds": "ransom of incident 3"}
    doc = request_doc("de-ncb", RequestType.PAYMENT_STOP, fields=fields)
    got = client.post(f"{API}/threads", json=doc, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == ["fields.deadline"]
    doc["fields"] = {**fields, "deadline": "2030-01-01T12:00Z"}
    assert client.post(f"{API}/threads", json=doc,
                       headers=bearer(world, "fr-cyber")).status_code == 201
