"""Release, exclude and partner pickers name organisations; "who will see this" answers, with
and without script, exactly what the case page says once the case is stored."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World

from cyberfusion.domain.model import Role
from cyberfusion.services import orgs

FORM = {"title": "Picked handling", "crime_type": "ransomware", "tlp": "amber",
        "hit_policy": "hit", "purpose": "investigation", "victim_count": "0",
        "observables": "ipv4 185.220.101[.]4 C2 server"}


def listed(html: str, section: str) -> dict[str, str]:
    """org -> access in the list of the page part starting at `section`."""
    part = html.split(section, 1)[1]
    part = part.split("</ul>", 1)[0]
    return dict(re.findall(r'data-org="([^"]+)" data-access="([^"]+)"', part))


def test_pickers_offer_names_and_help(client: TestClient) -> None:
    login(client, "fr-cyber.analyst", next="/cases/new")
    html = client.get("/cases/new").text
    assert '<option value="org:de-cyber" >DE Cybercrime Unit</option>' in html
    assert '<option value="members" selected>all members</option>' in html
    assert '<option value="region:europe" >Europe</option>' in html
    assert '<option value="acme-sec" >Acme Security</option>' in html
    assert 'id="release-help"' in html and 'src="/static/audience.js"' in html


def test_preview_without_script_matches_the_stored_case(client: TestClient) -> None:
    login(client, "fr-cyber.analyst", next="/cases/new")
    token = csrf_of(client.get("/cases/new").text)
    data = {**FORM, "csrf_token": token, "release": ["country:FR", "org:br-cyber"],
            "exclude": ["org:fr-ncb"], "partners": ["acme-sec"]}
    shown = client.post("/cases/new", data={**data, "preview": "1"})
    assert shown.status_code == 200
    preview = listed(shown.text, 'id="audience"')
    assert preview["br-cyber"] == "full" and "fr-ncb" not in preview
    assert preview["acme-sec"] == "full" and preview.get("de-cyber") == "hit"
    assert '<option value="org:br-cyber" selected>' in shown.text
    stored = client.post("/cases/new", data=data, follow_redirects=False)
    assert stored.status_code == 303
    page = client.get(stored.headers["location"]).text
    assert listed(page, 'class="who-can-see"') == preview


def test_live_preview_endpoint_answers_and_locates_errors(client: TestClient) -> None:
    login(client, "de-cyber.analyst")
    got = client.get("/cases/audience", params={"tlp": "red", "release": ["org:de-ncb"],
                                                 "hit_policy": "silent"})
    assert got.status_code == 200
    assert {i["org"]: i["access"] for i in got.json()["items"]} == {
        "de-cyber": "full", "de-ncb": "full"}
    bad = client.get("/cases/audience", params={"release": ["planet:mars"]})
    assert bad.status_code == 422
    assert [i["location"] for i in bad.json()["issues"]] == ["handling.release[0]"]
    unknown = client.get("/cases/audience", params={"partners": ["de-cyber"]})
    assert unknown.status_code == 422
    assert "not a partner" in unknown.json()["issues"][0]["detail"]


def test_preview_needs_the_right_to_file_a_case(client: TestClient, world: World) -> None:
    orgs.create_user(world.ctx, None, "fr-cyber.reader", "fr-cyber",
                     frozenset({Role.READER}), PASSWORD)
    login(client, "fr-cyber.reader")
    assert client.get("/cases/audience").status_code == 403
