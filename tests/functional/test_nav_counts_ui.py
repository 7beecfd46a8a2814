"""The header counts unread hit notices and inbox notifications; duty officers land on the
inbox after logging in."""

from __future__ import annotations

import re

from channel_helpers import send
from conftest import NOW
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World, case_doc

from cyberfusion.domain.model import Role
from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, hits, orgs


def unread(html: str, kind: str) -> int:
    """The header's unread count for `kind` (0 when the badge is absent)."""
    found = re.search(rf'data-unread="{kind}">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_header_counts_unread_hits_and_inbox(client: TestClient, world: World) -> None:
    hidden = {**case_doc("Hidden French case", release=["country:FR"]), "countries": ["FR"]}
    cases.create_case(world.ctx, world.principals["fr-cyber"],
                      parse_case(hidden, NOW.date(), 5))
    login(client, "fr-cyber.analyst")
    page = client.get("/cases").text
    assert unread(page, "hits") == 0 and unread(page, "inbox") == 0
    cases.create_case(world.ctx, world.principals["de-cyber"],
                      parse_case(case_doc("German copy"), NOW.date(), 5))
    send(world.ctx, world.principals["de-cyber"], to="fr-cyber")
    page = client.get("/cases").text
    expected = len(hits.inbox(world.ctx, world.principals["fr-cyber"], unread_only=True))
    assert unread(page, "hits") == expected >= 1
    assert unread(page, "inbox") >= 1
    login(client, "br-cyber.analyst")
    other = client.get("/cases").text
    assert unread(other, "hits") == 0 and unread(other, "inbox") == 0


def _login(client: TestClient, username: str, next: str | None) -> str:
    token = csrf_of(client.get("/login").text)
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    if next is not None:
        data["next"] = next
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def test_duty_officers_land_on_the_inbox(client: TestClient, world: World) -> None:
    orgs.create_user(world.ctx, None, "fr-cyber.duty", "fr-cyber",
                     frozenset({Role.DUTY_OFFICER}), PASSWORD)
    assert _login(client, "fr-cyber.duty", None) == "/inbox"
    assert client.get("/inbox").status_code == 200
    client.cookies.clear()
    assert _login(client, "fr-cyber.duty", "/cases") == "/cases"
    client.cookies.clear()
    assert _login(client, "fr-cyber.analyst", None) == "/"
