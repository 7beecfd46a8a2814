"""Issue 10's reproduction on SQLite and PostgreSQL: an earlier version of a case is read only
where its own handling and the current one both give FULL; others are counted, not shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import login
from worlds import World, build_world

from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

FIRST_DOMAIN = "first-secret-domain.example"
SECOND_DOMAIN = "second-public-domain.example"


@pytest.fixture
def world(ctx: Context) -> World:
    """The fixed test world on each backend."""
    return build_world(ctx)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    """An in-process client of a fresh app."""
    with TestClient(create_app(world.ctx)) as test_client:
        yield test_client


def _doc(title: str, domain: str, handling: dict[str, Any], summary: str) -> dict[str, Any]:
    return {"title": title, "crime_type": "ransomware", "summary": summary,
            "handling": handling, "observables": [{"type": "domain", "value": domain}]}


def _create_then_open(client: TestClient, world: World, first: dict[str, Any],
                      second: dict[str, Any]) -> int:
    """fr-cyber creates version 1 under `first`, then version 2 under `second`."""
    owner = bearer(world, "fr-cyber")
    made = client.post("/api/v1/cases", json=_doc("v1 secret title", FIRST_DOMAIN, first,
                                                  "v1 secret summary"), headers=owner)
    assert made.status_code == 201, made.text
    case_id = int(made.json()["id"])
    changed = client.put(f"/api/v1/cases/{case_id}", headers={**owner, "If-Match": "1"},
                         json=_doc("v2 open title", SECOND_DOMAIN, second, "v2 summary"))
    assert changed.status_code == 200, changed.text
    return case_id


def test_red_first_version_stays_hidden_after_the_case_turns_green(
        client: TestClient, world: World) -> None:
    case_id = _create_then_open(
        client, world, {"tlp": "red", "release": ["org:fr-ncb"], "hit_policy": "silent"},
        {"tlp": "green", "release": ["members"]})
    reader = bearer(world, "de-cyber")
    assert client.get(f"/api/v1/cases/{case_id}", headers=reader).status_code == 200
    got = client.get(f"/api/v1/cases/{case_id}/versions", headers=reader)
    assert got.status_code == 200
    assert got.json() == {"items": [], "hidden": 1}
    for secret in ("v1 secret", FIRST_DOMAIN, "red"):
        assert secret not in got.text
    named = client.get(f"/api/v1/cases/{case_id}/versions", headers=bearer(world, "fr-ncb"))
    assert [v["title"] for v in named.json()["items"]] == ["v1 secret title"]
    own = client.get(f"/api/v1/cases/{case_id}/versions", headers=bearer(world, "fr-cyber"))
    assert own.json()["hidden"] == 0
    assert own.json()["items"][0]["observables"][0]["value"] == FIRST_DOMAIN


def test_partner_never_reads_personal_data_of_an_earlier_version(
        client: TestClient, world: World) -> None:
    case_id = _create_then_open(
        client, world, {"tlp": "amber", "release": ["members"], "personal_data": True},
        {"tlp": "green", "release": ["members"], "partners": ["acme-sec"],
         "personal_data": False})
    partner = bearer(world, "acme-sec")
    assert client.get(f"/api/v1/cases/{case_id}", headers=partner).status_code == 200
    got = client.get(f"/api/v1/cases/{case_id}/versions", headers=partner)
    assert got.json() == {"items": [], "hidden": 1}
    assert "v1 secret" not in got.text and FIRST_DOMAIN not in got.text
    member = client.get(f"/api/v1/cases/{case_id}/versions", headers=bearer(world, "de-cyber"))
    assert member.json()["hidden"] == 0
    assert member.json()["items"][0]["handling"]["personal_data"] is True


def test_a_version_readable_under_both_handlings_is_shown(
        client: TestClient, world: World) -> None:
    case_id = _create_then_open(client, world, {"tlp": "amber", "release": ["region:europe"]},
                                {"tlp": "amber", "release": ["members"]})
    for org_id in ("de-cyber", "de-ncb"):
        got = client.get(f"/api/v1/cases/{case_id}/versions", headers=bearer(world, org_id))
        assert [v["version"] for v in got.json()["items"]] == [1]
    brazil = client.get(f"/api/v1/cases/{case_id}/versions", headers=bearer(world, "br-cyber"))
    assert brazil.json() == {"items": [], "hidden": 1}


def test_case_page_shows_the_readable_versions_and_counts_the_rest(
        client: TestClient, world: World) -> None:
    case_id = _create_then_open(
        client, world, {"tlp": "red", "release": ["org:fr-ncb"]},
        {"tlp": "green", "release": ["members"]})
    login(client, "de-cyber.analyst")
    html = client.get(f"/cases/{case_id}").text
    assert 'data-hidden-versions="1"' in html
    assert "v1 secret" not in html and FIRST_DOMAIN not in html
    assert 'data-tlp="TLP:GREEN"' in html
    client.cookies.clear()
    login(client, "fr-ncb.analyst")
    html = client.get(f"/cases/{case_id}").text
    assert 'data-version="1"' in html and "v1 secret title" in html and FIRST_DOMAIN in html
    assert "data-hidden-versions" not in html
    assert 'data-tlp="TLP:RED"' in html
