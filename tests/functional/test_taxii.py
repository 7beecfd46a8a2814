"""The TAXII 2.1 server walked by `taxii2-client` (the OASIS reference client) as a real
client over a real loopback HTTP server, and the HTTP rules it keeps (406, 415, 413, 401,
TAXII error messages)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from browser_support import serving
from conftest import NOW
from fastapi.testclient import TestClient
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages
from taxii_support import keep, members_green, own_only, technique
from worlds import PASSWORD, World, case_doc

from cyberfusion.domain.taxii import MEDIA_TAXII
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases
from cyberfusion.web.app import create_app

REVIEW = NOW.date() + timedelta(days=365)
BIG = 10_000


@pytest.fixture
def server(world: World) -> Iterator[str]:
    """The app under uvicorn on loopback; the base URL of its TAXII server."""
    with serving(create_app(world.ctx)) as base:
        yield f"{base}/taxii2/"


def root_of(url: str, username: str) -> ApiRoot:
    """The default API root as `username` sees it, found through discovery."""
    found = Server(url, user=username, password=PASSWORD)
    assert found.title == "cyberfusion TAXII 2.1"
    assert found.default is not None
    return found.default


def by_alias(root: ApiRoot, alias: str) -> Collection:
    """The collection with this alias."""
    return next(c for c in root.collections if c.alias == alias)


def test_taxii2_client_walks_every_page_of_a_10000_object_collection(
        world: World, server: str) -> None:
    shared = keep(world.ctx, "fr-cyber", BIG, members_green(REVIEW), NOW)
    secret = keep(world.ctx, "fr-cyber", 50, own_only(REVIEW), NOW, start=BIG)
    cases.create_case(world.ctx, world.principals["fr-cyber"],
                      parse_case(case_doc("Visible case"), NOW.date(), 5))
    root = root_of(server, "de-cyber.analyst")
    assert root.versions == [MEDIA_TAXII]
    assert {"all", "tlp-clear", "region-europe", "region-americas", "inbox"} == \
        {c.alias for c in root.collections}
    everything = by_alias(root, "all")
    assert everything.can_read and not everything.can_write
    seen: list[str] = []
    pages = 0
    for envelope in as_pages(everything.get_objects, per_request=1000):
        seen += [o["id"] for o in envelope.get("objects", [])]
        pages += 1
    assert len(seen) == len(set(seen)), "no object twice"
    assert set(shared) <= set(seen) and not set(secret) & set(seen)
    assert any(i.startswith("report--") for i in seen) and pages >= BIG // 1000
    listed = [r["id"] for m in as_pages(everything.get_manifest, per_request=2500)
              for r in m.get("objects", [])]
    assert listed == seen
    assert everything.object_versions(shared[7])["versions"] == ["2026-01-01T00:00:00.000Z"]
    assert [o["id"] for o in everything.get_object(shared[7])["objects"]] == [shared[7]]
    only = everything.get_objects(type="report")["objects"]
    assert [o["name"] for o in only] == ["Visible case"]


def test_added_objects_land_with_a_status_that_adds_up(world: World, server: str) -> None:
    root = root_of(server, "de-cyber.analyst")
    inbox = by_alias(root, "inbox")
    assert inbox.can_write
    objects = [technique("de-cyber", i) for i in range(3)]
    status = inbox.add_objects({"objects": objects}, wait_for_completion=True,
                               poll_interval=0.2, timeout=30)
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (3, 3, 0)
    held = {o["id"] for o in inbox.get_objects()["objects"]}
    assert {str(o["id"]) for o in objects} <= held
    fr_root = root_of(server, "fr-cyber.analyst")
    fr_all = by_alias(fr_root, "all")
    assert str(objects[0]["id"]) in {o["id"] for o in fr_all.get_objects()["objects"]}
    inbox.delete_object(str(objects[0]["id"]))
    with pytest.raises(requests.HTTPError, match="404"):
        inbox.get_object(str(objects[0]["id"]))
    everything = by_alias(root, "all")  # the "all" view takes no objects
    refused = requests.post(everything.url + "objects/", json={"objects": objects},
                            auth=("de-cyber.analyst", PASSWORD), timeout=30,
                            headers={"Content-Type": MEDIA_TAXII, "Accept": MEDIA_TAXII})
    assert refused.status_code == 403 and refused.json()["http_status"] == "403"


def test_paging_with_added_after_and_next_headers(world: World, client: TestClient) -> None:
    ids = keep(world.ctx, "fr-cyber", 30, members_green(REVIEW), NOW)
    token = world.token("de-cyber")
    headers = {"Authorization": f"Bearer {token}", "Accept": MEDIA_TAXII}
    root = client.get("/taxii2/pool/collections/", headers=headers).json()
    everything = next(c for c in root["collections"] if c["alias"] == "all")
    url = f"/taxii2/pool/collections/{everything['id']}/objects/"
    first = client.get(url, params={"limit": 10, "match[type]": "attack-pattern"},
                       headers=headers)
    assert first.status_code == 200
    assert first.headers["content-type"] == MEDIA_TAXII
    body = first.json()
    assert body["more"] is True and len(body["objects"]) == 10
    assert first.headers["X-TAXII-Date-Added-First"].endswith("Z")
    walked = [o["id"] for o in body["objects"]]
    while body.get("more"):
        body = client.get(url, params={"limit": 10, "match[type]": "attack-pattern",
                                       "next": body["next"]}, headers=headers).json()
        walked += [o["id"] for o in body["objects"]]
    assert sorted(walked) == sorted(ids)
    later = client.get(url, params={"added_after": "2026-06-01T12:00:00.000Z"},
                       headers=headers).json()
    assert later == {"more": False, "objects": []}


@pytest.mark.parametrize("accept", ["application/taxii+json", "*/*", "application/*",
                                    "application/taxii+json;version=2.1;q=0.9, */*;q=0.1"])
def test_accept_headers_we_can_serve(world: World, client: TestClient, accept: str) -> None:
    token = world.token("de-cyber")
    found = client.get("/taxii2/", headers={"Authorization": f"Bearer {token}",
                                            "Accept": accept})
    assert found.status_code == 200, found.text
    assert found.json()["api_roots"][0].endswith("/taxii2/pool/")


def test_errors_are_taxii_error_messages(world: World, client: TestClient) -> None:
    token = world.token("de-cyber")
    auth = {"Authorization": f"Bearer {token}"}
    refused = client.get("/taxii2/", headers={**auth, "Accept": "application/json"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == MEDIA_TAXII
    assert refused.json()["http_status"] == "406" and refused.json()["title"]
    assert client.get("/taxii2/", headers={**auth, "Accept": "application/taxii+json;"
                                           "version=2.0"}).status_code == 406
    anonymous = client.get("/taxii2/pool/collections/")
    assert anonymous.status_code == 401 and "WWW-Authenticate" in anonymous.headers
    collections = client.get("/taxii2/pool/collections/", headers=auth).json()["collections"]
    inbox = next(c for c in collections if c["alias"] == "inbox")
    url = f"/taxii2/pool/collections/{inbox['id']}/objects/"
    wrong = client.post(url, headers={**auth, "Content-Type": "application/json"},
                        content=b'{"objects": []}')
    assert wrong.status_code == 415 and wrong.json()["http_status"] == "415"
    bad = client.post(url, headers={**auth, "Content-Type": MEDIA_TAXII},
                      content=b'{"objects": [{"name": "no id"}]}')
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"][0]["location"] == "objects[0]"
    huge = b'{"objects": [' + b" " * world.ctx.settings.max_body_bytes + b"]}"
    too_big = client.post(url, headers={**auth, "Content-Type": MEDIA_TAXII}, content=huge)
    assert too_big.status_code == 413 and too_big.json()["http_status"] == "413"
    lost = client.get(f"/taxii2/pool/collections/{inbox['id']}/objects/indicator--"
                      "00000000-0000-4000-8000-000000000000/", headers=auth)
    assert lost.status_code == 404 and lost.json()["http_status"] == "404"
    bogus = client.get(url, headers=auth, params={"next": "not-ours"})
    assert bogus.status_code == 422


def test_basic_authentication_with_a_password_or_a_token(world: World,
                                                        client: TestClient) -> None:
    def basic(user: str, secret: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode())
                .decode()}

    assert client.get("/taxii2/", headers=basic("de-cyber.analyst", PASSWORD)).status_code \
        == 200
    token = world.token("de-cyber")
    assert client.get("/taxii2/", headers=basic("anything", token)).status_code == 200
    assert client.get("/taxii2/", headers=basic("de-cyber.analyst", "wrong-pass-1")
                      ).status_code == 401
