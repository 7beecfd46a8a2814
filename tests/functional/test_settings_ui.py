"""The notifications settings page: channels per priority and webhooks, for admins only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World

from cyberfusion.domain.model import Role
from cyberfusion.services import directory, orgs


def _admin(world: World) -> None:
    orgs.create_user(world.ctx, None, "fr-cyber.admin", "fr-cyber", frozenset({Role.ADMIN}),
                     PASSWORD)


def ticked(html: str) -> set[str]:
    """Names of the ticked checkboxes of the page."""
    return set(re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*\bchecked\b', html))


def test_an_admin_ticks_channels_and_they_are_saved(client: TestClient, world: World) -> None:
    _admin(world)
    login(client, "fr-cyber.admin")
    html = client.get("/settings/notifications").text
    assert 'data-tlp="TLP:AMBER"' in html and "<script>" not in html
    done = client.post("/settings/notifications", follow_redirects=False, data={
        "csrf_token": csrf_of(html), "flash.email": "on", "flash.webhook": "on",
        "urgent.email": "on"})
    assert done.status_code == 303
    prefs = directory.get_prefs(world.ctx, world.principals["fr-cyber"])
    assert prefs["flash"] == {"email", "webhook"} and prefs["urgent"] == {"email"}
    assert not prefs["routine"]
    html = client.get(done.headers["location"]).text
    assert "Saved." in html and ticked(html) == {"flash.email", "flash.webhook", "urgent.email"}


def test_a_webhook_secret_is_shown_once_and_the_hook_can_be_turned_off(
        client: TestClient, world: World) -> None:
    _admin(world)
    login(client, "fr-cyber.admin")
    token = csrf_of(client.get("/settings/notifications").text)
    bad = client.post("/settings/webhooks", data={"csrf_token": token, "url": "ftp://x"})
    assert bad.status_code == 422 and 'data-location="url"' in bad.text
    added = client.post("/settings/webhooks", data={
        "csrf_token": token, "url": "https://soc.example.org/hook"})
    assert added.status_code == 201
    secret = re.search(r"<code>(whsec_[^<]+)</code>", added.text)
    assert secret and secret.group(1) not in client.get("/settings/notifications").text
    hook = re.search(r'data-webhook="(\d+)"', added.text)
    assert hook
    off = client.post(f"/settings/webhooks/{hook.group(1)}/off", data={"csrf_token": token},
                      follow_redirects=False)
    assert off.status_code == 303
    assert "<td>off</td>" in client.get("/settings/notifications").text


def test_others_see_the_channels_but_change_nothing(client: TestClient, world: World) -> None:
    before = directory.get_prefs(world.ctx, world.principals["fr-cyber"])
    login(client, "fr-cyber.analyst")
    html = client.get("/settings/notifications").text
    assert "Only your organisation's admins change these." in html
    assert "Webhooks" not in html and "add-webhook" not in html
    token = csrf_of(html)
    refused = client.post("/settings/notifications", data={"csrf_token": token,
                                                            "flash.email": "on"})
    assert refused.status_code == 403
    assert client.post("/settings/webhooks", data={
        "csrf_token": token, "url": "https://x.example/h"}).status_code == 403
    forged = client.post("/settings/notifications", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert directory.get_prefs(world.ctx, world.principals["fr-cyber"]) == before
    assert 'name="routine.email" value="on"' in html and 'disabled' in html
