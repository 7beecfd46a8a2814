"""Hits, disclosure, lookups and networks over HTTP in-process: API and pages."""

from __future__ import annotations

import re

from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World, case_doc

from cyberfusion.services import networks

IP = "185.220.101.4"


def post_case(client: TestClient, world: World, org: str, title: str, **handling: object) -> int:
    response = client.post("/api/v1/cases", json={**case_doc(**handling), "title": title},
                           headers=bearer(world, org))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_search_hit_disclosure_approval_over_the_api(client: TestClient, world: World) -> None:
    first = post_case(client, world, "fr-cyber", "Lyon hospital", release=["country:FR"])
    de, fr = bearer(world, "de-cyber"), bearer(world, "fr-cyber")
    answer = client.get("/api/v1/search", params={"value": IP}, headers=de).json()
    [hit] = answer["hits"]
    assert hit["owner"] == "fr-cyber" and set(hit) == {"owner", "reference", "message"}
    shown = client.get(f"/api/v1/hits/{hit['reference']}", headers=de).json()
    assert shown["items"][0]["case"] is None and shown["disclosure"] is None
    made = client.post(f"/api/v1/hits/{hit['reference']}/disclosure",
                       json={"reason": "same C2 as our case"}, headers=de)
    assert made.status_code == 201
    request_id = made.json()["id"]
    inbox = client.get("/api/v1/hits/inbox", headers=fr).json()
    assert inbox["unread"] == 2 and {n["kind"] for n in inbox["items"]} == {
        "hit", "disclosure.requested"}
    todo = client.get("/api/v1/disclosures", params={"role": "owner"}, headers=fr).json()
    assert [r["id"] for r in todo["items"]] == [request_id]
    approved = client.post(f"/api/v1/disclosures/{request_id}/approve",
                           json={"reason": "joint investigation", "days": 30}, headers=fr)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    seen = client.get(f"/api/v1/disclosures/{request_id}", headers=de).json()
    assert [c["id"] for c in seen["cases"]] == [first]
    assert [s["action"] for s in seen["steps"]] == ["requested", "approved"]
    assert client.get(f"/api/v1/cases/{first}", headers=de).status_code == 200
    again = client.get("/api/v1/search", params={"value": IP}, headers=de).json()
    assert [c["id"] for c in again["cases"]] == [first] and again["hits"] == []
    read = client.post("/api/v1/hits/inbox/read", json={}, headers=fr).json()
    assert read["marked"] == 2


def test_lookups_in_json_text_and_ndjson(client: TestClient, world: World) -> None:
    post_case(client, world, "fr-cyber", "Lyon hospital", release=["country:FR"])
    de = bearer(world, "de-cyber")
    doc = client.post("/api/v1/lookups", json={"values": [IP, {"type": "domain",
                                                                "value": "nothing.example"}]},
                      headers=de).json()
    assert doc["count"] == 2
    assert [len(a["hits"]) for a in doc["answers"]] == [1, 0]
    text = client.post("/api/v1/lookups", content=f"ipv4,{IP}\nbad value\n",
                       headers={**de, "content-type": "text/plain",
                                "accept": "application/x-ndjson"})
    lines = text.text.splitlines()
    assert text.headers["content-type"].startswith("application/x-ndjson") and len(lines) == 2
    bad = client.post("/api/v1/lookups", json={"values": [7]}, headers=de)
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "values[0]"
    assert client.post("/api/v1/lookups", json={"values": []}).status_code == 401


def test_networks_api_and_pages(client: TestClient, world: World) -> None:
    for org in ("fr-cyber", "de-cyber"):
        post_case(client, world, org, f"{org} ransomware", release=["members"])
    post_case(client, world, "br-cyber", "br hidden", release=["country:BR"])
    fr = bearer(world, "fr-cyber")
    assert client.post("/api/v1/networks/recompute", json={}, headers=fr).status_code == 403
    networks.recompute(world.ctx)
    status = client.get("/api/v1/networks/status", headers=fr).json()
    assert status["last_run_at"] and status["last_run"] is None  # run figures: hub only
    ran = client.get("/api/v1/networks/status", headers=bearer(world, "hub")).json()["last_run"]
    assert (ran["kind"], ran["cases"], ran["clusters"]) == ("full", 3, 1)
    listed = client.get("/api/v1/networks", headers=fr).json()
    [item] = listed["items"]
    assert (item["cases"], item["more_held_by_others"], item["others"]) == (2, 1, ["br-cyber"])
    detail = client.get(f"/api/v1/networks/{item['ref']}", headers=fr).json()
    assert {v["value"] for v in detail["shared_values"]} >= {IP}
    stix = client.get(f"/api/v1/networks/{item['ref']}/export", headers=fr)
    assert stix.headers["content-type"].startswith("application/stix+json")
    assert client.get("/api/v1/networks/n1-0000000000", headers=fr).status_code == 404
    login(client, "fr-cyber.analyst", next="/")
    listing = client.get("/networks").text
    assert f'data-network="{item["ref"]}"' in listing
    page = client.get(f"/networks/{item['ref']}").text
    assert 'data-graph-url="/api/v1/networks/' in page and "<svg" in page
    assert "br hidden" not in page and 'data-count="more">1<' in page
    assert "<script>" not in page


def test_hit_pages_request_and_decide(client: TestClient, world: World) -> None:
    post_case(client, world, "fr-cyber", "Lyon hospital", release=["country:FR"])
    login(client, "de-cyber.analyst", next="/")
    search = client.get("/search", params={"value": IP}).text
    ref = re.search(r'data-reference="([0-9a-f]+)"', search).group(1)  # type: ignore[union-attr]
    assert f'href="/hits/{ref}"' in search
    page = client.get(f"/hits/{ref}").text
    token = csrf_of(page)
    assert 'id="request-disclosure"' in page
    sent = client.post(f"/hits/{ref}/disclosure", data={"reason": "need it",
                                                       "csrf_token": token},
                       follow_redirects=False)
    assert sent.status_code == 303
    request_page = sent.headers["location"]
    assert 'data-status="requested"' in client.get(request_page).text
    client.cookies.clear()
    login(client, "fr-cyber.analyst", next="/")
    owner_page = client.get(request_page).text
    token = csrf_of(owner_page)
    decided = client.post(f"{request_page}/decision", data={
        "decision": "decline", "reason": "source protection", "csrf_token": token})
    assert decided.status_code == 200 and 'data-status="declined"' in decided.text
    inbox = client.get("/hits").text
    assert "de-cyber" in inbox and 'data-kind="hit"' in inbox
