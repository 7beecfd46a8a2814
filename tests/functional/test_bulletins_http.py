"""Bulletins over HTTP: the API workflow with located refusals, the public page and the Atom
feed without log-in (feed read by feedparser), the hub desk behind login, and the
dashboard page and API figures."""

from __future__ import annotations

import re
from typing import Any

import feedparser
from bulletin_support import SECOND, clear_case, family, second_hub_user
from conftest_http import bearer
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World

API = "/api/v1/bulletins"


def body(title: str = "Fake invoices target accountants", **extra: Any) -> dict[str, Any]:
    return {"title": title, "threat": "Mails with fake invoices carry a loader.\n\nThen "
            "ransomware follows.", "affected": "Accountants of small companies.",
            "actions": "Call the supplier back on a number you already know.", **extra}


def published(world: World, client: TestClient, **extra: Any) -> int:
    """A bulletin written by the hub analyst and approved and published by a second one."""
    second_hub_user(world.ctx)
    made = client.post(API, json=body(**extra), headers=bearer(world, "hub"))
    assert made.status_code == 201, made.text
    number: int = made.json()["id"]
    with TestClient(client.app) as other:
        login(other, SECOND, next="/hub/bulletins")
        drafts = other.get("/hub/bulletins?status=draft")
        assert drafts.status_code == 200 and f'data-bulletin="{number}"' in drafts.text
        assert f'data-bulletin="{number}"' not in other.get("/hub/bulletins?status=published").text
        page = other.get(f"/hub/bulletins/{number}")
        for step in ("approve", "publish"):
            done = other.post(f"/hub/bulletins/{number}/{step}",
                              data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
            assert done.status_code == 303, done.text
    return number


def test_anonymous_visitors_read_published_bulletins_and_the_feed(world: World,
                                                                  client: TestClient) -> None:
    lockbit = family(world.ctx)
    number = published(world, client, sources=[{"kind": "entity", "id": lockbit}])
    client.cookies.clear()
    listing = client.get("/bulletins")
    assert listing.status_code == 200
    assert 'data-tlp="TLP:CLEAR"' in listing.text and f"/bulletins/{number}" in listing.text
    one = client.get(f"/bulletins/{number}")
    assert one.status_code == 200
    assert '<h1 dir="auto">Fake invoices target accountants</h1>' in one.text
    assert "LockBit" in one.text and "hub.analyst" not in one.text
    assert "<script>" not in one.text.split("</head>")[1]
    feed = client.get("/bulletins/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id.endswith("/bulletins") and parsed.feed.updated
    entry = parsed.entries[0]
    assert entry.id.endswith(f"/bulletins/{number}")
    assert entry.title == "Fake invoices target accountants"
    assert entry.updated and entry.link.endswith(f"/bulletins/{number}")
    assert entry.summary.startswith("Mails with fake invoices")
    assert "What to do" in entry.content[0].value


def test_drafts_are_not_public_and_the_desk_needs_login(world: World,
                                                        client: TestClient) -> None:
    made = client.post(API, json=body(), headers=bearer(world, "hub")).json()
    assert client.get(f"/bulletins/{made['id']}").status_code == 404
    assert made["title"] not in client.get("/bulletins").text
    assert parsed_entries(client) == []
    desk = client.get("/hub/bulletins", follow_redirects=False)
    assert desk.status_code == 303 and desk.headers["location"].startswith("/login")
    assert client.get(f"/hub/bulletins/{made['id']}", follow_redirects=False).status_code == 303
    assert client.get(API).status_code == 401


def parsed_entries(client: TestClient) -> list[Any]:
    parsed = feedparser.parse(client.get("/bulletins/feed.atom").content)
    assert parsed.bozo == 0
    return list(parsed.entries)


def test_the_api_refuses_personal_data_and_non_clear_sources_with_locations(
        world: World, client: TestClient) -> None:
    amber = clear_case(world, tlp="amber")
    answer = client.post(API, json=body(affected="Write to victim.help@example.org",
                                        sources=[{"kind": "case", "id": amber}]),
                         headers=bearer(world, "hub"))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    errors = {e["location"]: e["detail"] for e in answer.json()["errors"]}
    assert "victim.help@example.org" in errors["affected"]
    assert "TLP:AMBER" in errors["sources[0]"]
    refused = client.post(API, json=body(), headers=bearer(world, "fr-ncb"))
    assert refused.status_code == 403


def test_the_author_cannot_approve_over_the_api(world: World, client: TestClient) -> None:
    made = client.post(API, json=body(), headers=bearer(world, "hub")).json()
    own = client.post(f"{API}/{made['id']}/approve", headers=bearer(world, "hub"))
    assert own.status_code == 403


def test_the_editor_shows_located_problems(world: World, client: TestClient) -> None:
    login(client, "hub.analyst", next="/hub/bulletins/new")
    form = client.get("/hub/bulletins/new")
    assert 'data-tlp="TLP:CLEAR"' in form.text
    answer = client.post("/hub/bulletins/new", data={
        **body(), "threat": "Call +44 20 7946 0958 now",
        "sources": "case 1\nreport 7", "csrf_token": csrf_of(form.text)})
    assert answer.status_code == 422
    assert "sources line 2" in answer.text
    ok = client.post("/hub/bulletins/new", data={
        **body(), "threat": "Call +44 20 7946 0958 now", "csrf_token": csrf_of(form.text)})
    assert ok.status_code == 422
    assert re.search(r"<code>threat</code>: <span dir=\"auto\">contains personal data: "
                     r"phone &#39;\+442079460958&#39;", ok.text)


def test_dashboard_page_and_api_show_the_same_series(world: World, client: TestClient) -> None:
    clear_case(world, "fr-cyber")
    clear_case(world, "de-cyber", tlp="red")
    stats = client.get("/api/v1/stats", headers=bearer(world, "fr-ncb")).json()
    assert stats["cases"] == 1
    assert [(p["key"], p["count"]) for p in stats["cases_by_region"]] == [("europe", 1)]
    assert [(p["key"], p["count"]) for p in stats["cases_by_crime_type"]] == [("ransomware", 1)]
    assert stats["request_response"] == {"count": 0, "median_seconds": None,
                                         "p90_seconds": None}
    login(client, "fr-ncb.analyst", next="/")
    page = client.get("/")
    row = re.search(r'<table class="grid series" data-series="region">.*?</table>', page.text,
                    re.S)
    assert row is not None and 'data-key="europe"' in row.group(0)
    assert re.search(r'data-key="europe">.*?<td class="r" data-total>1</td>', row.group(0),
                     re.S)


#: Open without a session: the login, the public bulletins, and the reports' stylesheet
#: (served from the report templates, like /static it holds no data).
PUBLIC_PAGES = {"/login", "/bulletins", "/bulletins/feed.atom", "/bulletins/{bulletin_id}",
                "/reports/report.css", "/language/{language}"}


def test_only_the_login_and_bulletin_pages_are_open_without_login(client: TestClient) -> None:
    routes = iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
    pages = sorted({str(r.path) for r in routes if isinstance(r.original_route, APIRoute)
                    and "GET" in r.original_route.methods
                    and not str(r.path).startswith(("/api/", "/taxii2/"))})
    assert set(pages) >= PUBLIC_PAGES and len(pages) > 20
    for path in pages:
        concrete = re.sub(r"\{[a-z_]+\}", "1", path)
        answer = client.get(concrete, follow_redirects=False)
        if path in PUBLIC_PAGES:
            assert answer.status_code in (200, 404) or (  # the switcher goes back to `next`
                path == "/language/{language}" and answer.status_code == 303), path
        else:
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login"), path
