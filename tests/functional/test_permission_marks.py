"""The `@needs` marks tell the truth: a reader is refused (403) exactly where the mark says.

Every GET route is called by a reader (a read-only token on the API, a session on the
pages) with placeholder path values; the route answers 403 if and only if the table
refuses the reader the route's marked permission. Unknown ids may give 404, never 403.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from ui_support import login
from worlds import PASSWORD, World

from cyberfusion.domain.model import Principal, Role
from cyberfusion.domain.permissions import Permission, allowed, needed_by
from cyberfusion.services import auth, orgs

#: Streams that never end by themselves.
STREAMS = {"/api/v1/events"}


def marked_gets(client: TestClient) -> Iterator[tuple[str, Permission]]:
    """(path with placeholders filled, permission) of each marked GET route."""
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        original = route.original_route
        if not isinstance(original, APIRoute) or "GET" not in original.methods:
            continue
        permission = needed_by(original.endpoint)
        path = str(route.path)
        if permission is None or path in STREAMS:
            continue
        yield re.sub(r"\{[^}]+\}", "1", path), permission


def reader(world: World) -> Principal:
    """A reader of fr-cyber, with every scope (as a web session has)."""
    user = orgs.create_user(world.ctx, None, "fr.reader", "fr-cyber",
                            frozenset({Role.READER}), PASSWORD)
    with world.ctx.db.read() as tx:
        return auth.principal_for(tx, user)


def test_a_reader_is_refused_exactly_where_the_marks_say(client: TestClient,
                                                         world: World) -> None:
    principal = reader(world)
    read_only = Principal(principal.org, principal.user, frozenset({"read"}))
    token = auth.issue_token(world.ctx, principal, "read only", frozenset({"read"})).secret
    login(client, "fr.reader")
    checked, refused, checked_paths = 0, set(), set()
    for path, permission in marked_gets(client):
        api = path.startswith(("/api/", "/taxii2/"))
        who = read_only if api else principal
        headers = {"Authorization": f"Bearer {token}"} if api else {}
        status = client.get(path, headers=headers, follow_redirects=False).status_code
        assert (status == 403) == (not allowed(who, permission)), (path, permission, status)
        checked += 1
        checked_paths.add(path)
        if status == 403:
            refused.add(path)
    assert checked > 40
    assert {"/api/v1/audit", "/api/v1/webhooks", "/audit", "/cases/new", "/compose"} <= refused
    assert {"/api/v1/entities", "/api/v1/entities/1", "/api/v1/entities/1/relationships",
            "/api/v1/entities/1/cases", "/api/v1/entities/1/graph", "/entities",
            "/entities/1"} <= checked_paths - refused, "a reader reads entities"
