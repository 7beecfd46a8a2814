"""Headers on every answer: Permissions-Policy, no-store when logged in, Secure cookies on HTTPS."""

from __future__ import annotations

import pytest
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of
from worlds import PASSWORD, World

from cyberfusion.web.app import create_app


def _login_cookie(client: TestClient, **headers: str) -> str:
    """The Set-Cookie header of a successful form login (the form's cookie sent back by hand:
    a client on plain HTTP keeps a Secure one to itself, a browser behind the proxy would not)."""
    form = client.get("/login", headers=headers)
    csrf_cookie = form.headers["set-cookie"].split(";")[0]
    got = client.post("/login", data={"username": "fr-cyber.analyst", "password": PASSWORD,
                                      "csrf_token": csrf_of(form.text), "next": "/cases"},
                      headers={**headers, "cookie": csrf_cookie}, follow_redirects=False)
    assert got.status_code == 303
    return next(v for v in got.headers.get_list("set-cookie") if v.startswith("cf_session="))


@pytest.mark.parametrize("url", ["/login", "/api/v1/health", "/api/v1/nowhere",
                                 "/static/app.css", "/cases"])
def test_every_answer_denies_device_features(client: TestClient, url: str) -> None:
    policy = client.get(url, follow_redirects=False).headers["permissions-policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_answers_to_a_bearer_token_are_never_stored(client: TestClient, world: World) -> None:
    headers = bearer(world, "fr-cyber")
    for url in ("/api/v1/me", "/api/v1/cases", "/api/v1/cases/999"):
        assert client.get(url, headers=headers).headers["cache-control"] == "no-store", url
    assert "cache-control" not in client.get("/api/v1/health").headers


def test_logged_in_pages_and_the_login_answer_are_never_stored(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": "fr-cyber.analyst", "password": PASSWORD,
                                         "csrf_token": token, "next": "/cases"},
                         follow_redirects=False)
    assert answer.headers["cache-control"] == "no-store"  # it sets the session cookie
    for url in ("/cases", "/inbox", "/imports"):
        assert client.get(url).headers["cache-control"] == "no-store", url
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_session_cookie_is_secure_over_https_only_by_default(world: World) -> None:
    app = create_app(world.ctx)
    assert "secure" not in _login_cookie(TestClient(app)).lower()
    assert "; secure" in _login_cookie(TestClient(app, base_url="https://testserver")).lower()
    # A proxy's word counts only when the operator says to trust it.
    said = {"x-forwarded-proto": "https"}
    assert "secure" not in _login_cookie(TestClient(app), **said).lower()
    world.ctx.settings.trust_proxy_headers = True
    assert "; secure" in _login_cookie(TestClient(app), **said).lower()
    assert "; secure" in _login_cookie(TestClient(app), forwarded='for=1.2.3.4;proto="https"'
                                       ).lower()


@pytest.mark.parametrize(("setting", "base", "secure"), [
    ("always", "http://testserver", True), ("never", "https://testserver", False)])
def test_cookie_secure_always_and_never(world: World, setting: str, base: str,
                                        secure: bool) -> None:
    world.ctx.settings.cookie_secure = setting  # type: ignore[assignment]
    cookie = _login_cookie(TestClient(create_app(world.ctx), base_url=base))
    assert ("; secure" in cookie.lower()) is secure

