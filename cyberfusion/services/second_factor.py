"""The second factor (TOTP) of one's own account: propose a secret, enrol it once the user's
app proves it has it, and turn it off only with a current code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import pyotp

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Principal, User
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

ISSUER = "cyberfusion"
_SECRET = re.compile(r"[A-Z2-7]{32}")
WRONG_CODE = "not the current code of your authenticator app; check its clock and try again"
NOT_ENROLLED = "two-step sign-in is not turned on for this account"
ALREADY_ENROLLED = "two-step sign-in is already on; turn it off first to enrol a new app"
BAD_SECRET = "the enrolment form was changed or is incomplete; reload the page"


@dataclass(frozen=True, slots=True)
class TotpProposal:
    """A new secret and its otpauth URI, shown to the user until they confirm a code."""

    secret: str
    uri: str


def code_ok(secret: str, code: str, now: datetime) -> bool:
    """Whether `code` is the current one-time code of `secret` (one step either side)."""
    return bool(code.strip()) and pyotp.TOTP(secret).verify(code.strip(), for_time=now,
                                                            valid_window=1)


def enrolled(ctx: Context, principal: Principal) -> bool:
    """Whether the principal's own account has a second factor now."""
    with ctx.db.read() as tx:
        return _secret(tx, tx_user(principal)) is not None


def propose(principal: Principal, secret: str | None = None) -> TotpProposal:
    """A fresh secret (or `secret` again, after a wrong code) with its provisioning URI."""
    require(principal, Permission.ACCOUNT)
    user = tx_user(principal)
    chosen = secret if secret and _SECRET.fullmatch(secret) else pyotp.random_base32()
    return TotpProposal(chosen, pyotp.TOTP(chosen).provisioning_uri(name=user.username,
                                                                    issuer_name=ISSUER))


def confirm(ctx: Context, principal: Principal, secret: str, code: str) -> None:
    """Enrol `secret` once `code` shows the user's app holds it; audited."""
    require(principal, Permission.ACCOUNT)
    user = tx_user(principal)
    if not _SECRET.fullmatch(secret):
        raise InvalidInput("bad enrolment", [Issue("secret", BAD_SECRET)])
    if not code_ok(secret, code, ctx.now()):
        raise InvalidInput("wrong code", [Issue("code", WRONG_CODE)])
    with ctx.db.write() as tx:
        if _secret(tx, user) is not None:
            raise InvalidInput("already enrolled", [Issue("code", ALREADY_ENROLLED)])
        tx.users.set_totp_secret(user.id, secret)
        audit.record(tx, ctx, principal, AuditAction.USER_UPDATE, "user", user.id,
                     detail={"totp": "enabled"})


def disable(ctx: Context, principal: Principal, code: str) -> None:
    """Turn the second factor off, only with a current code from the enrolled app; audited."""
    require(principal, Permission.ACCOUNT)
    user = tx_user(principal)
    with ctx.db.write() as tx:
        secret = _secret(tx, user)
        if secret is None:
            raise InvalidInput("not enrolled", [Issue("code", NOT_ENROLLED)])
        if not code_ok(secret, code, ctx.now()):
            raise InvalidInput("wrong code", [Issue("code", WRONG_CODE)])
        tx.users.set_totp_secret(user.id, None)
        audit.record(tx, ctx, principal, AuditAction.USER_UPDATE, "user", user.id,
                     detail={"totp": "disabled"})


def tx_user(principal: Principal) -> User:
    """The principal's user (a second factor belongs to a person, not to a token-less org)."""
    if principal.user is None:
        raise InvalidInput("no user", [Issue("user", "only a signed-in person has a second "
                                                     "factor")])
    return principal.user


def _secret(tx: Tx, user: User) -> str | None:
    """The stored secret of `user`, if it has one."""
    found = tx.users.credentials(user.username)
    return found.totp_secret if found is not None else None
