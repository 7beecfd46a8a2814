"""The case page does what the API does: edit, withdraw, grants, export, and says what a
submission matched, in-process through the forms as a browser would."""

from __future__ import annotations

import json
import re

from conftest import NOW
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases, grants


def make_case(world: World, org: str, title: str, **handling: object) -> int:
    doc = {**case_doc(**handling), "title": title}
    return cases.create_case(world.ctx, world.principals[org],
                             parse_case(doc, NOW.date(), 5)).id


def edit_form(client: TestClient, case_id: int) -> dict[str, str]:
    """The edit form's fields as the page fills them."""
    html = client.get(f"/cases/{case_id}/edit").text
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    if not re.search(r'name="personal_data" value="1" checked', html):
        del fields["personal_data"]
    fields["summary"] = re.search(r'name="summary"[^>]*>([^<]*)<', html).group(1)  # type: ignore[union-attr]
    fields["observables"] = re.search(  # type: ignore[union-attr]
        r'name="observables"[^>]*>([^<]*)<', html).group(1).replace("&#10;", "\n")
    for name in ("crime_type", "tlp", "hit_policy", "purpose"):
        fields[name] = re.search(  # type: ignore[union-attr]
            rf'name="{name}">.*?<option value="([^"]+)" selected', html, re.S).group(1)
    return fields


def test_owner_corrects_a_case_and_gets_a_new_version(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "Imported with the wrong type")
    login(client, "fr-cyber.analyst")
    page = client.get(f"/cases/{case_id}").text
    assert f'href="/cases/{case_id}/edit"' in page
    form = edit_form(client, case_id)
    assert form["countries"] == "FR" and form["first_seen"] == "2026-05-01"
    assert "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ransom wallet" in form["observables"]
    form.update(crime_type="online_fraud", countries="FR, BE", first_seen="2026-04-02",
                title="Corrected title")
    saved = client.post(f"/cases/{case_id}/edit", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    case = cases.get_case(world.ctx, world.principals["fr-cyber"], case_id)
    assert (case.version, case.crime_type.value) == (2, "online_fraud")
    assert case.countries == ("FR", "BE")
    assert case.first_seen is not None and case.first_seen.isoformat() == "2026-04-02"
    assert case.victim_sectors == ("health",)  # what the form does not show is kept
    assert len(case.occurrences) == 3
    assert "Saved as version 2" in client.get(saved.headers["location"]).text


def test_a_stale_edit_is_refused_and_errors_name_the_line(
    client: TestClient, world: World
) -> None:
    case_id = make_case(world, "fr-cyber", "Twice edited")
    login(client, "fr-cyber.analyst")
    form = edit_form(client, case_id)
    bad = {**form, "observables": form["observables"] + "\nipv4 999.1.1.1 C2"}
    refused = client.post(f"/cases/{case_id}/edit", data=bad)
    assert refused.status_code == 422 and "observables, line 4" in refused.text
    first = client.post(f"/cases/{case_id}/edit", data={**form, "title": "First"},
                        follow_redirects=False)
    assert first.status_code == 303
    stale = client.post(f"/cases/{case_id}/edit", data={**form, "title": "Second"})
    assert stale.status_code == 409 and "version 2, not 1" in stale.text
    assert cases.get_case(world.ctx, world.principals["fr-cyber"], case_id).title == "First"


def test_only_the_owner_edits_or_withdraws(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "French case for members", tlp="green")
    login(client, "de-cyber.analyst")
    page = client.get(f"/cases/{case_id}").text
    assert "/edit" not in page and "/withdraw" not in page and 'name="org_id"' not in page
    assert client.get(f"/cases/{case_id}/edit").status_code == 403
    token = csrf_of(client.get("/cases").text)
    refused = client.post(f"/cases/{case_id}/withdraw", data={"csrf_token": token})
    assert refused.status_code == 403
    assert not cases.get_case(world.ctx, world.principals["fr-cyber"], case_id).revoked


def test_withdraw_from_the_page(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "To withdraw")
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get(f"/cases/{case_id}").text)
    forged = client.post(f"/cases/{case_id}/withdraw", data={"csrf_token": "x"})
    assert forged.status_code == 403
    done = client.post(f"/cases/{case_id}/withdraw",
                       data={"csrf_token": token, "reason": "entered twice"})
    assert done.status_code == 200 and 'data-state="withdrawn"' in done.text
    assert f'href="/cases/{case_id}/edit"' not in done.text
    assert "To withdraw" not in client.get("/cases").text


