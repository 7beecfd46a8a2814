"""Authentication: argon2id passwords, TOTP, throttled logins, API tokens and web sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cyberfusion.domain import login_throttle
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.login_throttle import ThrottleLimits
from cyberfusion.domain.model import MIN_PASSWORD_LENGTH, Principal, StoredToken, User
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import (
    AuthenticationFailed,
    InvalidInput,
    Issue,
    NotFound,
    TooManyRequests,
)
from cyberfusion.services import audit, second_factor
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

TOKEN_PREFIX = "cf_"
SCOPES = frozenset({"read", "write", "admin"})
#: How stale a token's recorded last use may get before a request writes it again.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
_DUMMY_HASH_INPUT = "not a real password"
#: The dummy hash per argon2 parameter set, so unknown users cost one verification only.
_DUMMY_HASHES: dict[tuple[object, ...], str] = {}


def sha256_hex(secret: str) -> str:
    """How tokens and session ids are stored: never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new API token: the secret is shown once and never again."""

    secret: str
    token: StoredToken


@dataclass(frozen=True, slots=True)
class WebSession:
    """A live web session: the cookie value, its CSRF token and its user."""

    cookie: str
    csrf_token: str
    user: User


def hash_password(ctx: Context, password: str) -> str:
    """argon2id hash of `password` (rejects passwords under MIN_PASSWORD_LENGTH characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password too short", [
            Issue("password", f"use at least {MIN_PASSWORD_LENGTH} characters")])
    return ctx.hasher.hash(password)


def principal_for(tx: Tx, user: User, scopes: frozenset[str] = SCOPES) -> Principal:
    """The principal a user acts as (their organisation's access applies)."""
    org = tx.orgs.get(user.org_id)
    if org is None:
        raise AuthenticationFailed("the user's organisation no longer exists")
    return Principal(org=org, user=user, scopes=scopes)


def principal_of(ctx: Context, user: User) -> Principal:
    """The principal of a user who has just logged in (its organisation read afresh)."""
    with ctx.db.read() as tx:
        return principal_for(tx, user)


def acting_as(ctx: Context, username: str) -> Principal:
    """An active user's principal, for local operator tools acting on its behalf (CLI `--as`)."""
    with ctx.db.read() as tx:
        user = tx.users.by_username(username)
        if user is None or not user.active:
            raise NotFound(f"no active user {username!r} (see: cyberfusion user list)")
        return principal_for(tx, user)


def login(ctx: Context, username: str, password: str, totp: str, address: str) -> User:
    """Check password (and TOTP when enabled), throttled per address and per user.

    Unknown usernames do the same argon2 work as known ones (a fixed dummy hash), so
    neither the answer nor its time says whether the user exists.
    """
    with ctx.db.write() as tx:
        creds = tx.users.credentials(username)
        code_ok = bool(creds and creds.totp_secret
                       and second_factor.code_ok(creds.totp_secret, totp, ctx.now()))
        _throttle(ctx, tx, username, address, code_ok)
        ok = _password_ok(ctx, creds.password_hash if creds else None, password)
        if creds and creds.totp_secret:
            ok = ok and code_ok
        ok = ok and creds is not None and creds.user.active
        tx.auth.record_attempt(username, address, ok, ctx.now())
        if not ok or creds is None:
            audit.record(tx, ctx, None, AuditAction.LOGIN_FAILED, "user", username,
                         detail={"address": address})
        else:
            if ctx.hasher.check_needs_rehash(creds.password_hash):
                tx.users.set_password_hash(creds.user.id, ctx.hasher.hash(password))
            audit.record(tx, ctx, principal_for(tx, creds.user), AuditAction.LOGIN, "user",
                         creds.user.id, detail={"address": address})
            return creds.user
    raise AuthenticationFailed("wrong username, password or one-time code")


def throttle_limits(ctx: Context) -> ThrottleLimits:
    """The login throttling limits this instance is configured with."""
    s = ctx.settings
    return ThrottleLimits(window=timedelta(minutes=s.login_window_minutes),
                          address_delay_after=s.login_address_delay_after,
                          address_max_failures=s.login_address_max_failures,
                          user_max_failures=s.login_max_failures)


def _throttle(ctx: Context, tx: Tx, username: str, address: str, code_ok: bool) -> None:
    """Refuse (429) an attempt the throttling rule (domain.login_throttle) does not allow."""
    limits, now = throttle_limits(ctx), ctx.now()
    since = now - limits.window
    from_address = tx.auth.failures_from(address, since)
    for_user = tx.auth.failures_for(username, since)
    # The recognised-address look-up only matters once the user's limit is reached.
    trusted = code_ok or (for_user.count >= limits.user_max_failures
                          and tx.auth.has_logged_in_from(username, address))
    refusal = login_throttle.decide(limits, now, from_address, for_user, trusted)
    if refusal is not None:
        raise TooManyRequests(refusal.reason + "; wait and try again",
                              retry_after=refusal.retry_after)


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A fixed hash made with `hasher`'s own parameters, computed once per hasher."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len,
           hasher.salt_len, hasher.type)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(_DUMMY_HASH_INPUT)
    return _DUMMY_HASHES[key]


