"""Entities over HTTP and the CLI: list and filters, the entity resource, its relationships,
linked cases and graph, what handling withholds, and the owner's edits, merges and links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest_http import bearer
from fastapi.testclient import TestClient
from knowledge_support import SPIDER, T1486, reported
from worlds import World

API = "/api/v1/entities"


@pytest.fixture
def knowledge(world: World, tmp_path: Path) -> World:
    """fr-cyber's AMBER bundle (LockBit, Bitwise Spider, T1486, a Lyon report about
    LockBit) and br-cyber's RED case linked to LockBit, for BR only."""
    reported(world, tmp_path)
    return world


def _get(client: TestClient, headers: dict[str, str], path: str, **params: Any) -> Any:
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _lockbit(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    [found] = _get(client, headers, API, q="lockbit black")["items"]
    return dict(found)


def test_list_filters_by_kind_and_finds_aliases(client: TestClient, knowledge: World) -> None:
    de = bearer(knowledge, "de-cyber")
    found = _lockbit(client, de)
    assert found["name"] == "LockBit" and "LockBit 3.0" in found["aliases"]
    assert found["kind"] in ("ransomware", "malware") and found["is_family"]
    kinds = {e["kind"] for e in _get(client, de, API, kind="intrusion-set")["items"]}
    assert kinds == {"intrusion-set"}
    page = _get(client, de, API, limit=1)
    assert page["limit"] == 1 and len(page["items"]) == 1 and page["total"] >= 3
    response = client.get(API, params={"kind": "dragon"}, headers=de)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [i["location"] for i in response.json()["errors"]] == ["kind"]


def test_an_entity_shows_what_the_reader_may_read_and_counts_the_rest(
        client: TestClient, knowledge: World) -> None:
    de = bearer(knowledge, "de-cyber")
    entity_id = _lockbit(client, de)["id"]
    detail = _get(client, de, f"{API}/{entity_id}")
    assert detail["name"] == "LockBit"
    assert [c["title"] for c in detail["cases"]["items"]] == ["Lyon hospital"]
    assert detail["cases"]["total"] == 1
    assert detail["withheld"] >= 1, "BR's RED link exists, as a number only"
    assert "Sao Paulo" not in json.dumps(detail)
    others = {r["other"]["name"] for r in detail["relationships"]}
    assert {"Bitwise Spider", "Data Encrypted for Impact"} <= others
    listed = _get(client, de, f"{API}/{entity_id}/relationships")
    assert listed == {"items": detail["relationships"], "withheld": detail["withheld"]}
    assert _get(client, de, f"{API}/{entity_id}/cases") == detail["cases"]
    graph = _get(client, de, f"{API}/{entity_id}/graph")
    labels = {n["label"] for n in graph["nodes"]}
    assert {"LockBit", "Bitwise Spider"} <= labels and "Sao Paulo bank" not in labels
    br = _get(client, bearer(knowledge, "br-cyber"), f"{API}/{entity_id}/cases")
    assert sorted(c["title"] for c in br["items"]) == ["Lyon hospital", "Sao Paulo bank"]


def test_the_attack_technique_keeps_its_id_and_link(client: TestClient,
                                                    knowledge: World) -> None:
    de = bearer(knowledge, "de-cyber")
    [technique] = _get(client, de, API, q="T1486")["items"] or _get(
        client, de, API, kind="attack-pattern")["items"]
    detail = _get(client, de, f"{API}/{technique['id']}")
    assert detail["external_id"] == "T1486"
    assert {"source_name": "mitre-attack", "external_id": "T1486",
            "url": "https://attack.mitre.org/techniques/T1486"} in detail["external_refs"]


def test_unknown_and_unreadable_entities_are_not_found(client: TestClient,
                                                       knowledge: World) -> None:
    de = bearer(knowledge, "de-cyber")
    for path in (f"{API}/999999", f"{API}/999999/cases", f"{API}/999999/graph"):
        response = client.get(path, headers=de)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/problem+json")


def test_owner_analysts_edit_link_and_merge(client: TestClient, knowledge: World,
                                            tmp_path: Path) -> None:
    fr, de = bearer(knowledge, "fr-cyber"), bearer(knowledge, "de-cyber")
    entity_id = _lockbit(client, fr)["id"]
    refused = client.patch(f"{API}/{entity_id}", json={"aliases": ["x"]}, headers=de)
    assert refused.status_code in (403, 404), refused.text
    edited = client.patch(f"{API}/{entity_id}",
                          json={"aliases": ["LockBit 3.0", "LockBit Black", "ABCD"],
                                "description": "RaaS."}, headers=fr)
    assert edited.status_code == 200, edited.text
    assert "ABCD" in edited.json()["aliases"] and edited.json()["description"] == "RaaS."
    assert _lockbit(client, fr)["id"] == entity_id
    bad = client.patch(f"{API}/{entity_id}", json={"aliases": "not a list"}, headers=fr)
    assert bad.status_code == 422

    case_id = client.post("/api/v1/cases", json=_case("Lille clinic"), headers=fr).json()["id"]
    linked = client.post(f"{API}/{entity_id}/cases", json={"case_id": case_id,
                                                           "type": "related-to"}, headers=fr)
    assert linked.status_code == 201, linked.text
    assert {linked.json()["source"]["id"], linked.json()["target"]["id"]} >= {case_id}
    titles = [c["title"] for c in _get(client, de, f"{API}/{entity_id}/cases")["items"]]
    assert sorted(titles) == ["Lille clinic", "Lyon hospital"]
    wrong = client.delete(f"{API}/{entity_id}/cases/{case_id}", headers=de)
    assert wrong.status_code == 403, wrong.text  # de-cyber reads the case; fr-cyber owns it
    removed = client.delete(f"{API}/{entity_id}/cases/{case_id}", headers=fr)
    assert removed.status_code == 204, removed.text
    titles = [c["title"] for c in _get(client, de, f"{API}/{entity_id}/cases")["items"]]
    assert titles == ["Lyon hospital"]
    assert client.delete(f"{API}/{entity_id}/cases/{case_id}", headers=fr).status_code == 404
    client.post(f"{API}/{entity_id}/cases", json={"case_id": case_id}, headers=fr)

    spider = next(e for e in _get(client, fr, API, kind="intrusion-set")["items"]
                  if e["name"] == "Bitwise Spider")
    other = client.post(f"{API}/{spider['id']}/merge", json={"other_id": 999999}, headers=fr)
    assert other.status_code in (400, 404), other.text
    assert SPIDER and T1486  # the bundle's ids, kept for the export side


def test_an_owner_analyst_merges_two_entities_over_the_api(client: TestClient,
                                                          knowledge: World) -> None:
    fr, de = bearer(knowledge, "fr-cyber"), bearer(knowledge, "de-cyber")
    spider = next(e for e in _get(client, fr, API, kind="intrusion-set")["items"]
                  if e["name"] == "Bitwise Spider")
    lockbit = _lockbit(client, fr)
    refused = client.post(f"{API}/{spider['id']}/merge", json={"other_id": lockbit["id"]},
                          headers=de)
    assert refused.status_code in (403, 404), refused.text
    merged = client.post(f"{API}/{spider['id']}/merge", json={"other_id": lockbit["id"]},
                         headers=fr)
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["id"] == min(spider["id"], lockbit["id"]) and body["sources"] == 2
    assert {"Bitwise Spider", "LockBit"} <= {body["name"], *body["aliases"]}
    for ident in (spider["id"], lockbit["id"]):
        assert _get(client, de, f"{API}/{ident}")["id"] == body["id"], "one entity for all"


def _case(title: str) -> dict[str, Any]:
    return {"title": title, "crime_type": "ransomware", "countries": ["FR"],
            "summary": "Encrypted.", "handling": {"tlp": "green", "release": ["members"]},
            "observables": [{"type": "ipv4", "value": "203.0.113.50", "role": "c2"}]}
