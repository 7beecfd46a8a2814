"""Sources over the API and the web page: configure, run (queued, then run by the worker
or after the response), see the run's counts; bad input is located; secrets never show."""

from __future__ import annotations

import pytest
from channel_helpers import admin
from fastapi.testclient import TestClient
from taxii_servers import Hostile, hostile_server, stix_object
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.services import auth


def bearer(world: World, username_org: str, admin_user: bool = False) -> dict[str, str]:
    """Authorization for fr-cyber's admin (or analyst)."""
    who = admin(world, username_org) if admin_user else world.principals[username_org]
    token = auth.issue_token(world.ctx, who, "t", frozenset({"read", "write"})).secret
    return {"Authorization": f"Bearer {token}"}


def test_configure_run_and_read_a_source(world: World, client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEED_TOKEN", "secret-token-value")
    boss = bearer(world, "fr-cyber", admin_user=True)
    state = Hostile([stix_object(i) for i in range(15)], page=10)
    with hostile_server(state) as url:
        body = {"name": "feed", "api_root": url, "collection": "c1", "auth": "bearer",
                "secret_env": "FEED_TOKEN", "defaults": {"tlp": "green"}}
        created = client.post("/api/v1/sources", json=body, headers=boss)
        assert created.status_code == 201, created.text
        assert created.json()["secret_env"] == "FEED_TOKEN"
        assert "secret-token-value" not in created.text
        analyst = bearer(world, "fr-cyber")
        assert client.post("/api/v1/sources", json={**body, "name": "other"},
                           headers=analyst).status_code == 403
        queued = client.post("/api/v1/sources/feed/run", headers=analyst)
        assert queued.status_code == 202
    runs = client.get("/api/v1/sources/feed/runs", headers=analyst).json()["items"]
    assert [(r["status"], r["trigger"], r["counts"]["landed"]) for r in runs] == \
        [("done", "queued", 15)]
    listed = client.get("/api/v1/sources", headers=analyst).json()["items"]
    assert listed[0]["bookmark"]["added_after"] == "2026-03-01T00:00:01.400000Z"
    assert client.get("/api/v1/sources", headers=bearer(world, "de-cyber")).json() == \
        {"items": []}
    assert client.delete("/api/v1/sources/feed", headers=boss).status_code == 204
    assert client.get("/api/v1/sources/feed", headers=analyst).status_code == 404


def test_bad_sources_get_located_errors(world: World, client: TestClient) -> None:
    boss = bearer(world, "fr-cyber", admin_user=True)
    bad = client.post("/api/v1/sources", headers=boss,
                      json={"name": 7, "direction": "push", "api_root": "file:///etc",
                            "collection": "c", "auth": "magic"})
    assert bad.status_code == 422, bad.text
    where = {e["location"] for e in bad.json()["errors"]}
    assert {"name", "api_root", "auth", "peer_org"} <= where


def test_the_sources_page_lists_runs_and_runs_now(world: World, client: TestClient) -> None:
    state = Hostile([stix_object(i) for i in range(5)], page=10)
    with hostile_server(state) as url:
        client.post("/api/v1/sources", headers=bearer(world, "fr-cyber", admin_user=True),
                    json={"name": "feed", "api_root": url, "collection": "c1"})
        login(client, "fr-cyber.analyst", next="/sources")
        shown = client.get("/sources")
        assert shown.status_code == 200 and "TLP:AMBER" in shown.text
        assert "No runs yet." in shown.text and f"{url}collections/c1/" in shown.text
        ran = client.post("/sources/feed/run", data={"csrf_token": csrf_of(shown.text)},
                          follow_redirects=True)
    assert ran.status_code == 200 and "No runs yet." not in ran.text
    assert ">done<" in ran.text


def test_administrators_add_and_remove_sources_on_the_page(
        world: World, client: TestClient) -> None:
    admin(world, "fr-cyber")
    login(client, "fr-cyber.admin", next="/sources")
    shown = client.get("/sources")
    assert 'id="new-source"' in shown.text
    fields = {"csrf_token": csrf_of(shown.text), "name": "partner-feed", "direction": "pull",
              "api_root": "https://taxii.example.org/api1/", "collection": "c9",
              "auth": "bearer", "secret_env": "PARTNER_TOKEN", "interval_seconds": "3600",
              "tlp": "green", "release": "members"}
    bad = client.post("/sources", data={**fields, "api_root": "file:///etc/passwd",
                                        "interval_seconds": "soon"})
    assert bad.status_code == 422
    assert 'data-location="api_root"' in bad.text and 'data-location="interval_seconds"' in bad.text
    assert 'value="partner-feed"' in bad.text  # the form comes back filled in
    made = client.post("/sources", data=fields, follow_redirects=True)
    assert made.status_code == 200 and "https://taxii.example.org/api1/collections/c9/" in made.text
    listed = client.get("/api/v1/sources", headers=bearer(world, "fr-cyber")).json()["items"]
    assert [(s["name"], s["interval_seconds"], s["defaults"]["tlp"]) for s in listed] == \
        [("partner-feed", 3600, "green")]
    gone = client.post("/sources/partner-feed/remove",
                       data={"csrf_token": csrf_of(made.text)}, follow_redirects=True)
    assert gone.status_code == 200 and "No sources yet." in gone.text


def test_analysts_see_no_source_form(world: World, client: TestClient) -> None:
    login(client, "fr-cyber.analyst", next="/sources")
    shown = client.get("/sources")
    assert shown.status_code == 200 and 'id="new-source"' not in shown.text
    refused = client.post("/sources", data={
        "csrf_token": csrf_of(shown.text), "name": "x", "direction": "pull",
        "api_root": "https://taxii.example.org/api1/", "collection": "c", "auth": "none"})
    assert refused.status_code == 403
