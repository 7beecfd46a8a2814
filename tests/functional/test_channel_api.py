"""The channel over HTTP in-process: requests, Art. 29 refusals, attachments, SSE, directory,
webhooks, and the pages (compose, inbox, thread, duty board) with CSRF."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

from channel_helpers import ART29, admin, duty_directory, request_doc
from conftest_http import bearer
from fastapi.testclient import TestClient
from ui_support import csrf_of, login
from worlds import World

from cyberfusion.services import auth


def test_a_preservation_request_missing_an_art29_field_is_refused_with_the_field_named(
        client: TestClient, world: World) -> None:
    doc = request_doc()
    del doc["fields"]["necessity"]
    got = client.post("/api/v1/threads", json=doc, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422
    assert [e["location"] for e in got.json()["errors"]] == ["fields.necessity"]
    listed = client.get("/api/v1/threads", headers=bearer(world, "de-cyber")).json()
    assert listed["total"] == 0


def test_send_receive_acknowledge_over_the_api(client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    content = b"%PDF-1.4 not really\x00\xff"
    doc = request_doc(attachments=[{"filename": "note <1>.pdf", "media_type": "text/html",
                                    "content_base64": base64.b64encode(content).decode()}])
    sent = client.post("/api/v1/threads", json=doc, headers=fr)
    assert sent.status_code == 201 and sent.json()["status"] == "sent"
    tid = sent.json()["id"]
    view = client.get(f"/api/v1/threads/{tid}", headers=de).json()
    assert view["my_status"] == "delivered"
    message = view["messages"][0]
    assert message["verification"]["ok"] is True and message["details"]["fields"] == ART29
    attachment = message["attachments"][0]
    download = client.get(f"/api/v1/attachments/{attachment['id']}", headers=de)
    assert download.content == content
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-sha256"] == attachment["sha256"]
    assert client.get(f"/api/v1/attachments/{attachment['id']}",
                      headers=bearer(world, "hub")).status_code == 404
    acked = client.post(f"/api/v1/threads/{tid}/ack", json={"note": "on it"}, headers=de)
    assert acked.json()["my_status"] == "acknowledged"
    mine = client.get("/api/v1/threads", params={"box": "out"}, headers=fr).json()
    assert mine["items"][0]["status"] == "acknowledged"
    answered = client.post(f"/api/v1/threads/{tid}/answer", json={"body": "Preserved."},
                           headers=de)
    assert answered.status_code == 201 and answered.json()["my_status"] == "answered"


def test_attachment_over_the_limit_is_refused(client: TestClient, world: World) -> None:
    world.ctx.settings.attachment_max_bytes = 10
    doc = request_doc(attachments=[{"filename": "big.bin",
                                    "content_base64": base64.b64encode(b"x" * 11).decode()}])
    got = client.post("/api/v1/threads", json=doc, headers=bearer(world, "fr-cyber"))
    assert got.status_code == 422 and got.json()["errors"][0]["location"] == "attachments[0]"


def test_a_past_review_date_is_refused_on_send_and_reply(client: TestClient,
                                                         world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    past = {"tlp": "amber", "review_by": (world.ctx.now().date()
                                          - timedelta(days=1)).isoformat()}
    refused = client.post("/api/v1/threads", json=request_doc(handling=past), headers=fr)
    assert refused.status_code == 422
    assert [e["location"] for e in refused.json()["errors"]] == ["handling.review_by"]
    assert client.get("/api/v1/threads", headers=de).json()["total"] == 0
    tid = client.post("/api/v1/threads", json=request_doc(), headers=fr).json()["id"]
    reply = client.post(f"/api/v1/threads/{tid}/messages",
                        json={"body": "More.", "handling": past}, headers=fr)
    assert reply.status_code == 422
    assert [e["location"] for e in reply.json()["errors"]] == ["handling.review_by"]
    view = client.get(f"/api/v1/threads/{tid}", headers=de).json()
    assert [m["kind"] for m in view["messages"]] == ["request"]


def test_live_events_resume_after_the_last_event_id(client: TestClient, world: World) -> None:
    fr, de = bearer(world, "fr-cyber"), bearer(world, "de-cyber")
    client.post("/api/v1/threads", json=request_doc(), headers=fr)
    first = client.get("/api/v1/events", params={"after": 0, "timeout": 0}, headers=de)
    assert first.headers["content-type"].startswith("text/event-stream")
    ids = re.findall(r"^id: (\d+)$", first.text, re.M)
    assert len(ids) == 1 and "event: notification" in first.text
    client.post("/api/v1/threads", json=request_doc(), headers=fr)
    again = client.get("/api/v1/events", params={"timeout": 0},
                       headers={**de, "Last-Event-ID": ids[-1]})
    assert len(re.findall(r"^id: (\d+)$", again.text, re.M)) == 1
    inbox = client.get("/api/v1/inbox", headers=de).json()
    assert inbox["unread"] == 2
    # The stream sends each notification in the inbox's shape (one presenter for both).
    streamed = [json.loads(d) for d in re.findall(r"^data: (.*)$", first.text + again.text,
                                                  re.M)]
    assert streamed == sorted(inbox["items"], key=lambda n: n["id"])


def test_directory_duty_board_and_webhooks(client: TestClient, world: World) -> None:
    boss = admin(world, "de-cyber")
    token = {"Authorization": "Bearer " + auth.issue_token(
        world.ctx, boss, "t", frozenset({"read", "write"})).secret}
    put = client.put("/api/v1/directory/de-cyber", json=duty_directory("de-cyber"),
                     headers=token)
    assert put.status_code == 200 and len(put.json()["contacts"]) == 3
    refused = client.put("/api/v1/directory/fr-cyber", json=duty_directory("fr-cyber"),
                         headers=token)
    assert refused.status_code == 403
    bad = dict(duty_directory("de-cyber"))
    bad["shifts"] = [{"contact": "nobody", "start": "25:00"}]
    errors = client.put("/api/v1/directory/de-cyber", json=bad, headers=token).json()
    assert {e["location"] for e in errors["errors"]} == {"shifts[0].contact", "shifts[0].start"}
    board = client.get("/api/v1/duty", params={"country": "DE"},
                       headers=bearer(world, "fr-cyber")).json()["items"]
    on = {row["org_id"]: [c["name"] for c in row["primary"]] for row in board}
    assert on == {"de-cyber": ["de-cyber officer"], "de-ncb": []}
    hook = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"},
                       headers=token).json()
    assert hook["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=token).json()["items"]
    assert "secret" not in listed[0]
    prefs = client.put("/api/v1/notification-preferences", json={"flash": ["email"]},
                       headers=token).json()
    assert prefs == {"flash": ["email"], "urgent": [], "routine": []}


def test_pages_compose_acknowledge_and_duty_board(client: TestClient, world: World) -> None:
    login(client, "fr-cyber.analyst")
    form = client.get("/compose", params={"type": "preservation"}).text
    assert all(f'name="field_{name}"' in form for name in ART29)
    csrf = csrf_of(form)
    data = {"csrf_token": csrf, "type": "preservation", "to": "de-cyber",
            "priority": "urgent", "tlp": "amber", "subject": "Preserve the mailbox",
            **{f"field_{k}": v for k, v in ART29.items() if k != "location"}}
    refused = client.post("/compose", data=data)
    assert refused.status_code == 422 and 'data-location="fields.location"' in refused.text
    data["field_location"] = ART29["location"]
    sent = client.post("/compose", data=data, files={"files": ("a.txt", b"hello")},
                       follow_redirects=False)
    assert sent.status_code == 303
    thread_url = sent.headers["location"]
    client.post("/logout", data={"csrf_token": csrf})
    login(client, "de-cyber.analyst")
    inbox = client.get("/inbox").text
    assert "Preserve the mailbox" in inbox and 'data-status="delivered"' in inbox
    page = client.get(thread_url).text
    assert "signature verified" in page and "<script>" not in page
    csrf = csrf_of(page)
    forged = client.post(f"{thread_url}/ack", data={"csrf_token": "nope"})
    assert forged.status_code == 403
    client.post(f"{thread_url}/ack", data={"csrf_token": csrf})
    assert 'data-status="acknowledged"' in client.get(thread_url).text
    assert "Duty board" in client.get("/duty", params={"country": "FR"}).text
