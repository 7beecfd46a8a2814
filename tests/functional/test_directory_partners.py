"""What a partner sees of the 24/7 directory (issue 10, part 3): the hub's and its own
contacts only, unless an organisation opens its contacts to partners.

The leak this reproduces: a partner that sent a request read, on the thread (API and page),
the escalation steps naming the addressee's duty officer and backup with their addresses,
although the duty board and the directory route hid that directory from it.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from channel_helpers import admin, duty_directory, load_duty, send
from cli_support import cli_in, ok
from conftest import NOW
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.domain.channel import WITHHELD_TARGETS, Priority, RequestType
from cyberfusion.services import auth, escalation

#: What only de-cyber's directory holds: its officers' names and addresses.
SECRETS = ("de-cyber officer", "officer@de-cyber.test", "de-cyber backup",
           "backup@de-cyber.test", "desk@de-cyber.test")


def _escalated_request(world: World, sender: str) -> int:
    """`sender` asks de-cyber; nobody acknowledges; a day later every rung was taken."""
    ctx = world.ctx
    load_duty(ctx, "hub", "de-cyber", "acme-sec")
    thread = send(ctx, world.principals[sender], "de-cyber", RequestType.INFORMATION,
                  Priority.FLASH)
    ctx.clock = lambda: NOW + timedelta(days=1)
    assert escalation.sweep(ctx).escalated == 3
    return thread.id


def _ticked(html: str) -> bool:
    """Whether the settings page's "open to partners" box is ticked."""
    box = re.search(r'<input type="checkbox" name="open_to_partners"[^>]*>', html)
    assert box, "no open-to-partners box on the page"
    return "checked" in box.group(0)


def _open(client: TestClient, world: World, org_id: str, opened: bool) -> int:
    """An admin of `org_id` opens or closes its contacts to partners; the status code."""
    token = auth.issue_token(world.ctx, admin(world, org_id), "t",
                             frozenset({"read", "write"})).secret
    answer = client.put(f"/api/v1/directory/{org_id}/partner-access", json={"open": opened},
                        headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def test_a_partner_reads_no_officer_of_a_closed_directory_on_its_thread(
        client: TestClient, world: World) -> None:
    thread_id = _escalated_request(world, "acme-sec")
    shown = client.get(f"/api/v1/threads/{thread_id}", headers=bearer(world, "acme-sec"))
    login(client, "acme-sec.analyst")
    page = client.get(f"/threads/{thread_id}").text
    assert [s for s in SECRETS if s in shown.text] == []
    assert [s for s in SECRETS if s in page] == []
    steps = shown.json()["escalations"]
    assert [s["level"] for s in steps] == ["duty_officer", "backup", "hub"]
    assert steps[0]["targets"] == steps[1]["targets"] == [WITHHELD_TARGETS]
    assert "desk@hub.test" in " ".join(steps[2]["targets"])
    assert WITHHELD_TARGETS in page.replace("&#39;", "'")


def test_members_on_the_thread_still_read_whom_the_escalation_reached(
        client: TestClient, world: World) -> None:
    thread_id = _escalated_request(world, "fr-cyber")
    for reader in ("fr-cyber", "de-cyber"):
        shown = client.get(f"/api/v1/threads/{thread_id}", headers=bearer(world, reader))
        assert shown.json()["escalations"][0]["targets"] == [
            "duty officer: de-cyber officer officer@de-cyber.test"]


def test_opening_the_contacts_lets_partners_read_them_everywhere(
        client: TestClient, world: World) -> None:
    thread_id = _escalated_request(world, "acme-sec")
    partner = bearer(world, "acme-sec")
    assert client.get("/api/v1/directory/de-cyber", headers=partner).status_code == 404
    board = client.get("/api/v1/duty", headers=partner).json()["items"]
    assert [r["org_id"] for r in board] == ["hub", "acme-sec"]
    assert _open(client, world, "de-cyber", True) == 200
    opened = client.get("/api/v1/directory/de-cyber", headers=partner).json()
    assert opened["open_to_partners"] is True and len(opened["contacts"]) == 3
    board = client.get("/api/v1/duty", headers=partner).json()["items"]
    assert [r["org_id"] for r in board] == ["hub", "acme-sec", "de-cyber"]
    steps = client.get(f"/api/v1/threads/{thread_id}", headers=partner).json()["escalations"]
    assert steps[0]["targets"] == ["duty officer: de-cyber officer officer@de-cyber.test"]
    assert _open(client, world, "de-cyber", False) == 200
    assert client.get("/api/v1/directory/de-cyber", headers=partner).status_code == 404


def test_only_an_organisations_admins_open_its_contacts(client: TestClient,
                                                        world: World) -> None:
    assert _open(client, world, "fr-cyber", True) == 200
    analyst = client.put("/api/v1/directory/fr-cyber/partner-access", json={"open": False},
                         headers=bearer(world, "fr-cyber"))
    assert analyst.status_code == 403
    other = admin(world, "de-cyber")
    token = auth.issue_token(world.ctx, other, "t", frozenset({"read", "write"})).secret
    refused = client.put("/api/v1/directory/fr-cyber/partner-access", json={"open": False},
                         headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    shown = client.get("/api/v1/directory/fr-cyber", headers=bearer(world, "acme-sec"))
    assert shown.status_code == 200 and shown.json()["open_to_partners"] is True


def test_the_duty_page_and_settings_page_follow_the_setting(client: TestClient,
                                                            world: World) -> None:
    load_duty(world.ctx, "hub", "de-cyber")
    login(client, "acme-sec.analyst")
    page = client.get("/duty").text
    assert "officer@hub.test" in page and not [s for s in SECRETS if s in page]
    client.post("/logout", data={"csrf_token": csrf_of(page)})
    admin(world, "de-cyber")
    login(client, "de-cyber.admin")
    settings = client.get("/settings/notifications").text
    assert _ticked(settings) is False
    saved = client.post("/settings/partner-access", follow_redirects=False, data={
        "csrf_token": csrf_of(settings), "open_to_partners": "on"})
    assert saved.status_code == 303
    assert _ticked(client.get("/settings/notifications").text) is True
    client.post("/logout", data={"csrf_token": csrf_of(settings)})
    login(client, "acme-sec.analyst")
    assert "officer@de-cyber.test" in client.get("/duty").text


def test_the_duty_command_shows_a_partner_no_closed_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = cli_in(tmp_path, monkeypatch)
    for args in (("init",), ("org", "add", "hub", "Hub", "--kind", "hub"),
                 ("org", "add", "de-cyber", "DE unit", "--kind", "ncb", "--country", "DE"),
                 ("org", "add", "acme-sec", "Acme", "--kind", "partner")):
        ok(run(*args))
    ok(run("user", "add", "acme.analyst", "--org", "acme-sec", "--role", "analyst",
           "--password-stdin", stdin="correct horse battery staple\n"))
    for org_id in ("hub", "de-cyber", "acme-sec"):
        rota = tmp_path / f"{org_id}.json"
        rota.write_text(json.dumps(duty_directory(org_id)))
        ok(run("rota", "load", str(rota), "--org", org_id))
    operator = ok(run("duty", "--json")).output
    assert "officer@de-cyber.test" in operator
    partner = json.loads(ok(run("duty", "--as", "acme.analyst", "--json")).output)
    assert [r["org_id"] for r in partner["items"]] == ["hub", "acme-sec"]
    table = run("duty", "DE", "--as", "acme.analyst")
    assert table.exit_code == 1 and "no country DE" in table.output
