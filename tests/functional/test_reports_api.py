"""Reports over HTTP: preview with a located error, draft, approval only by a second hub
user, sending, and the recipient's list, document and PDF file."""

from __future__ import annotations

from typing import Any

from conftest_http import bearer
from fastapi.testclient import TestClient
from worlds import PASSWORD, World, case_doc

from cyberfusion.domain.model import Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import auth, cases, orgs

API = "/api/v1/reports"
SPEC: dict[str, Any] = {"title": "Europe", "scope": {"from": "2026-01-01", "to": "2026-12-31",
                                                     "regions": ["europe"]},
                        "recipients": ["fr-ncb"], "as_of": "2026-06-01"}


def test_a_report_from_preview_to_the_recipients_pdf(client: TestClient, world: World) -> None:
    doc = {**case_doc(), "title": "Lyon hospital"}
    cases.create_case(world.ctx, world.principals["fr-cyber"],
                      parse_case(doc, world.ctx.now().date(), 5))
    user = orgs.create_user(world.ctx, None, "hub.second", "hub", frozenset({Role.ANALYST}),
                            PASSWORD)
    with world.ctx.db.read() as tx:
        world.principals["hub-second"] = auth.principal_for(tx, user)
    hub, second, fr = (bearer(world, o) for o in ("hub", "hub-second", "fr-ncb"))
    bad = client.post(f"{API}/preview", json={**SPEC, "recipients": ["nowhere"]}, headers=hub)
    assert bad.status_code == 422 and "recipients" in bad.text
    assert client.post(f"{API}/preview", json=SPEC, headers=fr).status_code == 403
    preview = client.post(f"{API}/preview", json=SPEC, headers=hub).json()
    assert preview["key_figures"]["cases"] == 1 and preview["annexes"][0]["country"] == "FR"
    made = client.post(API, json=SPEC, headers=hub)
    assert made.status_code == 201, made.text
    report_id = made.json()["id"]
    assert client.post(f"{API}/{report_id}/approve", headers=hub).status_code == 403
    assert client.post(f"{API}/{report_id}/approve", headers=second).json()["status"] == \
        "approved"
    sent = client.post(f"{API}/{report_id}/send", headers=second).json()
    assert [d["status"] for d in sent["deliveries"]] == ["sent"]
    assert [r["id"] for r in client.get(API, headers=fr).json()["items"]] == [report_id]
    shown = client.get(f"{API}/{report_id}", headers=fr).json()
    assert shown["document"]["audience"] == "fr-ncb" and shown["deliveries"] == []
    pdf = client.get(f"{API}/{report_id}/file", params={"format": "pdf"}, headers=fr)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    assert client.get(f"{API}/{report_id}", headers=bearer(world, "de-ncb")).status_code == 404
