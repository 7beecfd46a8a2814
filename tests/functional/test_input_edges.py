"""Hostile input at the edge: 2^63, NUL, CR/LF and odd victim counts give located 4xx, not 500."""

from __future__ import annotations

import base64

import pytest
from channel_helpers import request_doc
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World, case_doc

from cyberfusion.web.api.channel import content_disposition
from cyberfusion.web.app import create_app

TOO_BIG = 2**63
PROBLEM = "application/problem+json"


@pytest.fixture
def lenient(world: World) -> TestClient:
    """A client that returns a 500 instead of raising, so the status is what we assert."""
    return TestClient(create_app(world.ctx), raise_server_exceptions=False)


@pytest.mark.parametrize(("url", "location"), [
    (f"/api/v1/cases/{TOO_BIG}", "path.case_id"),
    (f"/api/v1/cases/{TOO_BIG}/versions", "path.case_id"),
    ("/api/v1/cases/-1", "path.case_id"),
    (f"/api/v1/cases?offset={TOO_BIG}", "query.offset"),
    ("/api/v1/cases?offset=-1", "query.offset"),
    (f"/api/v1/inbox?after={TOO_BIG}", "query.after"),
    (f"/api/v1/threads/{TOO_BIG}", "path.thread_id"),
    (f"/api/v1/threads?offset={TOO_BIG}", "query.offset"),
    (f"/api/v1/imports/{TOO_BIG}/issues", "path.job_id"),
    (f"/api/v1/imports/1/issues?offset={TOO_BIG}", "query.offset"),
    (f"/api/v1/attachments/{TOO_BIG}", "path.attachment_id"),
    (f"/api/v1/audit?before={TOO_BIG}", "query.before"),
    (f"/api/v1/hits/inbox?before={TOO_BIG}", "query.before"),
    (f"/api/v1/networks?offset={TOO_BIG}", "query.offset"),
    (f"/api/v1/entities/{TOO_BIG}", "path.entity_id"),
    (f"/api/v1/entities/{TOO_BIG}/cases", "path.entity_id"),
    (f"/api/v1/entities/1/cases?offset={TOO_BIG}", "query.offset"),
    (f"/api/v1/entities?offset={TOO_BIG}", "query.offset"),
])
def test_out_of_range_integers_in_the_api_are_a_located_422(
        lenient: TestClient, world: World, url: str, location: str) -> None:
    got = lenient.get(url, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422 and got.headers["content-type"] == PROBLEM
    assert [e["location"] for e in got.json()["errors"]] == [location]


@pytest.mark.parametrize(("path", "body", "location"), [
    ("/api/v1/inbox/read", {"up_to": TOO_BIG}, "body.up_to"),
    ("/api/v1/hits/inbox/read", {"ids": [1, TOO_BIG]}, "body.ids[1]"),
    ("/api/v1/entities/1/merge", {"other_id": TOO_BIG}, "body.other_id"),
    ("/api/v1/entities/1/cases", {"case_id": -1}, "body.case_id"),
])
def test_out_of_range_integers_in_bodies_are_a_located_422(
        lenient: TestClient, world: World, path: str, body: dict[str, object],
        location: str) -> None:
    got = lenient.post(path, json=body, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == [location]


def test_an_out_of_range_id_in_a_delete_is_a_located_422(
        lenient: TestClient, world: World) -> None:
    got = lenient.delete(f"/api/v1/cases/1/grants/{TOO_BIG}", headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == ["path.grant_id"]


def test_a_number_past_the_conversion_limit_is_a_400(lenient: TestClient, world: World) -> None:
    body = '{"title": "x", "victims": {"count": %s}}' % ("9" * 5000)
    got = lenient.post("/api/v1/cases", content=body, headers={
        **bearer(world, "fr-cyber"), "content-type": "application/json"})
    assert got.status_code == 400 and got.json()["errors"][0]["location"] == "body"


@pytest.mark.parametrize("url", [f"/cases/{TOO_BIG}", f"/threads/{TOO_BIG}",
                                 f"/imports/{TOO_BIG}", "/cases/0", f"/entities/{TOO_BIG}"])
def test_pages_with_an_impossible_id_are_a_404_page(lenient: TestClient, url: str) -> None:
    login(lenient, "fr-cyber.analyst")
    got = lenient.get(url)
    assert got.status_code == 404 and got.headers["content-type"].startswith("text/html")


def test_a_page_with_an_impossible_offset_is_a_422_page(lenient: TestClient) -> None:
    login(lenient, "fr-cyber.analyst")
    got = lenient.get(f"/cases?offset={TOO_BIG}")
    assert got.status_code == 422 and "query.offset" in got.text


@pytest.mark.parametrize("count", ["²", "1" * 30, "-3", "9" * 5000])
def test_the_case_form_refuses_an_odd_victim_count(lenient: TestClient, count: str) -> None:
    login(lenient, "fr-cyber.analyst")
    form = {"csrf_token": csrf_of(lenient.get("/cases/new").text), "title": "Odd count",
            "crime_type": "bec", "tlp": "amber", "release": "members", "hit_policy": "hit",
            "purpose": "investigation", "victim_count": count,
            "observables": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq wallet"}
    got = lenient.post("/cases/new", data=form)
    assert got.status_code == 422 and "victims.count" in got.text


def test_the_api_refuses_a_victim_count_past_64_bits(lenient: TestClient, world: World) -> None:
    doc = case_doc()
    doc["victims"]["count"] = 10**30
    got = lenient.post("/api/v1/cases", json=doc, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == ["victims.count"]


def multipart(name: str, content: bytes, **fields: str) -> tuple[bytes, str]:
    """A multipart body with the file name sent raw (clients would percent-escape controls)."""
    head = "".join(f'--b0undary\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields.items())
    head += (f'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
             "Content-Type: text/plain\r\n\r\n")
    body = head.encode("utf-8") + content + b"\r\n--b0undary--\r\n"
    return body, "multipart/form-data; boundary=b0undary"


@pytest.mark.parametrize("name", ["evil\x00.csv", "bell\x07.csv", "esc\x1b.csv"])
def test_an_upload_name_with_a_control_character_is_refused(
        lenient: TestClient, world: World, name: str) -> None:
    body, content_type = multipart(name, b"1.2.3.4\n")
    headers = {**bearer(world, "fr-cyber"), "content-type": content_type}
    for path in ("/api/v1/imports", "/api/v1/imports/preview"):
        got = lenient.post(path, content=body, headers=headers)
        assert got.status_code == 422, path
        assert [e["location"] for e in got.json()["errors"]] == ["filename"]
    raw = lenient.post("/api/v1/imports", params={"filename": name}, content=b"1.2.3.4",
                       headers=bearer(world, "fr-cyber"))
    assert raw.status_code == 422


def test_the_import_page_refuses_a_nul_in_the_file_name(lenient: TestClient) -> None:
    login(lenient, "fr-cyber.analyst")
    token = csrf_of(lenient.get("/imports").text)
    body, content_type = multipart("a\x00b.txt", b"1.2.3.4", csrf_token=token)
    got = lenient.post("/imports", content=body,
                       headers={"content-type": content_type})
    assert got.status_code == 422 and "filename" in got.text


@pytest.mark.parametrize(("field", "value"), [
    ("filename", "note\r\nX-Injected: 1.pdf"), ("filename", "nul\x00.pdf"),
    ("media_type", "text/plain\r\nX-Injected: 1"), ("media_type", "not a media type"),
])
def test_an_attachment_name_or_media_type_that_breaks_headers_is_refused(
        lenient: TestClient, world: World, field: str, value: str) -> None:
    attachment = {"filename": "note.pdf", "media_type": "application/pdf",
                  "content_base64": base64.b64encode(b"%PDF").decode(), field: value}
    got = lenient.post("/api/v1/threads", json=request_doc(attachments=[attachment]),
                       headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert f"attachments[0].{field}" in [e["location"] for e in got.json()["errors"]]


def test_a_download_name_is_encoded_per_rfc_6266() -> None:
    header = content_disposition("rapport d'été\r\n\"x\".pdf")
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="rapport_d__t____x_.pdf"; ')
    assert header.endswith("filename*=UTF-8''rapport%20d%27%C3%A9t%C3%A9%0D%0A%22x%22.pdf")


@pytest.mark.parametrize("version", ["1e3", str(TOO_BIG), "-1", "9" * 5000])
def test_an_impossible_if_match_version_is_a_located_422(
        lenient: TestClient, world: World, version: str) -> None:
    headers = bearer(world, "fr-cyber")
    case_id = lenient.post("/api/v1/cases", json=case_doc(), headers=headers).json()["id"]
    got = lenient.put(f"/api/v1/cases/{case_id}", json=case_doc("Changed"),
                      headers={**headers, "If-Match": version})
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == ["version"]
