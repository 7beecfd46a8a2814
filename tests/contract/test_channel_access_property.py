"""Channel access property suite: on random worlds of organisations and threads, the SQL form
agrees with `can_read_thread`, and no read path (list, count, get, attachment, inbox,
live events, pages) shows or counts a thread not addressed to the viewer, the hub included.

Runs CYBERFUSION_CHANNEL_EXAMPLES worlds (default 12); raise it for a longer run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from access_worlds import client_of, organisations
from conftest import NOW
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cyberfusion.domain.channel import (
    AttachmentIn,
    Draft,
    Priority,
    RequestType,
    ThreadRef,
    can_read_thread,
)
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.model import Organisation, Principal, Role
from cyberfusion.services import auth, channel, channel_actions, escalation
from cyberfusion.services.context import Context
from cyberfusion.store.channel_sql import readable_clause
from cyberfusion.store.tables_channel import ThreadRow

EXAMPLES = int(os.environ.get("CYBERFUSION_CHANNEL_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
H = Handling(tlp=TLP.AMBER, release=frozenset(), review_by=NOW.date() + timedelta(days=400))


@dataclass
class ThreadSpec:
    """One random thread: sender, addressees, priority, whether someone acknowledges it."""

    sender: str
    to: list[str]
    priority: Priority
    acked: bool
    subject: str
    id: int = 0
    attachment_ids: list[int] = field(default_factory=list)

    @property
    def ref(self) -> ThreadRef:
        return ThreadRef(self.id, self.sender, frozenset(self.to))


@st.composite
def channel_worlds(draw: st.DrawFn) -> tuple[list[Organisation], list[ThreadSpec]]:
    """Organisations (always a hub) and 1-6 threads between them."""
    orgs = draw(organisations())
    ids = [o.id for o in orgs]
    threads = []
    for i in range(draw(st.integers(1, 6))):
        sender = draw(st.sampled_from(ids))
        others = [o for o in ids if o != sender]
        to = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        threads.append(ThreadSpec(sender, to, draw(st.sampled_from(list(Priority))),
                                  draw(st.booleans()), f"subj{i:03d}qx"))
    return orgs, threads


def store(ctx: Context, orgs: list[Organisation], threads: list[ThreadSpec],
          sweep: bool = True) -> dict[str, Principal]:
    """Organisations, one analyst each, the threads, acks, and (`sweep`) the escalations
    ten days later, which tell the hub about threads it is not part of."""
    principals = {}
    with ctx.db.write() as tx:
        for org in orgs:
            tx.orgs.add(org, NOW)
        for org in orgs:
            user = tx.users.add(f"{org.id}.u", org.id, frozenset({Role.ANALYST}), "x", NOW)
            principals[org.id] = auth.principal_for(tx, user)
    for spec in threads:
        draft = Draft(tuple(spec.to), RequestType.MESSAGE, spec.priority, spec.subject,
                      f"body of {spec.subject}", H,
                      attachments=(AttachmentIn(f"{spec.subject}.txt", "text/plain", b"x"),))
        thread = channel.send(ctx, principals[spec.sender], draft)
        spec.id = thread.id
        view = channel.get_thread(ctx, principals[spec.sender], thread.id)
        spec.attachment_ids = [a.id for m in view.messages for a in m.attachments]
        if spec.acked:
            channel_actions.acknowledge(ctx, principals[spec.to[0]], thread.id)
    if sweep:
        later = NOW + timedelta(days=10)
        ctx.clock = lambda: later
        escalation.sweep(ctx)
    return principals


@given(data=st.data())
@SETTINGS
def test_sql_form_agrees_with_can_read_thread(fresh: Callable[[], Context],
                                              data: st.DataObject) -> None:
    ctx = fresh()
    orgs, threads = data.draw(channel_worlds())
    store(ctx, orgs, threads, sweep=False)
    with ctx.db.read() as tx:
        for org in orgs:
            sql = set(tx.session.scalars(select(ThreadRow.id).where(readable_clause(org.id))))
            assert sql == {t.id for t in threads if can_read_thread(org.id, t.ref)}, org.id


def client_for(ctx: Context, principal: Principal) -> tuple[TestClient, dict[str, str]]:
    """A client with a bearer token and a web session of the principal's user."""
    assert principal.user is not None
    token = auth.issue_token(ctx, principal, "t", frozenset({"read"})).secret
    client = client_of(ctx, auth.start_session(ctx, principal.user).cookie)
    return client, {"Authorization": f"Bearer {token}"}


@given(data=st.data())
@SETTINGS
def test_no_read_path_shows_a_thread_to_others(fresh: Callable[[], Context],
                                               data: st.DataObject) -> None:
    ctx = fresh()
    orgs, threads = data.draw(channel_worlds())
    principals = store(ctx, orgs, threads)
    viewers = {"hub", data.draw(st.sampled_from([o.id for o in orgs]))}
    for viewer in sorted(viewers):
        seen = [t for t in threads if can_read_thread(viewer, t.ref)]
        hidden = [t for t in threads if not can_read_thread(viewer, t.ref)]
        client, headers = client_for(ctx, principals[viewer])
        check_api(client, headers, seen, hidden)
        check_notifications(client, headers, seen, hidden)
        check_pages(client, seen, hidden)


def check_api(client: TestClient, h: dict[str, str], seen: list[ThreadSpec],
              hidden: list[ThreadSpec]) -> None:
    for box in ("all", "in", "out"):
        listed = client.get("/api/v1/threads", params={"box": box, "limit": 200},
                            headers=h).json()
        assert {t["id"] for t in listed["items"]} <= {t.id for t in seen}
        assert listed["total"] == len(listed["items"])
    listed = client.get("/api/v1/threads", params={"limit": 200}, headers=h).json()
    assert {t["id"] for t in listed["items"]} == {t.id for t in seen}
    for spec in seen + hidden:
        wanted = 200 if spec in seen else 404
        assert client.get(f"/api/v1/threads/{spec.id}", headers=h).status_code == wanted
        for aid in spec.attachment_ids:
            assert client.get(f"/api/v1/attachments/{aid}", headers=h).status_code == wanted
        for action in ("ack", "close"):
            got = client.post(f"/api/v1/threads/{spec.id}/{action}", headers=h)
            assert got.status_code in ((403,) if spec in seen else (403, 404))


def check_notifications(client: TestClient, h: dict[str, str], seen: list[ThreadSpec],
                        hidden: list[ThreadSpec]) -> None:
    notes = client.get("/api/v1/inbox", params={"limit": 500}, headers=h).json()["items"]
    stream = client.get("/api/v1/events", params={"after": 0, "timeout": 0}, headers=h).text
    streamed = [json.loads(line[6:]) for line in stream.splitlines()
                if line.startswith("data: ")]
    assert {n["id"] for n in streamed} == {n["id"] for n in notes}
    allowed = {t.id for t in seen}
    for note in notes:
        assert note["thread_id"] is None or note["thread_id"] in allowed
        for spec in hidden:
            assert spec.subject not in note["title"] and f"#{spec.id} " not in note["title"]


def check_pages(client: TestClient, seen: list[ThreadSpec], hidden: list[ThreadSpec]) -> None:
    html = client.get("/inbox").text + client.get("/inbox", params={"box": "in"}).text
    for spec in seen:
        assert spec.subject in html
    for spec in hidden:
        assert spec.subject not in html
        assert client.get(f"/threads/{spec.id}").status_code == 404
