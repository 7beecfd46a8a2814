"""Operations over HTTP, in the pages and from the CLI: created from a network page or by
hand, participants only, the reader's own package, tasks, results, takedowns and the
after-action report (one presenter for API and CLI)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, networks

API = "/api/v1"
WALLET = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"


def linked_cases(world: World) -> str:
    """Three linked cases (FR, DE and a BR-only one); the network as de-cyber names it."""
    ctx = world.ctx
    for org, country, release in (("fr-cyber", "FR", ["members"]),
                                  ("de-cyber", "DE", ["members"]),
                                  ("br-cyber", "BR", ["country:BR"])):
        doc = {**case_doc(title=f"{org} case", release=release), "countries": [country]}
        doc["observables"] = [*doc["observables"], {"type": "btc_wallet", "value": WALLET}]
        cases.create_case(ctx, world.principals[org], parse_case(doc, ctx.now().date(), 5))
    networks.recompute(ctx)
    [seen], _ = networks.list_networks(ctx, world.principals["de-cyber"])
    return seen.ref


def test_api_from_network_to_report(client: TestClient, world: World) -> None:
    ref = linked_cases(world)
    de, br = bearer(world, "de-cyber"), bearer(world, "br-cyber")
    made = client.post(f"{API}/operations", headers=de,
                       json={"network": ref, "participants": ["br-cyber"]})
    assert made.status_code == 201, made.text
    op = made.json()
    assert made.headers["location"] == f"{API}/operations/{op['id']}"
    assert set(op["participants"]) == {"de-cyber", "fr-ncb", "de-ncb", "br-cyber"}
    assert op["tlp"] == "amber+strict" and set(op["countries"]) == {"FR", "DE"}
    base = f"{API}/operations/{op['id']}"
    mine = client.get(f"{base}/package", headers=de).json()
    theirs = client.get(f"{base}/package", headers=br).json()
    assert len(mine["cases"]) == 2 and len(theirs["cases"]) == 3
    assert theirs["cases"][0]["local"] is True
    task = client.post(f"{base}/tasks", headers=de, json={"title": "Search", "owner": "br-cyber",
                                                          "due": "2026-07-01"}).json()
    assert client.post(f"{base}/tasks/{task['id']}", headers=br,
                       json={"status": "done"}).json()["status"] == "done"
    assert client.post(f"{base}/action-days", headers=de, json={
        "day": "2026-07-02", "countries": ["DE", "BR"]}).status_code == 201
    result = client.post(f"{base}/results", headers=br, json={
        "kind": "wallet_frozen", "country": "BR", "amount": "2.5", "currency": "BTC"})
    assert result.status_code == 201 and result.json()["by_org"] == "br-cyber"
    bad = client.post(f"{base}/results", headers=br, json={"kind": "arrest", "country": "BR",
                                                          "amount": "1", "currency": "EUR"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "amount"
    item = client.post(f"{base}/takedowns", headers=de,
                       json={"type": "btc_wallet", "value": WALLET}).json()
    assert client.post(f"{base}/takedowns/{item['id']}", headers=de,
                       json={"status": "requested"}).json()["status"] == "requested"
    shown = client.get(base, headers=br).json()
    assert shown["totals"] == [{"kind": "wallet_frozen", "count": 1, "amounts": {"BTC": "2.5"}}]
    pdf = client.get(f"{base}/report", headers=br)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    doc = client.get(f"{base}/report", params={"format": "json"}, headers=br).json()
    assert doc["takedowns"][0]["value"] == WALLET
    fr = bearer(world, "fr-cyber")  # its NCB takes part, the unit does not
    assert client.get(f"{API}/operations", headers=fr).json()["total"] == 0
    for path in (base, f"{base}/package", f"{base}/report"):
        assert client.get(path, headers=fr).status_code == 404


def test_pages_create_from_the_network_page(client: TestClient, world: World) -> None:
    ref = linked_cases(world)
    login(client, "de-cyber.analyst", next=f"/networks/{ref}")
    network = client.get(f"/networks/{ref}").text
    link = re.search(r'id="plan-operation" href="([^"]+)"', network)
    assert link is not None
    form = client.get(link.group(1).replace("&amp;", "&")).text
    assert ref in form and "fr-ncb" in form and 'data-tlp="TLP:AMBER+STRICT"' in form
    made = client.post("/operations/new", follow_redirects=False, data={
        "csrf_token": csrf_of(form), "title": "Op Wallet", "network": ref, "lead": "de-cyber",
        "participants": "de-cyber, fr-ncb, de-ncb", "countries": "FR, DE", "summary": "",
        "tlp": "amber+strict"})
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"]).text
    for section in ("overview", "targets", "package", "tasks", "action-days", "results",
                    "takedowns"):
        assert f'id="{section}"' in page
    assert "<script>" not in page and 'data-tlp="TLP:AMBER+STRICT"' in page
    added = client.post(f"{made.headers['location']}/tasks", follow_redirects=False, data={
        "csrf_token": csrf_of(page), "title": "Seize the server", "owner": "fr-ncb",
        "owner_user": "", "due": "2026-07-01"})
    assert added.status_code == 303
    assert "Seize the server" in client.get(made.headers["location"]).text
    page = client.get(made.headers["location"]).text
    tracked = client.post(f"{made.headers['location']}/takedowns", follow_redirects=False,
                          data={"csrf_token": csrf_of(page), "type": "btc_wallet",
                                "value": WALLET, "country": "DE"})
    assert tracked.status_code == 303 and "Track its takedown" in page
    assert 'data-takedown="' in client.get(made.headers["location"]).text
    report = client.get(f"{made.headers['location']}/after-action").text
    assert "After-action report" in report and "Seize the server" in report
    assert client.get("/operations").text.count("data-operation=") == 1


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    ok(invoke("org", "add", "de.ncb", "NCB Wiesbaden", "--kind", "ncb", "--country", "DE"))
    for user, org in (("hub.analyst", "hub"), ("fr.analyst", "fr.ncb"),
                      ("de.analyst", "de.ncb")):
        ok(invoke("user", "add", user, "--org", org, "--role", "analyst",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    return invoke


def test_cli_create_list_show_task_result_takedown_report(cli: Cli, tmp_path: Path) -> None:
    made = json.loads(ok(cli("operation", "create", "--as", "hub.analyst", "--title", "Op X",
                             "--participant", "fr.ncb", "--country", "FR", "--json")).stdout)
    op = str(made["id"])
    assert set(made["participants"]) == {"hub", "fr.ncb"}
    assert "Op X" in ok(cli("operation", "list", "--as", "fr.analyst")).stdout
    assert "0 operations" in ok(cli("operation", "list", "--as", "de.analyst")).stdout
    hidden = cli("operation", "show", op, "--as", "de.analyst")
    assert hidden.exit_code == 1 and "no operation" in hidden.output
    task = json.loads(ok(cli("operation", "task", op, "Search", "--as", "hub.analyst",
                             "--owner", "fr.ncb", "--due", "2026-07-01", "--json")).stdout)
    ok(cli("operation", "task", op, "--as", "fr.analyst", "--task", str(task["id"]),
           "--status", "done"))
    ok(cli("operation", "action-day", op, "2026-07-02", "--as", "hub.analyst",
           "--country", "FR"))
    ok(cli("operation", "result", op, "arrest", "--as", "fr.analyst", "--country", "FR",
           "--count", "3"))
    item = json.loads(ok(cli("operation", "takedown", op, "domain", "Evil[.]example",
                             "--as", "fr.analyst", "--json")).stdout)
    assert item["value"] == "evil.example"
    ok(cli("operation", "takedown", op, "--as", "fr.analyst", "--item", str(item["id"]),
           "--status", "done"))
    bad = cli("operation", "result", op, "arrest", "--as", "fr.analyst", "--country", "France")
    assert bad.exit_code == 2 and "country" in bad.output
    shown = json.loads(ok(cli("operation", "show", op, "--as", "fr.analyst", "--json")).stdout)
    assert shown["totals"][0]["count"] == 3 and shown["tasks"][0]["status"] == "done"
    out = tmp_path / "aar.json"
    ok(cli("operation", "report", op, "--as", "fr.analyst", "--format", "json", "-o",
           str(out)))
    assert json.loads(out.read_text())["takedowns"][0]["status"] == "done"