def _password_ok(ctx: Context, stored: str | None, password: str) -> bool:
    """Verify with one argon2 verification whether or not the user exists."""
    try:
        if stored is None:
            ctx.hasher.verify(_dummy_hash(ctx.hasher), password)
            return False
        return ctx.hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def enable_totp(ctx: Context, principal: Principal) -> str:
    """Give the user a new TOTP secret; returns the provisioning URI for an app."""
    require(principal, Permission.ACCOUNT)
    assert principal.user is not None
    secret = pyotp.random_base32()
    with ctx.db.write() as tx:
        tx.users.set_totp_secret(principal.user.id, secret)
        audit.record(tx, ctx, principal, AuditAction.USER_UPDATE, "user", principal.user.id,
                     detail={"totp": "enabled"})
    totp = pyotp.TOTP(secret)
    return totp.provisioning_uri(name=principal.user.username, issuer_name="cyberfusion")


def issue_token(
    ctx: Context, principal: Principal, name: str, scopes: frozenset[str], days: int = 90
) -> IssuedToken:
    """Create an API token for the principal's user, no wider than their own scopes."""
    require(principal, Permission.TOKEN_MANAGE)
    assert principal.user is not None
    bad = sorted(scopes - SCOPES)
    if bad or not scopes:
        raise InvalidInput("bad token scopes", [Issue("scopes", f"choose from {sorted(SCOPES)}")])
    if not 1 <= days <= 366:
        raise InvalidInput("bad expiry", [Issue("days", "between 1 and 366 days")])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = ctx.now()
    with ctx.db.write() as tx:
        stored = tx.auth.add_token(principal.user.id, name, sha256_hex(secret), secret[:10],
                                   scopes & principal.scopes, now, now + timedelta(days=days))
        audit.record(tx, ctx, principal, AuditAction.TOKEN_CREATE, "token", stored.id,
                     detail={"name": name, "scopes": sorted(stored.scopes)})
    return IssuedToken(secret, stored)


def principal_from_token(ctx: Context, secret: str) -> Principal:
    """The principal a bearer token acts as; AuthenticationFailed if unknown or expired.

    A read transaction: the token's last use is written at most once a minute, so API
    calls do not each queue behind the database's single writer.
    """
    with ctx.db.read() as tx:
        token = tx.auth.token_by_hash(sha256_hex(secret))
        now = ctx.now()
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            raise AuthenticationFailed("unknown, revoked or expired token")
        user = tx.users.get(token.user_id)
        if user is None or not user.active:
            raise AuthenticationFailed("the token's user is disabled")
        principal = principal_for(tx, user, token.scopes)
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        with ctx.db.write() as tx:
            tx.auth.touch_token(token.id, now, now - TOKEN_TOUCH_INTERVAL)
    return principal


def revoke_token(ctx: Context, principal: Principal, token_id: int) -> None:
    """Revoke one of the caller's own tokens; someone else's looks absent (NotFound)."""
    require(principal, Permission.TOKEN_MANAGE)
    assert principal.user is not None
    with ctx.db.write() as tx:
        if not tx.auth.revoke_token(token_id, principal.user.id, ctx.now()):
            raise NotFound(f"no token {token_id} of yours")
        audit.record(tx, ctx, principal, AuditAction.TOKEN_REVOKE, "token", token_id)


def list_tokens(ctx: Context, principal: Principal) -> list[StoredToken]:
    """The caller's tokens (metadata only)."""
    require(principal, Permission.TOKEN_MANAGE)
    assert principal.user is not None
    with ctx.db.read() as tx:
        return tx.auth.tokens_of(principal.user.id)


def start_session(ctx: Context, user: User) -> WebSession:
    """Open a web session after a successful login."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = ctx.now()
    with ctx.db.write() as tx:
        tx.auth.add_session(sha256_hex(cookie), user.id, csrf, now,
                            now + timedelta(hours=ctx.settings.session_hours))
    return WebSession(cookie, csrf, user)


def resolve_session(ctx: Context, cookie: str) -> tuple[Principal, str] | None:
    """(principal, CSRF token) of a live session cookie, or None."""
    with ctx.db.read() as tx:
        stored = tx.auth.session_by_hash(sha256_hex(cookie))
        if stored is None or stored.expires_at <= ctx.now():
            return None
        user = tx.users.get(stored.user_id)
        if user is None or not user.active:
            return None
        return principal_for(tx, user), stored.csrf_token


def end_session(ctx: Context, cookie: str, principal: Principal | None) -> None:
    """Log out: forget the session."""
    with ctx.db.write() as tx:
        tx.auth.delete_session(sha256_hex(cookie))
        if principal:
            audit.record(tx, ctx, principal, AuditAction.LOGOUT, "user",
                         principal.user.id if principal.user else "")


def csrf_ok(expected: str, given: str) -> bool:
    """Constant-time comparison of CSRF tokens."""
    return bool(given) and hmac.compare_digest(expected, given)
