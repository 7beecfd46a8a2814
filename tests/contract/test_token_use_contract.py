"""Bearer tokens on both backends: last use written once per interval, refusals still exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import NOW
from fastapi.testclient import TestClient
from sqlalchemy import event

from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.services import auth, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app

INTERVAL = auth.TOKEN_TOUCH_INTERVAL


class Clock:
    """A test clock the test moves forward."""

    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


class TokenWrites:
    """Counts the UPDATE statements on the token table sent to the database."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        if statement.startswith("UPDATE API_TOKEN"):
            self.count += 1


@pytest.fixture
def setup(ctx: Context) -> Iterator[tuple[Context, Clock, TokenWrites, TestClient]]:
    """An analyst of one organisation, a driven clock, a write counter and an HTTP client."""
    clock, writes = Clock(), TokenWrites()
    ctx.clock = clock
    orgs.create_org(ctx, None, Organisation("fr-ncb", "FR", OrgKind.NCB, "FR", Region.EUROPE))
    orgs.create_user(ctx, None, "ana", "fr-ncb", frozenset({Role.ANALYST}), "a-long-password")
    event.listen(ctx.db.engine, "before_cursor_execute", writes)
    with TestClient(create_app(ctx)) as client:
        yield ctx, clock, writes, client
    event.remove(ctx.db.engine, "before_cursor_execute", writes)


def _token(ctx: Context, days: int = 90) -> tuple[int, dict[str, str]]:
    """A new read-write token of the analyst: its id and its Authorization header."""
    issued = auth.issue_token(ctx, auth.acting_as(ctx, "ana"), "ci",
                              frozenset({"read", "write"}), days)
    return issued.token.id, {"Authorization": f"Bearer {issued.secret}"}


def _last_used(ctx: Context) -> datetime | None:
    return auth.list_tokens(ctx, auth.acting_as(ctx, "ana"))[0].last_used_at


def test_requests_within_the_interval_write_the_last_use_once(
    setup: tuple[Context, Clock, TokenWrites, TestClient],
) -> None:
    ctx, clock, writes, client = setup
    _, bearer = _token(ctx)
    for second in range(0, 60, 3):  # 20 requests over 57 seconds
        clock.at = NOW + timedelta(seconds=second)
        assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert writes.count == 1
    assert _last_used(ctx) == NOW
    clock.at = NOW + INTERVAL
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert writes.count == 2
    assert _last_used(ctx) == NOW + INTERVAL


def test_a_stale_request_does_not_move_the_last_use_backwards(
    setup: tuple[Context, Clock, TokenWrites, TestClient],
) -> None:
    ctx, clock, _, client = setup
    token_id, bearer = _token(ctx)
    clock.at = NOW + 2 * INTERVAL
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    with ctx.db.write() as tx:  # a request that read the token before that one wrote
        tx.auth.touch_token(token_id, NOW + INTERVAL, NOW)
    assert _last_used(ctx) == NOW + 2 * INTERVAL


def test_revocation_and_expiry_refuse_at_once_within_the_interval(
    setup: tuple[Context, Clock, TokenWrites, TestClient],
) -> None:
    ctx, clock, _, client = setup
    token_id, bearer = _token(ctx)
    _, short = _token(ctx, days=1)
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    clock.at = NOW + timedelta(seconds=1)
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer).status_code == 204
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    clock.at = NOW + timedelta(days=1, seconds=-1)
    assert client.get("/api/v1/me", headers=short).status_code == 200
    clock.at = NOW + timedelta(days=1)
    assert client.get("/api/v1/me", headers=short).status_code == 401
