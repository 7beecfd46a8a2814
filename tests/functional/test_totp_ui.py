"""The account security page: enrol an authenticator app with its QR code, confirm with a
code, sign in with it, and turn it off only with a current code."""

from __future__ import annotations

import html as html_lib
import re

import pyotp
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import PASSWORD, World

from cyberfusion.services import audit


def _secret(html: str) -> str:
    found = re.search(r'id="totp-secret" dir="ltr">([A-Z2-7]{32})<', html)
    assert found, "no key on the page"
    return found.group(1)


def _code(world: World, secret: str) -> str:
    return pyotp.TOTP(secret).at(world.ctx.now())


def test_enrol_with_the_qr_code_then_sign_in_needs_the_code(
        client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    html = client.get("/settings/security").text
    assert 'data-tlp="TLP:RED"' in html and 'data-totp="off"' in html
    assert "<script>" not in html and re.search(r"<svg[^>]*>.*</svg>", html, re.S)
    secret = _secret(html)
    uri = re.search(r'id="totp-uri" dir="ltr">([^<]+)<', html)
    assert uri and pyotp.parse_uri(html_lib.unescape(uri.group(1))).secret == secret
    assert "fr-cyber.analyst" in html_lib.unescape(uri.group(1))
    token = csrf_of(html)
    wrong = client.post("/settings/security/totp", data={
        "csrf_token": token, "secret": secret, "code": "000000"})
    assert wrong.status_code == 422 and 'data-location="code"' in wrong.text
    assert _secret(wrong.text) == secret, "a wrong code keeps the scanned key"
    done = client.post("/settings/security/totp", follow_redirects=False, data={
        "csrf_token": token, "secret": secret, "code": _code(world, secret)})
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert 'data-totp="on"' in shown and "totp-secret" not in shown and "<svg" not in shown
    client.cookies.clear()
    form = csrf_of(client.get("/login").text)
    base = {"username": "fr-cyber.analyst", "password": PASSWORD, "csrf_token": form,
            "next": "/cases"}
    assert client.post("/login", data=base, follow_redirects=False).status_code == 401
    signed = client.post("/login", data={**base, "totp": _code(world, secret)},
                         follow_redirects=False)
    assert signed.status_code == 303
    trail = [e.detail for e in audit.org_trail(world.ctx, world.principals["fr-cyber"],
                                               ["user.update"])]
    assert {"totp": "enabled"} in trail


def test_turning_off_needs_a_current_code(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    html = client.get("/settings/security").text
    secret, token = _secret(html), csrf_of(html)
    client.post("/settings/security/totp", data={
        "csrf_token": token, "secret": secret, "code": _code(world, secret)})
    refused = client.post("/settings/security/totp/off", data={"csrf_token": token,
                                                              "code": "123456"})
    assert refused.status_code == 422 and 'data-totp="on"' in refused.text
    forged = client.post("/settings/security/totp/off", data={
        "csrf_token": "forged", "code": _code(world, secret)})
    assert forged.status_code == 403
    off = client.post("/settings/security/totp/off", follow_redirects=False, data={
        "csrf_token": token, "code": _code(world, secret)})
    assert off.status_code == 303
    assert 'data-totp="off"' in client.get(off.headers["location"]).text


def test_a_changed_key_or_a_second_enrolment_is_refused(
        client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    html = client.get("/settings/security").text
    token = csrf_of(html)
    bad = client.post("/settings/security/totp", data={
        "csrf_token": token, "secret": "not-base32", "code": "123456"})
    assert bad.status_code == 422 and 'data-location="secret"' in bad.text
    first = _secret(html)
    client.post("/settings/security/totp", data={
        "csrf_token": token, "secret": first, "code": _code(world, first)})
    other = pyotp.random_base32()
    again = client.post("/settings/security/totp", data={
        "csrf_token": token, "secret": other, "code": _code(world, other)})
    assert again.status_code == 422 and "already on" in again.text
    with world.ctx.db.read() as tx:
        creds = tx.users.credentials("fr-cyber.analyst")
    assert creds is not None and creds.totp_secret == first
