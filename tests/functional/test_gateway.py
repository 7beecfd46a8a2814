"""Gateway agreements end to end: hub admins keep the register (API, page, CLI); a partner
outside its agreement (none, expired, not yet valid, ended, a category not permitted) is
refused on intake (API case, import job, TAXII add) and on every outbound path (export, MISP
feed, TAXII objects, search) with the agreement and the rule named; transfers under an
agreement are audited with its reference and counts; what goes out is what owners released
to the partner, never personal data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from conftest_http import bearer
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from ui_support import csrf_of, login
from worlds import World, case_doc, open_agreement

from cyberfusion.cli.main import app as cli_app
from cyberfusion.domain.gateway import AgreementDraft, DataCategory, Direction
from cyberfusion.domain.model import CaseFilter, Organisation, OrgKind, Role
from cyberfusion.services import auth, imports, orgs

API = "/api/v1"
POOL = "/taxii2/pool/collections"
TAXII = "application/taxii+json;version=2.1"


def hub_admin(world: World) -> dict[str, str]:
    """Bearer header of a new hub admin."""
    user = orgs.create_user(world.ctx, None, "hub.admin", "hub", frozenset({Role.ADMIN}),
                            "test-password-1")
    with world.ctx.db.read() as tx:
        principal = auth.principal_for(tx, user)
    world.principals["hub.admin"] = principal
    issued = auth.issue_token(world.ctx, principal, "t", frozenset({"read", "write", "admin"}))
    return {"Authorization": f"Bearer {issued.secret}"}


def partner(world: World, org_id: str) -> dict[str, str]:
    """A new partner organisation with an analyst; its Bearer header."""
    orgs.create_org(world.ctx, None, Organisation(org_id, org_id.title(), OrgKind.PARTNER))
    user = orgs.create_user(world.ctx, None, f"{org_id}.analyst", org_id,
                            frozenset({Role.ANALYST, Role.AUDITOR}), "test-password-1")
    with world.ctx.db.read() as tx:
        world.principals[org_id] = auth.principal_for(tx, user)
    return bearer(world, org_id)


def document(reference: str, partner_id: str, categories: dict[str, str],
             start: str = "2026-01-01", until: str = "2026-12-31") -> dict[str, Any]:
    """An agreement document."""
    return {"reference": reference, "partner": partner_id, "valid_from": start,
            "valid_until": until, "categories": categories, "contact": "dpo@partner.example",
            "onward_sharing": {"allowed": False, "terms": "none"}}


def refused(response: Any, *words: str) -> dict[str, Any]:
    """A 403 outside-agreement problem whose detail holds every word."""
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"].endswith("outside-agreement") or "outside" in json.dumps(problem)
    for word in words:
        assert word in problem.get("detail", json.dumps(problem)), (word, problem)
    return problem


def test_register_rules_and_who_may_keep_it(world: World, client: TestClient) -> None:
    admin = hub_admin(world)
    partner(world, "beta-sec")
    made = client.post(f"{API}/agreements", headers=admin, json=document(
        "GW-BETA-1", "beta-sec", {"technical_indicators": "both"}))
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "valid"
    bad = client.post(f"{API}/agreements", headers=admin, json={
        **document("GW-BETA-2", "fr-cyber", {"personal_data": "both"}),
        "valid_until": "2025-01-01"})
    assert bad.status_code == 422
    where = {e["location"] for e in bad.json()["errors"]}
    assert {"categories.personal_data", "valid_until"} <= where
    assert client.post(f"{API}/agreements", headers=admin, json=document(
        "GW-BETA-2", "fr-cyber", {"technical_indicators": "both"})).json()["errors"][0][
        "location"] == "partner"
    assert client.post(f"{API}/agreements", headers=admin, json=document(
        "GW-BETA-1", "beta-sec", {"technical_indicators": "both"})).status_code == 409
    assert client.post(f"{API}/agreements", headers=bearer(world, "fr-cyber"), json=document(
        "GW-BETA-3", "beta-sec", {"technical_indicators": "both"})).status_code == 403
    changed = client.put(f"{API}/agreements/{made.json()['id']}", headers=admin, json={
        **document("GW-BETA-1", "", {"technical_indicators": "inbound"}), "partner": None})
    assert changed.json()["categories"] == {"technical_indicators": "inbound"}
    listed = client.get(f"{API}/agreements", headers=admin, params={"partner": "beta-sec"})
    assert [a["reference"] for a in listed.json()["items"]] == ["GW-BETA-1"]
    ended = client.post(f"{API}/agreements/{made.json()['id']}/end", headers=admin,
                        json={"reason": "contract over"})
    assert ended.json()["state"] == "ended"
    trail = client.get(f"{API}/audit", headers=admin).text
    assert "agreement.create" in trail and "agreement.end" in trail


def test_intake_outside_an_agreement_is_refused_with_the_rule(
        world: World, client: TestClient, tmp_path: Path) -> None:
    headers = partner(world, "beta-sec")
    case = case_doc("Partner report")
    refused(client.post(f"{API}/cases", headers=headers, json=case),
            "no gateway agreement", "beta-sec")
    with world.ctx.db.write() as tx:  # only case summaries may come in, from 2026-01-01
        tx.agreements.add(AgreementDraft(
            "GW-BETA-1", "beta-sec", date(2026, 1, 1), date(2026, 12, 31),
            {DataCategory.CASE_SUMMARIES: Direction.INBOUND}, contact="x"), world.ctx.now())
    problem = refused(client.post(f"{API}/cases", headers=headers, json=case),
                      "GW-BETA-1", "inbound technical_indicators")
    assert [e["location"] for e in problem["errors"]] == ["observables"]
    plain = client.post(f"{API}/cases", headers=headers, json={**case, "observables": []})
    assert plain.status_code == 201, plain.text
    events = client.get(f"{API}/audit", headers=headers).json()["items"]
    transfer = [e for e in events if e["action"] == "gateway.transfer"]
    assert transfer and transfer[0]["detail"]["agreement"] == "GW-BETA-1"
    assert transfer[0]["detail"]["direction"] == "inbound"
    # An import of cases with observables lands nothing: the job names the agreement.
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"Event": {
        "uuid": "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "info": "Partner event",
        "date": "2026-05-01", "distribution": "3", "Attribute": [
            {"type": "ip-dst", "category": "Network activity", "value": "203.0.113.7"}]}}))
    job = imports.submit_path(world.ctx, world.principals["beta-sec"], path,
                              imports.ImportOptions())
    done = imports.run(world.ctx, job.id)
    assert done is not None and done.status == "failed"
    assert "GW-BETA-1" in done.error and "technical_indicators" in done.error


def test_intake_under_expired_or_future_agreements_is_refused(
        world: World, client: TestClient) -> None:
    headers = partner(world, "beta-sec")
    case = {**case_doc("Partner report"), "observables": []}
    summaries = {DataCategory.CASE_SUMMARIES: Direction.BOTH}
    with world.ctx.db.write() as tx:
        tx.agreements.add(AgreementDraft("GW-OLD", "beta-sec", date(2025, 1, 1),
                                         date(2025, 12, 31), summaries, contact="x"),
                          world.ctx.now())
    refused(client.post(f"{API}/cases", headers=headers, json=case),
            "GW-OLD", "expired on 2025-12-31")
    with world.ctx.db.write() as tx:
        tx.agreements.add(AgreementDraft("GW-NEXT", "beta-sec", date(2027, 1, 1),
                                         date(2027, 12, 31), summaries, contact="x"),
                          world.ctx.now())
    refused(client.post(f"{API}/cases", headers=headers, json=case),
            "GW-NEXT", "valid only from 2027-01-01")
    envelope = {"objects": [{"type": "indicator", "spec_version": "2.1",
                             "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                             "created": "2026-05-01T00:00:00.000Z",
                             "modified": "2026-05-01T00:00:00.000Z", "pattern_type": "stix",
                             "pattern": "[ipv4-addr:value = '203.0.113.9']",
                             "valid_from": "2026-05-01T00:00:00Z"}]}
    collections = client.get(f"{POOL}/", headers={**headers, "Accept": TAXII}).json()
    inbox = next(c["id"] for c in collections["collections"] if c["can_write"])
    added = client.post(f"{POOL}/{inbox}/objects/", content=json.dumps(envelope),
                        headers={**headers, "Accept": TAXII, "Content-Type": TAXII})
    assert added.status_code == 403 and "GW-NEXT" in added.text


def test_outbound_is_what_owners_released_and_only_under_an_agreement(
        world: World, client: TestClient) -> None:
    admin = hub_admin(world)
    fr = bearer(world, "fr-cyber")
    for title, handling in [("For Acme", {"partners": ["acme-sec"]}),
                            ("Members only", {}),
                            ("Names people", {"personal_data": True})]:
        assert client.post(f"{API}/cases", headers=fr,
                           json=case_doc(title, **handling)).status_code == 201
    # Personal data cannot even be released to a partner: the handling is refused.
    assert client.post(f"{API}/cases", headers=fr, json=case_doc(
        "People for Acme", partners=["acme-sec"], personal_data=True)).status_code == 422
    acme = bearer(world, "acme-sec")
    export = client.get(f"{API}/export/cases", headers=acme, params={"format": "jsonl"})
    titles = [json.loads(x)["title"] for x in export.text.splitlines()
              if json.loads(x)["kind"] == "case"]
    assert titles == ["For Acme"]  # released to it by name; never personal data
    manifest = client.get(f"{API}/export/misp-feed/manifest.json", headers=acme).json()
    assert [m["info"] for m in manifest.values()] == ["For Acme"]
    found = client.get(f"{API}/search", headers=acme, params={"value": "185.220.101.4"}).json()
    assert [m["title"] for m in found["cases"]] == ["For Acme"]
    trail = client.get(f"{API}/audit", headers=acme).json()["items"]
    paths = {e["detail"]["path"] for e in trail if e["action"] == "gateway.transfer"}
    assert {"export:jsonl", "export:misp", "search"} <= paths
    agreement = client.get(f"{API}/agreements/ACME-2026-01", headers=admin).json()
    client.post(f"{API}/agreements/{agreement['id']}/end", headers=admin,
                json={"reason": "breach"})
    rule = ("ACME-2026-01", "was ended on")
    refused(client.get(f"{API}/export/cases", headers=acme), *rule)
    refused(client.get(f"{API}/export/misp-feed/manifest.json", headers=acme), *rule)
    refused(client.get(f"{API}/export/misp-feed/hashes.csv", headers=acme), *rule)
    some = next(iter(manifest))
    refused(client.get(f"{API}/export/misp-feed/{some}.json", headers=acme), *rule)
    refused(client.get(f"{API}/search", headers=acme, params={"value": "185.220.101.4"}), *rule)
    collections = client.get(f"{POOL}/", headers={**acme, "Accept": TAXII}).json()
    first = collections["collections"][0]["id"]
    objects = client.get(f"{POOL}/{first}/objects/", headers={**acme, "Accept": TAXII})
    assert objects.status_code == 403 and "ACME-2026-01" in objects.text


def test_partner_agreement_without_knowledge_gets_cases_but_no_taxii(
        world: World, client: TestClient) -> None:
    headers = partner(world, "beta-sec")
    with world.ctx.db.write() as tx:
        draft = open_agreement("beta-sec", "GW-BETA-1")
        cats = {k: v for k, v in draft.categories.items()
                if k is not DataCategory.THREAT_KNOWLEDGE}
        tx.agreements.add(AgreementDraft(draft.reference, "beta-sec", draft.valid_from,
                                         draft.valid_until, cats, contact="x"), world.ctx.now())
    assert client.get(f"{API}/export/cases", headers=headers).status_code == 200
    collections = client.get(f"{POOL}/", headers={**headers, "Accept": TAXII}).json()
    first = collections["collections"][0]["id"]
    objects = client.get(f"{POOL}/{first}/objects/", headers={**headers, "Accept": TAXII})
    assert objects.status_code == 403 and "outbound threat_knowledge" in objects.text


def test_agreement_pages_for_hub_admins(world: World, client: TestClient) -> None:
    hub_admin(world)
    login(client, "hub.admin", next="/agreements")
    listing = client.get("/agreements")
    assert listing.status_code == 200 and "ACME-2026-01" in listing.text
    assert "<script>" not in listing.text and 'class="tlp' in listing.text.lower()
    form = {"csrf_token": csrf_of(listing.text), "reference": "GW-ACME-2", "partner": "acme-sec",
            "valid_from": "2026-01-01", "valid_until": "2026-03-01", "contact": "dpo",
            "category.technical_indicators": "both", "onward_terms": "none"}
    bad = client.post("/agreements", data={**form, "valid_until": "2025-01-01"})
    assert bad.status_code == 422 and 'data-location="valid_until"' in bad.text
    made = client.post("/agreements", data=form, follow_redirects=False)
    assert made.status_code == 303
    detail = client.get(made.headers["location"])
    assert 'data-state="expired"' in detail.text
    ended = client.post(made.headers["location"] + "/end",
                        data={"csrf_token": csrf_of(detail.text), "reason": "superseded"})
    assert ended.status_code == 200 and "superseded" in ended.text
    client.cookies.clear()
    login(client, "fr-cyber.analyst", next="/cases")
    assert client.get("/agreements").status_code == 403


def test_agreement_commands(world: World) -> None:
    hub_admin(world)
    partner(world, "beta-sec")
    settings = world.ctx.settings
    base = ["--data-dir", str(settings.data_dir), "--database-url", settings.database_url,
            "agreement"]
    env = {"CYBERFUSION_WARNINGLISTS": "0", "CYBERFUSION_FAST_HASHING": "1"}
    run = CliRunner().invoke
    added = run(cli_app, [*base, "add", "--as", "hub.admin", "--reference", "GW-B-1",
                          "--partner", "beta-sec", "--from", "2026-01-01",
                          "--until", "2030-12-31", "--category", "technical_indicators=both",
                          "--category", "personal_data=inbound", "--contact", "dpo",
                          "--json"], env=env)
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["categories"] == {
        "personal_data": "inbound", "technical_indicators": "both"}
    bad = run(cli_app, [*base, "add", "--as", "hub.admin", "--reference", "GW-B-2",
                        "--partner", "beta-sec", "--from", "2026-01-01", "--until",
                        "2030-12-31", "--category", "personal_data=outbound",
                        "--contact", "dpo"], env=env)
    assert bad.exit_code != 0 and "categories.personal_data" in bad.output
    listed = run(cli_app, [*base, "list", "--as", "hub.admin"], env=env)
    assert "GW-B-1" in listed.output and "ACME-2026-01" in listed.output
    shown = run(cli_app, [*base, "show", "GW-B-1", "--as", "hub.admin"], env=env)
    assert "technical_indicators" in shown.output
    ended = run(cli_app, [*base, "end", "GW-B-1", "--as", "hub.admin", "--reason", "over"],
                env=env)
    assert ended.exit_code == 0 and "ended" in ended.output
    denied = run(cli_app, [*base, "list", "--as", "fr-cyber.analyst"], env=env)
    assert denied.exit_code != 0


def test_partner_reads_of_cases_and_lookups_need_an_agreement(
        world: World, client: TestClient) -> None:
    headers = partner(world, "beta-sec")
    rule = ("no gateway agreement", "beta-sec")
    refused(client.get(f"{API}/cases", headers=headers), *rule)
    refused(client.get(f"{API}/cases/1", headers=headers), *rule)
    refused(client.post(f"{API}/lookups", headers=headers,
                        json={"values": ["185.220.101.4"]}), *rule)
    refused(client.get(f"{API}/autocomplete", headers=headers, params={"prefix": "18"}),
            *rule)
    login(client, "beta-sec.analyst", next="/cases")
    page = client.get("/cases")
    assert page.status_code == 403 and "no gateway agreement" in page.text
    form = client.get("/cases/new")
    assert form.status_code == 200
    sent = client.post("/cases/new", data={
        "csrf_token": csrf_of(form.text), "title": "Partner case", "crime_type": "phishing",
        "summary": "Phishing kit", "countries": "FR", "tlp": "amber", "release": "members",
        "observables": "domain evil-payments.com phishing site"})
    assert sent.status_code == 403 and "no gateway agreement" in sent.text
    assert 'value="Partner case"' in sent.text  # the form comes back filled in


def test_a_partner_import_outside_its_agreement_lands_nothing(
        world: World, tmp_path: Path, monkeypatch: Any) -> None:
    from cyberfusion.formats.misp import decode
    monkeypatch.setattr(decode, "BATCH_BYTES", 1)  # one batch per event
    partner(world, "beta-sec")
    with world.ctx.db.write() as tx:
        tx.agreements.add(AgreementDraft(
            "GW-BETA-1", "beta-sec", date(2026, 1, 1), date(2026, 12, 31),
            {DataCategory.CASE_SUMMARIES: Direction.INBOUND}, contact="x"), world.ctx.now())
    folder = tmp_path / "feed"
    folder.mkdir()
    manifest = {}
    for n, attributes in enumerate([[], [{"type": "ip-dst", "category": "Network activity",
                                         "value": "203.0.113.7"}]]):
        uid = f"5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e{n:02d}"
        event = {"uuid": uid, "info": f"Event {n}", "date": "2026-05-01", "distribution": "3",
                 "timestamp": "1777777777", "Attribute": attributes}
        (folder / f"{uid}.json").write_text(json.dumps({"Event": event}))
        manifest[uid] = {"info": event["info"], "date": "2026-05-01", "timestamp": "1777777777"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    job = imports.submit_path(world.ctx, world.principals["beta-sec"], folder,
                              imports.ImportOptions())
    done = imports.run(world.ctx, job.id)
    assert done is not None and done.status == "failed" and "GW-BETA-1" in done.error
    with world.ctx.db.read() as tx:
        assert tx.cases.ids_after(world.principals["beta-sec"].org, world.ctx.now(),
                                  CaseFilter(), 0, 10)[0] == []


def test_partner_knowledge_and_network_reads_need_an_agreement_and_are_audited(
        world: World, client: TestClient) -> None:
    headers = partner(world, "beta-sec")
    rule = ("no gateway agreement", "beta-sec")
    for path in ("/entities", "/networks"):
        refused(client.get(f"{API}{path}", headers=headers), *rule)
    with world.ctx.db.write() as tx:
        draft = open_agreement("beta-sec", "GW-BETA-2")
        cases_only = {k: v for k, v in draft.categories.items()
                      if k is not DataCategory.THREAT_KNOWLEDGE}
        tx.agreements.add(AgreementDraft(draft.reference, "beta-sec", draft.valid_from,
                                         draft.valid_until, cases_only, contact="x"),
                          world.ctx.now())
    refused(client.get(f"{API}/entities", headers=headers), "threat_knowledge")
    assert client.get(f"{API}/networks", headers=headers).status_code == 200
    assert client.get(f"{API}/autocomplete", headers=headers,
                      params={"prefix": "ev"}).status_code == 200
    trail = client.get(f"{API}/audit", headers=headers).json()["items"]
    paths = {e["detail"]["path"] for e in trail if e["action"] == "gateway.transfer"
             and e["detail"]["agreement"] == "GW-BETA-2"}
    assert {"networks", "autocomplete"} <= paths
