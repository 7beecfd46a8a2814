"""Communities over HTTP and the CLI (one presenter for both): threads, posts, moderation,
the library, meetings; 404 for non-members, 403 for members who do not moderate."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cli_support import Cli, cli_in, ok
from conftest_http import bearer
from fastapi.testclient import TestClient
from worlds import World

from cyberfusion.config import Settings
from cyberfusion.services import auth, communities
from cyberfusion.services.context import build_context

API = "/api/v1"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def forum(world: World) -> int:
    made = communities.create_community(world.ctx, None, "ransomware-forum",
                                        "Ransomware forum", "Response to ransomware", ("hub",))
    for org in ("fr-cyber", "de-cyber", "acme-sec"):
        communities.set_member(world.ctx, world.principals["hub"], made.id, org, "member")
    return made.id


def test_threads_posts_and_moderation_over_http(client: TestClient, world: World,
                                                forum: int) -> None:
    fr, de, hub = (bearer(world, o) for o in ("fr-cyber", "de-cyber", "hub"))
    made = client.post(f"{API}/communities/{forum}/threads", headers=fr, json={
        "title": "Keys in memory", "body": "Anyone?",
        "handling": {"tlp": "green", "partners": ["acme-sec"]}})
    assert made.status_code == 201, made.text
    thread = made.json()["thread"]
    assert thread["handling"]["hit_policy"] == "silent"
    assert made.headers["location"] == f"{API}/communities/threads/{thread['id']}"
    reply = client.post(f"{API}/communities/threads/{thread['id']}/posts", headers=de,
                        json={"body": "Yes, twice."})
    assert reply.status_code == 201 and reply.json()["signature"]["ok"] is True
    shown = client.get(f"{API}/communities/threads/{thread['id']}",
                       headers=bearer(world, "acme-sec")).json()
    assert [p["org_id"] for p in shown["posts"]] == ["fr-cyber", "de-cyber"]
    assert client.post(f"{API}/communities/threads/{thread['id']}/moderation", headers=fr,
                       json={"locked": True}).status_code == 403
    locked = client.post(f"{API}/communities/threads/{thread['id']}/moderation", headers=hub,
                         json={"locked": True, "pinned": True}).json()
    assert locked["locked"] and locked["pinned"]
    assert client.post(f"{API}/communities/threads/{thread['id']}/posts", headers=de,
                       json={"body": "late"}).status_code == 409
    br = bearer(world, "br-cyber")
    assert client.get(f"{API}/communities", headers=br).json() == {"items": []}
    assert client.get(f"{API}/communities/{forum}", headers=br).status_code == 404
    assert client.get(f"{API}/communities/threads/{thread['id']}",
                      headers=br).status_code == 404
    bad = client.post(f"{API}/communities/{forum}/threads", headers=fr,
                      json={"title": "", "body": "x", "handling": {"tlp": "purple"}})
    assert bad.status_code == 422
    assert {e["location"] for e in bad.json()["errors"]} == {"handling.tlp"}


def test_library_meetings_and_members_over_http(client: TestClient, world: World,
                                                forum: int) -> None:
    fr, hub = bearer(world, "fr-cyber"), bearer(world, "hub")
    raw = base64.b64encode(b"decryptor notes").decode()
    doc = client.post(f"{API}/communities/{forum}/library", headers=fr, json={
        "kind": "document", "title": "Notes", "filename": "notes.txt",
        "media_type": "text/plain", "content_base64": raw})
    assert doc.status_code == 201, doc.text
    got = client.get(f"{API}/communities/library/{doc.json()['id']}/document", headers=hub)
    assert got.content == b"decryptor notes"
    assert got.headers["x-content-sha256"] == doc.json()["sha256"]
    assert client.get(f"{API}/communities/library/{doc.json()['id']}/document",
                      headers=bearer(world, "acme-sec")).status_code == 404
    assert client.post(f"{API}/communities/{forum}/meetings", headers=fr, json={
        "title": "Call", "starts_at": "2026-07-01T14:00:00Z"}).status_code == 403
    meeting = client.post(f"{API}/communities/{forum}/meetings", headers=hub, json={
        "title": "Call", "starts_at": "2026-07-01T14:00:00Z", "agenda": "1. Keys"}).json()
    minutes = client.put(f"{API}/communities/meetings/{meeting['id']}/minutes", headers=hub,
                         json={"minutes": "Agreed."}).json()
    assert minutes["minutes"] == "Agreed."
    page = client.get(f"{API}/communities/{forum}", headers=fr).json()
    assert [m["id"] for m in page["meetings"]] == [meeting["id"]]
    assert [i["href"] for i in page["library"]] == [
        f"/api/v1/communities/library/{doc.json()['id']}/document"]
    added = client.post(f"{API}/communities/{forum}/members", headers=hub,
                        json={"org_id": "br-cyber"})
    assert added.status_code == 201 and "br-cyber" in {m["org_id"]
                                                       for m in added.json()["items"]}
    gone = client.delete(f"{API}/communities/{forum}/members/br-cyber", headers=hub)
    assert "br-cyber" not in {m["org_id"] for m in gone.json()["items"]}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    invoke = cli_in(tmp_path, monkeypatch)
    ok(invoke("init"))
    ok(invoke("org", "add", "hub", "Hub", "--kind", "hub"))
    ok(invoke("org", "add", "fr.ncb", "NCB Paris", "--kind", "ncb", "--country", "FR"))
    ok(invoke("org", "add", "fr.unit", "OFAC", "--kind", "unit", "--country", "FR",
              "--parent", "fr.ncb"))
    for name, org in (("hub.analyst", "hub"), ("fr.analyst", "fr.unit")):
        ok(invoke("user", "add", name, "--org", org, "--role", "analyst",
                  "--password-stdin", stdin=PASSWORD + "\n"))
    ctx = build_context(Settings(data_dir=tmp_path), fast_hashing=True)
    made = communities.create_community(ctx, None, "expert-group", "Expert group",
                                        "Police, academia, industry", ("hub",))
    with ctx.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
        assert user is not None
        hub = auth.principal_for(tx, user)
    communities.set_member(ctx, hub, made.id, "fr.unit", "member")
    ctx.db.dispose()
    return invoke


def test_cli_list_show_post_and_meeting(cli: Cli) -> None:
    listed = json.loads(ok(cli("community", "list", "--as", "fr.analyst", "--json")).stdout)
    [group] = listed["items"]
    assert group["role"] == "member" and group["threads"] == 0
    cid = str(group["id"])
    started = json.loads(ok(cli("community", "post", cid, "--as", "fr.analyst", "--title",
                                "Access brokers", "--body", "Seen any?", "--json")).stdout)
    thread = str(started["thread"]["id"])
    text = ok(cli("community", "post", cid, "--as", "hub.analyst", "--thread", thread,
                  "--body", "Three this month.")).stdout
    assert "signed and added" in text
    shown = ok(cli("community", "show", cid, "--as", "fr.analyst", "--thread",
                   thread)).stdout
    assert shown.count("verified") == 2 and "Three this month." in shown
    refused = cli("community", "meeting", cid, "--as", "fr.analyst", "--title", "Plenary",
                  "--starts", "2026-07-01T14:00Z")
    assert refused.exit_code == 1 and "moderators" in refused.output
    planned = ok(cli("community", "meeting", cid, "--as", "hub.analyst", "--title", "Plenary",
                     "--starts", "2026-07-01T14:00Z", "--agenda", "1. Trends")).stdout
    assert "planned for 2026-07-01 14:00 UTC" in planned
    page = json.loads(ok(cli("community", "show", cid, "--as", "fr.analyst",
                             "--json")).stdout)
    assert [t["title"] for t in page["threads"]] == ["Access brokers"]
    assert [m["title"] for m in page["meetings"]] == ["Plenary"]
    bad = cli("community", "meeting", cid, "--as", "hub.analyst", "--title", "X",
              "--starts", "tomorrow")
    assert bad.exit_code == 2 and "starts_at" in bad.output


def test_moderators_use_the_pages_to_lock_add_members_and_plan(client: TestClient,
                                                               world: World,
                                                               forum: int) -> None:
    ctx = world.ctx
    with ctx.db.read() as tx:
        user = tx.users.by_username("hub.analyst")
    assert user is not None
    session = auth.start_session(ctx, user)
    client.cookies.set("cf_session", session.cookie)
    csrf = session.csrf_token
    made = client.post(f"/communities/{forum}/threads", data={
        "csrf_token": csrf, "title": "Plenary prep", "body": "Topics?", "tlp": "green",
        "partners": "acme-sec"}, follow_redirects=False)
    assert made.status_code == 303
    thread = made.headers["location"]
    page = client.get(thread)
    assert 'id="moderation"' in page.text and 'data-tlp="TLP:GREEN"' in page.text
    assert client.post(f"{thread}/moderation", data={"csrf_token": csrf, "action": "lock"},
                       follow_redirects=False).status_code == 303
    assert 'id="locked"' in client.get(thread).text
    bad = client.post(f"/communities/{forum}/meetings", data={
        "csrf_token": csrf, "title": "Call", "starts_at": "soon"})
    assert bad.status_code == 422 and "starts_at" in bad.text
    assert client.post(f"/communities/{forum}/meetings", data={
        "csrf_token": csrf, "title": "Call", "starts_at": "2026-07-01T14:00Z",
        "agenda": "1. Keys"}, follow_redirects=False).status_code == 303
    assert client.post(f"/communities/{forum}/members", data={
        "csrf_token": csrf, "org_id": "br-cyber", "role": "member"},
        follow_redirects=False).status_code == 303
    shown = client.get(f"/communities/{forum}").text
    assert 'data-member="br-cyber"' in shown and "data-meeting=" in shown
    upload = client.post(f"/communities/{forum}/library", data={
        "csrf_token": csrf, "kind": "document", "title": "Keys list", "tlp": "amber"},
        files={"document": ("keys.txt", b"k1 k2", "text/plain")}, follow_redirects=False)
    assert upload.status_code == 303
    assert "Keys list" in client.get(f"/communities/{forum}").text
    client.cookies.clear()