def test_grants_added_listed_revoked_and_the_reader_told_until_when(
    client: TestClient, world: World
) -> None:
    case_id = make_case(world, "fr-cyber", "French only", release=["country:FR"])
    login(client, "de-cyber.analyst")
    assert client.get(f"/cases/{case_id}").status_code == 404
    login(client, "fr-cyber.analyst")
    page = client.get(f"/cases/{case_id}").text
    assert '<option value="de-cyber">DE Cybercrime Unit</option>' in page
    added = client.post(f"/cases/{case_id}/grants", data={
        "csrf_token": csrf_of(page), "org_id": "de-cyber", "reason": "after hit 42", "days": 30})
    assert added.status_code == 200
    assert re.search(r'data-grant-org="de-cyber" data-active="yes">\s*DE Cybercrime Unit',
                     added.text)
    login(client, "de-cyber.analyst")
    seen = client.get(f"/cases/{case_id}").text
    until = (NOW.date().toordinal() + 30)
    assert re.search(r"under a disclosure grant from FR Cybercrime Unit, until \d{4}-", seen)
    assert f'data-grant-until="{NOW.date().fromordinal(until).isoformat()}"' in seen
    grant = grants.list_grants(world.ctx, world.principals["fr-cyber"], case_id)[0]
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get(f"/cases/{case_id}").text)
    revoked = client.post(f"/cases/{case_id}/grants/{grant.id}/revoke",
                          data={"csrf_token": token})
    assert 'data-active="no"' in revoked.text
    login(client, "de-cyber.analyst")
    assert client.get(f"/cases/{case_id}").status_code == 404


def test_a_bad_grant_says_what_is_wrong(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "Grant me")
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get(f"/cases/{case_id}").text)
    bad = client.post(f"/cases/{case_id}/grants",
                      data={"csrf_token": token, "org_id": "de-cyber", "reason": " ", "days": 900})
    assert bad.status_code == 422 and "say why" in bad.text and "between 1 and 365" in bad.text


def test_export_links_download_the_case_in_each_format(
    client: TestClient, world: World
) -> None:
    case_id = make_case(world, "fr-cyber", "Exported case")
    other = make_case(world, "fr-cyber", "Not in this export")
    login(client, "fr-cyber.analyst")
    page = client.get(f"/cases/{case_id}").text
    formats = re.findall(r'data-export="([^"]+)"', page)
    assert {"csv", "jsonl", "misp", "stix21"} <= set(formats)
    for fmt in formats:
        got = client.get(f"/cases/{case_id}/export", params={"format": fmt})
        assert got.status_code == 200, fmt
        assert "attachment" in got.headers["content-disposition"]
        assert "Exported case" in got.text and "Not in this export" not in got.text
    bundle = json.loads(client.get(f"/cases/{case_id}/export?format=stix21").text)
    assert any(o.get("name") == "Exported case" for o in bundle["objects"])
    assert other != case_id


def test_export_of_an_unreadable_case_is_not_found(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "French only", release=["country:FR"])
    login(client, "de-cyber.analyst")
    got = client.get(f"/cases/{case_id}/export?format=csv")
    assert got.status_code == 404 and "French only" not in got.text


def test_submission_says_stored_and_what_it_matched(client: TestClient, world: World) -> None:
    readable = make_case(world, "de-cyber", "German members case", tlp="green")
    make_case(world, "br-cyber", "Brazilian case", release=["country:BR"])
    login(client, "fr-cyber.analyst", next="/cases/new")
    form = client.get("/cases/new").text
    response = client.post("/cases/new", data={
        "csrf_token": csrf_of(form), "title": "New French case", "crime_type": "ransomware",
        "observables": "btc_wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ransom wallet",
        "tlp": "amber", "release": "members", "hit_policy": "hit", "purpose": "investigation",
        "victim_count": "0"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?stored=1")
    page = client.get(response.headers["location"]).text
    assert "Stored." in page and 'data-matched="1"' in page
    assert f'href="/cases/{readable}"' in page and "German members case" in page
    assert 'data-held-by="br-cyber">BR Cybercrime Unit' in page
    assert "Brazilian case" not in page
    assert "Stored." not in client.get(response.headers["location"].split("?")[0]).text


def test_case_page_names_organisations_not_codes(client: TestClient, world: World) -> None:
    case_id = make_case(world, "fr-cyber", "Named handling", release=["org:de-cyber",
                        "region:europe"], exclude=["org:fr-ncb"], partners=["acme-sec"])
    login(client, "fr-cyber.analyst")
    html = client.get(f"/cases/{case_id}").text
    assert '<span data-token="org:de-cyber">DE Cybercrime Unit</span>' in html
    assert '<span data-token="region:europe">Europe</span>' in html
    assert '<span data-token="org:fr-ncb">NCB Paris</span>' in html
    assert '<span data-token="acme-sec">Acme Security</span>' in html
    rows = client.get("/cases").text
    assert 'data-owner="fr-cyber">FR Cybercrime Unit<' in rows
