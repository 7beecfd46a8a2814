"""The REST API in-process: problems, limits, auth, cases, search, audit."""

from __future__ import annotations

import copy
from datetime import timedelta

import pyotp
import pytest
from conftest_http import bearer
from fastapi.testclient import TestClient
from worlds import PASSWORD, World, case_doc

from cyberfusion.domain.model import CaseFilter
from cyberfusion.services import auth
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app
from cyberfusion.web.deps import SESSION_COOKIE


def _problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and str(body["type"]).startswith("urn:cyberfusion:problem:")
    return body


def _case_count(world: World) -> int:
    """Every case in the database (the owner's view includes all of its own)."""
    with world.ctx.db.read() as tx:
        return tx.cases.page(world.principals["fr-cyber"].org, world.ctx.now(),
                             CaseFilter(include_revoked=True), 0, 1)[1]


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in spec["paths"] and "/api/v1/search" in spec["paths"]


def test_every_response_carries_a_strict_csp(client: TestClient) -> None:
    for path in ("/api/v1/health", "/login", "/static/app.css", "/nope"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_malformed_json_names_line_and_column(client: TestClient, world: World) -> None:
    body = _problem(client.post("/api/v1/cases", content=b'{"title": "x",\n  "summary": }',
                                headers={**bearer(world, "fr-cyber"),
                                         "content-type": "application/json"}), 400)
    assert body["errors"] == [{"location": "body line 2 column 14", "detail": "Expecting value"}]
    assert _case_count(world) == 0


@pytest.mark.parametrize(("observable", "location", "words"), [
    ({"type": "hash-of-mars", "value": "x"}, "observables[0].type", "unknown observable type"),
    ({"type": "btc_wallet", "value": "1BoatSLRHtKNngkdXEeobR76b53LETtpyU"},
     "observables[0].value", "checksum"),
    ({"type": "iban", "value": "DE89 3704 0044 0532 0130 01"}, "observables[0].value", "97"),
    ({"type": "eth_wallet", "value": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"},
     "observables[0].value", "EIP-55"),
])
def test_bad_observables_are_located_and_nothing_is_written(
    client: TestClient, world: World, observable: dict[str, str], location: str, words: str
) -> None:
    doc = case_doc()
    doc["observables"] = [observable]
    body = _problem(client.post("/api/v1/cases", json=doc, headers=bearer(world, "fr-cyber")),
                    422)
    errors = body["errors"]
    assert isinstance(errors, list) and errors[0]["location"] == location
    assert words.lower() in errors[0]["detail"].lower()
    assert _case_count(world) == 0


def test_bad_handling_and_fields_are_all_reported(client: TestClient, world: World) -> None:
    doc = case_doc(tlp="amber", release=["country:France"], grading="Z9")
    doc["first_seen"], doc["victims"] = "yesterday", {"count": -1}
    body = _problem(client.post("/api/v1/cases", json=doc, headers=bearer(world, "fr-cyber")),
                    422)
    locations = {e["location"] for e in body["errors"]}  # type: ignore[union-attr]
    assert {"handling.release[0]", "handling.grading", "first_seen", "victims.count"} <= locations


def test_oversize_body_is_refused_with_413(world: World) -> None:
    world.ctx.settings.max_body_bytes = 2048
    with TestClient(create_app(world.ctx)) as small:
        doc = case_doc()
        doc["summary"] = "x" * 5000
        _problem(small.post("/api/v1/cases", json=doc, headers=bearer(world, "fr-cyber")), 413)
    assert _case_count(world) == 0


def test_case_lifecycle_over_http(client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    created = client.post("/api/v1/cases", json=case_doc(release=["country:FR"]), headers=fr)
    assert created.status_code == 201
    case_id = created.json()["id"]
    assert created.headers["location"] == f"/api/v1/cases/{case_id}"
    _problem(client.get(f"/api/v1/cases/{case_id}", headers=de), 404)
    doc = {**case_doc(release=["country:FR"]), "title": "renamed"}
    assert client.put(f"/api/v1/cases/{case_id}", json=doc, headers={**fr, "If-Match": "1"}
                      ).json()["version"] == 2
    _problem(client.put(f"/api/v1/cases/{case_id}", json=doc, headers={**fr, "If-Match": "1"}),
             409)
    _problem(client.put(f"/api/v1/cases/{case_id}", json=doc, headers=fr), 422)
    listed = client.get("/api/v1/cases", params={"q": "renamed"}, headers=fr).json()
    assert listed["total"] == 1 and listed["items"][0]["version"] == 2
    assert client.post(f"/api/v1/cases/{case_id}/revoke", json={"reason": "dup"},
                       headers=fr).status_code == 204
    assert client.get("/api/v1/cases", headers=fr).json()["total"] == 0


@pytest.mark.parametrize("days", [0, -1, -400])
def test_a_review_date_not_after_today_is_refused_at_creation(
    client: TestClient, world: World, days: int
) -> None:
    day = (world.ctx.now().date() + timedelta(days=days)).isoformat()
    body = _problem(client.post("/api/v1/cases", json=case_doc(review_by=day),
                                headers=bearer(world, "fr-cyber")), 422)
    assert body["type"] == "urn:cyberfusion:problem:invalid-handling"
    errors = body["errors"]
    assert isinstance(errors, list) and [e["location"] for e in errors] == ["handling.review_by"]
    assert errors[0]["detail"].startswith(f"{day} is not after today")
    assert _case_count(world) == 0


def test_a_past_review_date_is_refused_on_update(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    case_id = client.post("/api/v1/cases", json=case_doc(), headers=fr).json()["id"]
    past = (world.ctx.now().date() - timedelta(days=1)).isoformat()
    body = _problem(client.put(f"/api/v1/cases/{case_id}", json=case_doc(review_by=past),
                               headers={**fr, "If-Match": "1"}), 422)
    assert [e["location"] for e in body["errors"]] == ["handling.review_by"]  # type: ignore[union-attr]
    kept = client.get(f"/api/v1/cases/{case_id}", headers=fr).json()
    assert kept["version"] == 1 and kept["handling"]["review_by"] > past


def test_a_withdrawn_case_reads_by_id_with_its_date_and_lists_on_request(
        client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    case_id = client.post("/api/v1/cases", json=case_doc(), headers=fr).json()["id"]
    live = client.get(f"/api/v1/cases/{case_id}", headers=de).json()
    assert (live["revoked"], live["revoked_at"]) == (False, None)
    assert client.post(f"/api/v1/cases/{case_id}/revoke", json={"reason": "sent in error"},
                       headers=fr).status_code == 204
    shown = client.get(f"/api/v1/cases/{case_id}", headers=de).json()
    assert shown["revoked"] is True and shown["revoked_at"] == world.ctx.now().isoformat()
    assert client.get("/api/v1/cases", headers=de).json()["total"] == 0
    every = client.get("/api/v1/cases", params={"include_revoked": "true"}, headers=de).json()
    assert [(c["id"], c["revoked"]) for c in every["items"]] == [(case_id, True)]
    found = client.get("/api/v1/search", params={"value": "185.220.101[.]4"}, headers=de)
    assert found.json()["cases"] == [] and found.json()["hits"] == []
    _problem(client.post(f"/api/v1/cases/{case_id}/grants",
                         json={"org_id": "br-cyber", "reason": "asked"}, headers=fr), 409)


def test_filters_and_paging(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    for i in range(5):
        doc = {**case_doc(), "title": f"Phishing wave {i}", "crime_type": "phishing"}
        client.post("/api/v1/cases", json=doc, headers=fr)
    client.post("/api/v1/cases", json=case_doc(), headers=fr)
    page = client.get("/api/v1/cases", params={"crime_type": "phishing", "limit": 2,
                                               "offset": 2}, headers=fr).json()
    assert page["total"] == 5 and [c["title"] for c in page["items"]] == [
        "Phishing wave 2", "Phishing wave 1"]
    _problem(client.get("/api/v1/cases", params={"limit": 0}, headers=fr), 422)


def test_search_hit_has_the_same_shape_as_no_hit(client: TestClient, world: World) -> None:
    client.post("/api/v1/cases", json=case_doc(release=["country:FR"], hit_policy="hit"),
                headers=bearer(world, "fr-cyber"))
    de = bearer(world, "de-cyber")
    hit = client.get("/api/v1/search", params={"value": "185.220.101[.]4"}, headers=de).json()
    miss = client.get("/api/v1/search", params={"value": "9.9.9.9"}, headers=de).json()
    assert hit.keys() == miss.keys()
    assert hit["cases"] == [] and hit["hits"][0]["owner"] == "fr-cyber"
    assert "Ransomware" not in str(hit)
    _problem(client.get("/api/v1/search", params={"value": "???"}, headers=de), 422)


def test_tokens_scopes_expiry_and_revocation(client: TestClient, world: World) -> None:
    read_only = bearer(world, "fr-cyber", frozenset({"read"}))
    _problem(client.post("/api/v1/cases", json=case_doc(), headers=read_only), 403)
    _problem(client.get("/api/v1/cases", headers={"Authorization": "Bearer cf_nope"}), 401)
    _problem(client.get("/api/v1/cases"), 401)
    made = client.post("/api/v1/tokens", json={"name": "ci", "scopes": ["read"]},
                       headers=bearer(world, "fr-cyber")).json()
    mine = {"Authorization": f"Bearer {made['secret']}"}
    assert client.get("/api/v1/me", headers=mine).json()["organisation"]["id"] == "fr-cyber"
    assert client.delete(f"/api/v1/tokens/{made['id']}", headers=mine).status_code == 204
    _problem(client.get("/api/v1/me", headers=mine), 401)
    later = world.ctx.now() + timedelta(days=91)
    secret = world.token("de-cyber")
    world.ctx.clock = lambda: later
    _problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}), 401)


def test_revoking_a_token_not_ones_own_answers_404(client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    theirs = client.post("/api/v1/tokens", json={"name": "ci", "scopes": ["read"]},
                         headers=fr).json()
    foreign = _problem(client.delete(f"/api/v1/tokens/{theirs['id']}", headers=de), 404)
    unknown = _problem(client.delete("/api/v1/tokens/987654", headers=de), 404)
    assert foreign["type"] == unknown["type"] == "urn:cyberfusion:problem:not-found"
    still = {"Authorization": f"Bearer {theirs['secret']}"}
    assert client.get("/api/v1/me", headers=still).json()["organisation"]["id"] == "fr-cyber"
    own = client.post("/api/v1/tokens", json={"name": "mine", "scopes": ["read"]},
                      headers=de).json()
    assert client.delete(f"/api/v1/tokens/{own['id']}", headers=de).status_code == 204
    _problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {own['secret']}"}), 401)


def test_login_for_token_with_totp_and_throttling(client: TestClient, world: World) -> None:
    uri = auth.enable_totp(world.ctx, world.principals["fr-cyber"])
    secret = pyotp.parse_uri(uri).secret
    base = {"username": "fr-cyber.analyst", "password": PASSWORD}
    _problem(client.post("/api/v1/auth/token", json=base), 401)
    good = client.post("/api/v1/auth/token", json={**base, "totp": pyotp.TOTP(secret).at(
        world.ctx.now())})
    assert good.status_code == 201 and good.json()["secret"].startswith("cf_")
    wrong = {"username": "de-cyber.analyst", "password": "wrong-password"}
    for _ in range(world.ctx.settings.login_max_failures):
        _problem(client.post("/api/v1/auth/token", json=wrong), 401)
    throttled = client.post("/api/v1/auth/token", json={**wrong, "password": PASSWORD})
    _problem(throttled, 429)
    assert int(throttled.headers["retry-after"]) > 0


def test_session_cookie_needs_csrf_header_for_writes(client: TestClient, world: World) -> None:
    user = world.principals["fr-cyber"].user
    assert user is not None
    session = auth.start_session(world.ctx, user)
    client.cookies.set(SESSION_COOKIE, session.cookie)
    assert client.get("/api/v1/me").status_code == 200
    _problem(client.post("/api/v1/cases", json=case_doc()), 403)
    ok = client.post("/api/v1/cases", json=case_doc(), headers={"X-CSRF-Token": session.csrf_token})
    assert ok.status_code == 201


def test_audit_api_for_auditors_and_use_of_data(client: TestClient, world: World) -> None:
    client.post("/api/v1/cases", json=case_doc(release=["country:FR"], hit_policy="hit"),
                headers=bearer(world, "fr-cyber"))
    client.get("/api/v1/search", params={"value": "evil-payments.com"},
               headers=bearer(world, "br-cyber"))
    used = client.get("/api/v1/audit/use-of-data", headers=bearer(world, "fr-cyber")).json()
    assert [(e["action"], e["actor_org_id"]) for e in used["items"]] == [("hit", "br-cyber")]
    trail = client.get("/api/v1/audit", params={"action": "case.create"},
                       headers=bearer(world, "fr-cyber")).json()["items"]
    assert len(trail) == 1 and trail[0]["owner_org_id"] == "fr-cyber"


def test_users_and_organisations(client: TestClient, world: World, sqlite_ctx: Context) -> None:
    del sqlite_ctx
    fr = bearer(world, "fr-cyber")
    orgs = client.get("/api/v1/organisations", headers=fr).json()["items"]
    assert {"hub", "fr-cyber", "acme-sec"} <= {o["id"] for o in orgs}
    _problem(client.post("/api/v1/users", json={"username": "x.y", "password": "long-enough-1",
                                                "roles": ["reader"]}, headers=fr), 403)
    _problem(client.post("/api/v1/organisations", json={"id": "zz", "name": "Z",
                                                        "kind": "ncb"}, headers=fr), 403)
    body = copy.deepcopy({"username": "", "password": "x", "roles": []})
    _problem(client.post("/api/v1/users", json=body, headers=fr), 422)


def test_disclosure_grant_opens_one_case_until_revoked(client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    case_id = client.post("/api/v1/cases", json=case_doc(release=["country:FR"]),
                          headers=fr).json()["id"]
    _problem(client.post(f"/api/v1/cases/{case_id}/grants",
                         json={"org_id": "de-cyber", "reason": "x"}, headers=de), 404)
    grant = client.post(f"/api/v1/cases/{case_id}/grants",
                        json={"org_id": "de-cyber", "reason": "joint investigation", "days": 7},
                        headers=fr)
    assert grant.status_code == 201
    assert client.get(f"/api/v1/cases/{case_id}", headers=de).status_code == 200
    assert client.get("/api/v1/cases", headers=de).json()["total"] == 1
    grant_id = grant.json()["id"]
    assert client.delete(f"/api/v1/cases/{case_id}/grants/{grant_id}",
                         headers=fr).status_code == 204
    _problem(client.get(f"/api/v1/cases/{case_id}", headers=de), 404)
    excluded = client.post("/api/v1/cases", json=case_doc(exclude=["country:BR"]),
                           headers=fr).json()["id"]
    _problem(client.post(f"/api/v1/cases/{excluded}/grants",
                         json={"org_id": "br-cyber", "reason": "x"}, headers=fr), 403)


def test_review_confirmation_over_http(client: TestClient, world: World) -> None:
    fr = bearer(world, "fr-cyber")
    soon = (world.ctx.now().date() + timedelta(days=5)).isoformat()
    case_id = client.post("/api/v1/cases", json=case_doc(review_by=soon), headers=fr).json()["id"]
    assert [c["id"] for c in client.get("/api/v1/reviews", headers=fr).json()["items"]] == [
        case_id]
    _problem(client.post(f"/api/v1/cases/{case_id}/review", json={},
                         headers=bearer(world, "de-cyber")), 404)
    confirmed = client.post(f"/api/v1/cases/{case_id}/review", json={}, headers=fr).json()
    assert confirmed["review_by"] > soon
    assert client.get("/api/v1/reviews", headers=fr).json()["items"] == []
