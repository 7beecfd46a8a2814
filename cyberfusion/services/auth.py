"""Authentication: argon2id passwords, TOTP, throttled logins, API tokens and web sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Principal, User
from cyberfusion.errors import AuthenticationFailed, InvalidInput, Issue, TooManyRequests
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.auth import StoredToken as StoredToken
from cyberfusion.store.tx import Tx

TOKEN_PREFIX = "cf_"
SCOPES = frozenset({"read", "write", "admin"})
#: How stale a token's recorded last use may get before a request writes it again.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
_DUMMY_HASH_INPUT = "not a real password"


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
    """argon2id hash of `password` (rejects passwords under 10 characters)."""
    if len(password) < 10:
        raise InvalidInput("password too short", [Issue("password", "use at least 10 characters")])
    return ctx.hasher.hash(password)


def principal_for(tx: Tx, user: User, scopes: frozenset[str] = SCOPES) -> Principal:
    """The principal a user acts as (their organisation's access applies)."""
    org = tx.orgs.get(user.org_id)
    if org is None:
        raise AuthenticationFailed("the user's organisation no longer exists")
    return Principal(org=org, user=user, scopes=scopes)


def login(ctx: Context, username: str, password: str, totp: str, address: str) -> User:
    """Check password (and TOTP when enabled), throttling repeated failures per user+address."""
    with ctx.db.write() as tx:
        _throttle(ctx, tx, username, address)
        creds = tx.users.credentials(username)
        ok = _password_ok(ctx, creds.password_hash if creds else None, password)
        if creds and ok and creds.totp_secret:
            code = pyotp.TOTP(creds.totp_secret)
            ok = code.verify(totp.strip(), for_time=ctx.now(), valid_window=1)
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


def _throttle(ctx: Context, tx: Tx, username: str, address: str) -> None:
    window = timedelta(minutes=ctx.settings.login_window_minutes)
    since = ctx.now() - window
    last_ok = tx.auth.last_success_at(username, address)
    if last_ok and last_ok > since:
        since = last_ok
    if tx.auth.failures_since(username, address, since) >= ctx.settings.login_max_failures:
        raise TooManyRequests("too many failed logins; wait and try again",
                              retry_after=int(window.total_seconds()))


def _password_ok(ctx: Context, stored: str | None, password: str) -> bool:
    """Verify in constant work whether or not the user exists."""
    try:
        if stored is None:
            ctx.hasher.verify(ctx.hasher.hash(_DUMMY_HASH_INPUT), password)
            return False
        return ctx.hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def enable_totp(ctx: Context, principal: Principal) -> str:
    """Give the user a new TOTP secret; returns the provisioning URI for an app."""
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
            tx.auth.touch_token(token.id, now)
    return principal


def revoke_token(ctx: Context, principal: Principal, token_id: int) -> None:
    """Revoke one of the caller's own tokens."""
    assert principal.user is not None
    with ctx.db.write() as tx:
        if not tx.auth.revoke_token(token_id, principal.user.id, ctx.now()):
            raise InvalidInput("no such token", [Issue("token_id", "not one of your tokens")])
        audit.record(tx, ctx, principal, AuditAction.TOKEN_REVOKE, "token", token_id)


def list_tokens(ctx: Context, principal: Principal) -> list[StoredToken]:
    """The caller's tokens (metadata only)."""
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
