"""Server-rendered pages in-process: login with CSRF, TLP banners, who-can-see, errors."""

from __future__ import annotations

import re

from conftest import NOW
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World, case_doc

from cyberfusion.formats.case_json import parse_case
from cyberfusion.services import cases


def make_case(world: World, org: str, title: str, **handling: object) -> int:
    doc = {**case_doc(**handling), "title": title}
    return cases.create_case(world.ctx, world.principals[org],
                             parse_case(doc, NOW.date(), 5)).id


def test_pages_need_login_and_redirect(client: TestClient) -> None:
    response = client.get("/cases", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fcases"


def test_pages_name_the_icon_the_server_serves(client: TestClient) -> None:
    icon = re.search(r'<link rel="icon" href="([^"]+)"', client.get("/login").text)
    assert icon is not None  # else browsers ask for /favicon.ico and log a 404
    response = client.get(icon.group(1))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_login_refuses_a_forged_form(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "fr-cyber.analyst",
                                           "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "cf_session" not in response.cookies


def test_wrong_password_shows_the_form_again(client: TestClient) -> None:
    form = client.get("/login").text
    token = csrf_of(form)
    response = client.post("/login", data={"username": "fr-cyber.analyst",
                                           "password": "nope-nope-nope", "csrf_token": token})
    assert response.status_code == 401 and "wrong username" in response.text


def test_case_page_has_banner_and_exact_audience(client: TestClient, world: World) -> None:
    red = make_case(world, "fr-cyber", "Red wallet case", tlp="red",
                    release=["org:fr-ncb"], hit_policy="silent")
    login(client, "fr-cyber.analyst")
    html = client.get(f"/cases/{red}").text
    assert 'data-tlp="TLP:RED"' in html
    audience = set(re.findall(r'data-org="([^"]+)" data-access="full"', html))
    assert audience == {"fr-cyber", "fr-ncb"}
    assert "<script>" not in html and "onclick" not in html


def test_lists_show_only_readable_cases_with_strictest_banner(
    client: TestClient, world: World
) -> None:
    make_case(world, "fr-cyber", "French only", release=["country:FR"], tlp="amber+strict")
    make_case(world, "de-cyber", "For all members", tlp="green")
    login(client, "de-cyber.analyst")
    html = client.get("/cases").text
    assert "For all members" in html and "French only" not in html
    assert 'data-tlp="TLP:GREEN"' in html
    dash = client.get("/").text
    assert 'data-count="cases">1<' in dash and "French only" not in dash


def test_search_page_shows_hits_without_content(client: TestClient, world: World) -> None:
    make_case(world, "fr-cyber", "Secret French case", release=["country:FR"])
    login(client, "br-cyber.analyst")
    html = client.get("/search", params={"value": "185.220.101[.]4"}).text
    assert "A match is held by <strong>FR Cybercrime Unit</strong>" in html
    assert "Secret French case" not in html
    bad = client.get("/search", params={"value": "bc1qnotavalidaddress", "type": "btc_wallet"})
    assert bad.status_code == 200 and 'class="error"' in bad.text


def test_hidden_case_page_is_404_html(client: TestClient, world: World) -> None:
    hidden = make_case(world, "fr-cyber", "Hidden", release=["country:FR"])
    login(client, "de-cyber.analyst")
    response = client.get(f"/cases/{hidden}")
    assert response.status_code == 404 and "Hidden" not in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_audit_page_for_auditors_and_logout(client: TestClient, world: World) -> None:
    make_case(world, "fr-cyber", "Audited", release=["country:FR"])
    login(client, "fr-cyber.analyst")
    html = client.get("/audit").text
    assert "case.create" in html
    csrf = csrf_of(html)
    assert client.post("/logout", data={"csrf_token": "bad"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_open_redirect_is_refused(client: TestClient) -> None:
    assert 'name="next" value="/"' in client.get("/login", params={"next": "//evil.example"}).text


def test_case_form_stores_a_case_and_guesses_types(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get("/cases/new").text)
    form = {"csrf_token": token, "title": "Sextortion wave", "crime_type": "sextortion",
            "countries": "fr, be", "summary": "Mails demand bitcoin.", "tlp": "amber",
            "release": "country:FR, country:BE", "hit_policy": "hit", "purpose": "investigation",
            "observables": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ransom wallet\n"
                           "email extort[@]mailbox.example sender address"}
    response = client.post("/cases/new", data=form, follow_redirects=False)
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    assert "Sextortion wave" in html and "extort@mailbox.example" in html
    assert "sender address" in html and "btc_wallet" in html


def test_case_form_shows_located_problems_and_keeps_input(client: TestClient) -> None:
    login(client, "fr-cyber.analyst")
    token = csrf_of(client.get("/cases/new").text)
    form = {"csrf_token": token, "title": "Bad", "crime_type": "bec", "tlp": "amber",
            "release": "members", "hit_policy": "hit", "purpose": "investigation",
            "observables": "iban DE89370400440532013001 mule account"}
    response = client.post("/cases/new", data=form)
    assert response.status_code == 422
    assert "observables, line 1 (value)" in response.text and "mod 97" in response.text
    assert "DE89370400440532013001" in response.text


def test_a_withdrawn_case_shows_its_state_and_date_and_leaves_the_list(
        client: TestClient, world: World) -> None:
    kept = make_case(world, "fr-cyber", "Kept case")
    gone = make_case(world, "fr-cyber", "Withdrawn <b>case</b>")
    cases.revoke_case(world.ctx, world.principals["fr-cyber"], gone, "sent in error")
    login(client, "de-cyber.analyst")  # a member reader, not the owner
    html = client.get(f"/cases/{gone}").text
    assert 'data-state="withdrawn"' in html
    assert f'datetime="{world.ctx.now().isoformat()}"' in html
    assert "Withdrawn <b>case</b>" not in html and "<script>" not in html
    listed = client.get("/cases").text
    assert f'href="/cases/{gone}"' not in listed and f'href="/cases/{kept}"' in listed
    every = client.get("/cases", params={"include_revoked": "true"}).text
    assert f'href="/cases/{gone}"' in every and "(withdrawn)" in every
    assert "checked" in every.split('name="include_revoked"')[1].split(">")[0]


def test_throttled_login_shows_the_form_with_the_wait(client: TestClient, world: World) -> None:
    token = csrf_of(client.get("/login").text)
    wrong = {"username": "de-cyber.analyst", "password": "nope-nope-nope", "csrf_token": token}
    for _ in range(world.ctx.settings.login_max_failures):
        assert client.post("/login", data=wrong).status_code == 401
    response = client.post("/login", data={**wrong, "password": PASSWORD})
    assert response.status_code == 429 and "cf_session" not in response.cookies
    assert int(response.headers["retry-after"]) > 0
    assert "too many failed logins" in response.text and 'name="password"' in response.text
