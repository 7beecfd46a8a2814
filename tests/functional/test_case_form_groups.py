"""The case form stores an IBAN and a phone number typed in their printed groups (issue 16)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World


def test_case_form_takes_an_iban_and_a_phone_in_groups(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get("/cases/new").text)
    form = {"csrf_token": token, "title": "Faux conseiller", "crime_type": "other",
            "summary": "Virement vers un compte mule.", "tlp": "amber", "release": "members",
            "hit_policy": "hit", "purpose": "investigation",
            "observables": "FR76 3000 6000 0112 3456 7890 189 compte mule\n"
                           "+33\u00a06\u00a012\u00a034\u00a056\u00a078 faux conseiller"}
    response = client.post("/cases/new", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    html = client.get(response.headers["location"]).text
    assert "FR7630006000011234567890189" in html and "compte mule" in html
    assert "+33612345678" in html and "faux conseiller" in html
