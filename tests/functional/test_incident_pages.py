"""Incident pages in-process: list, incident, wallets, identification and payment-stop forms,
each with its TLP banner and only what the reader may read."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from incident_support import NOTE, doc
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.services import incidents


def test_pages_show_what_the_reader_may_read(client: TestClient, world: World) -> None:
    ctx = world.ctx
    made = incidents.report(ctx, world.principals["fr-cyber"],
                            parse_incident(doc(), ctx.now().date(), 5)).incident
    login(client, "fr-cyber.analyst", next="/incidents")
    listed = client.get("/incidents").text
    assert f'data-incident="{made.id}"' in listed and 'data-tlp="TLP:AMBER"' in listed
    page = client.get(f"/incidents/{made.id}").text
    assert 'id="checklist"' in page and 'id="candidates"' in page and "<script>" not in page
    form = client.post(f"/incidents/{made.id}/payment-stops", follow_redirects=False, data={
        "csrf_token": csrf_of(page), "to": "de-ncb", "deadline": "2030-01-01T12:00Z",
        "target": "", "amount": ""})
    assert form.status_code == 303
    assert "data-payment-stop=" in client.get(f"/incidents/{made.id}").text
    wallets = client.get("/incidents/wallets").text
    assert doc()["wallet"] in wallets and 'data-tlp="TLP:AMBER"' in wallets
    ident = client.get("/ransomware").text
    found = client.post("/ransomware", data={"csrf_token": csrf_of(ident), "note": NOTE,
                                             "extension": ".lockbit", "addresses": ""}).text
    assert re.search(r'data-family="[^"]*(?i:lockbit)', found)
    empty = client.post("/ransomware", data={"csrf_token": csrf_of(ident), "note": "",
                                             "extension": "", "addresses": ""})
    assert empty.status_code == 200 and "no family identified" in empty.text


def test_a_hidden_incident_is_not_found_and_a_bad_form_is_located(client: TestClient,
                                                                   world: World) -> None:
    ctx = world.ctx
    made = incidents.report(ctx, world.principals["fr-cyber"],
                            parse_incident(doc(), ctx.now().date(), 5)).incident
    login(client, "de-cyber.analyst", next="/incidents")
    assert client.get(f"/incidents/{made.id}").status_code == 404
    assert 'data-count="total">0<' in client.get("/incidents").text
    form = client.get("/incidents/new").text
    bad = client.post("/incidents/new", data={"csrf_token": csrf_of(form), "title": "x",
                                              "type": "ransomware", "country": "Germany",
                                              "timeline": "yesterday something"})
    assert bad.status_code == 422
    assert "<code>timeline[0].at</code>" in bad.text and "<code>country</code>" in bad.text
