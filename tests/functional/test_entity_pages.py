"""Entity pages in-process: the list with its filters, the entity page with its graph, TLP
banner and withheld count, entities on case and search pages, autocomplete, and the
owner's edit form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest_http import bearer
from fastapi.testclient import TestClient
from knowledge_support import family_objects, land, reported
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.domain.knowledge import EntityFilter
from cyberfusion.services import knowledge


@pytest.fixture
def lockbit(world: World, tmp_path: Path) -> int:
    """LockBit's id, after fr-cyber (AMBER) and br-cyber (RED, BR only) reported on it."""
    return reported(world, tmp_path)


def _case_id(client: TestClient, world: World, title: str) -> int:
    found = client.get("/api/v1/cases", params={"q": title},
                       headers=bearer(world, "fr-cyber")).json()["items"]
    return int(found[0]["id"])


def test_the_list_filters_by_kind_and_text(client: TestClient, world: World,
                                           lockbit: int) -> None:
    login(client, "de-cyber.analyst")
    html = client.get("/entities", params={"q": "lockbit black"}).text
    assert f'href="/entities/{lockbit}"' in html
    assert 'href="/entities" aria-current="page">Entities</a>' in html
    only = client.get("/entities", params={"kind": "intrusion-set"}).text
    assert "Bitwise Spider" in only and f'data-entity="{lockbit}"' not in only
    assert client.get("/entities", params={"kind": "dragon"}).status_code == 422


def test_the_entity_page_shows_what_the_reader_may_read(client: TestClient, world: World,
                                                        lockbit: int) -> None:
    login(client, "de-cyber.analyst")
    html = client.get(f"/entities/{lockbit}").text
    assert 'data-tlp="TLP:AMBER"' in html, "the banner of the strictest thing shown"
    assert re.search(r'<span class="alias" dir="auto">LockBit Black</span>', html)
    assert "Lyon hospital" in html and "Sao Paulo" not in html
    assert re.search(r'data-withheld="[1-9]', html)
    assert 'id="entity-graph"' in html and "Bitwise Spider" in html
    assert 'data-relationship-type="uses"' in html
    assert "<script>" not in html
    technique = knowledge.list_entities(world.ctx, world.principals["de-cyber"],
                                        EntityFilter(text="Data Encrypted")).items[0]
    page = client.get(f"/entities/{technique.id}").text
    assert 'href="https://attack.mitre.org/techniques/T1486"' in page
    assert client.get("/entities/999999").status_code == 404


def test_case_and_search_pages_name_the_entities(client: TestClient, world: World,
                                                 lockbit: int) -> None:
    login(client, "de-cyber.analyst")
    case_page = client.get(f"/cases/{_case_id(client, world, 'Lyon hospital')}").text
    assert re.search(rf'id="case-entities">.*href="/entities/{lockbit}"', case_page, re.S)
    found = client.get("/search", params={"value": "LockBit Black"}).text
    assert f'href="/entities/{lockbit}"' in found and 'role="alert"' not in found
    completions = client.get("/api/v1/autocomplete", params={"prefix": "lockb"},
                             headers=bearer(world, "de-cyber")).json()["items"]
    assert {"LockBit", "LockBit Black"} <= set(completions)


def test_owner_analysts_correct_aliases_from_the_page(client: TestClient, world: World,
                                                      lockbit: int) -> None:
    login(client, "fr-cyber.analyst")
    page = client.get(f"/entities/{lockbit}").text
    assert 'id="edit-entity"' in page
    response = client.post(f"/entities/{lockbit}/edit", data={
        "aliases": "LockBit 3.0\nLockBit Black\nABCD", "description": "RaaS.",
        "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert response.status_code == 303
    assert "ABCD" in client.get(f"/entities/{lockbit}").text
    forged = client.post(f"/entities/{lockbit}/edit", data={"aliases": "x",
                                                             "csrf_token": "forged"})
    assert forged.status_code == 403


def test_only_analysts_of_an_owner_see_the_edit_and_merge_forms(
        client: TestClient, world: World, tmp_path: Path) -> None:
    land(world, "hub", family_objects()[:1], tmp_path, tlp="clear")  # the hub's row is first
    lockbit = reported(world, tmp_path)
    own = knowledge.entity_detail(world.ctx, world.principals["fr-cyber"], lockbit).own_row
    assert own is not None and own.id != lockbit
    login(client, "de-cyber.analyst")
    foreign = client.get(f"/entities/{lockbit}").text
    assert 'id="edit-entity"' not in foreign and 'id="merge-entity"' not in foreign
    assert 'id="link-case"' in foreign, "linking a readable case needs no own row"
    client.cookies.clear()
    login(client, "fr-cyber.analyst")
    page = client.get(f"/entities/{lockbit}").text
    assert f'action="/entities/{own.id}/edit"' in page
    assert f'action="/entities/{own.id}/merge"' in page
    response = client.post(f"/entities/{own.id}/edit", data={
        "aliases": "LockBit Black\nABCD", "description": "RaaS.",
        "csrf_token": csrf_of(page)}, follow_redirects=True)
    assert response.status_code == 200 and "ABCD" in response.text
