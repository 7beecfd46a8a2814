"""Bearer tokens: who they act as, and how often their last use is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW

from cyberfusion.domain.model import Organisation, OrgKind, Principal, Role
from cyberfusion.errors import AuthenticationFailed
from cyberfusion.services import auth
from cyberfusion.services.context import Context


def _analyst(ctx: Context) -> Principal:
    with ctx.db.write() as tx:
        tx.orgs.add(Organisation("fr-cyber", "FR", OrgKind.UNIT, "FR"), NOW)
        user = tx.users.add("ana", "fr-cyber", frozenset({Role.ANALYST}), "x", NOW)
        return auth.principal_for(tx, user)


def _last_used(ctx: Context, principal: Principal) -> object:
    return auth.list_tokens(ctx, principal)[0].last_used_at


def test_last_use_is_written_at_most_once_a_minute(sqlite_ctx: Context) -> None:
    who = _analyst(sqlite_ctx)
    secret = auth.issue_token(sqlite_ctx, who, "bench", frozenset({"read"})).secret
    assert _last_used(sqlite_ctx, who) is None
    assert auth.principal_from_token(sqlite_ctx, secret).org_id == "fr-cyber"
    assert _last_used(sqlite_ctx, who) == NOW
    sqlite_ctx.clock = lambda: NOW + timedelta(seconds=59)
    auth.principal_from_token(sqlite_ctx, secret)
    assert _last_used(sqlite_ctx, who) == NOW
    sqlite_ctx.clock = lambda: NOW + auth.TOKEN_TOUCH_INTERVAL
    auth.principal_from_token(sqlite_ctx, secret)
    assert _last_used(sqlite_ctx, who) == NOW + auth.TOKEN_TOUCH_INTERVAL


def test_unknown_and_expired_tokens_are_refused(sqlite_ctx: Context) -> None:
    who = _analyst(sqlite_ctx)
    secret = auth.issue_token(sqlite_ctx, who, "short", frozenset({"read"}), days=1).secret
    with pytest.raises(AuthenticationFailed):
        auth.principal_from_token(sqlite_ctx, secret + "x")
    sqlite_ctx.clock = lambda: NOW + timedelta(days=1)
    with pytest.raises(AuthenticationFailed):
        auth.principal_from_token(sqlite_ctx, secret)
