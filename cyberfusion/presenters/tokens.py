"""Presenter of an API token: its metadata, and the secret only when it is issued."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.model import StoredToken
from cyberfusion.presenters.common import iso
from cyberfusion.services.auth import IssuedToken


class TokenDoc(TypedDict):
    """Token metadata (never the secret)."""

    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: str
    expires_at: str
    revoked: bool
    last_used_at: str | None


class IssuedTokenDoc(TokenDoc):
    """A new token with its secret (shown in this answer only)."""

    secret: str


def token_json(token: StoredToken) -> TokenDoc:
    """Token metadata (never the secret)."""
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "scopes": sorted(token.scopes), "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "revoked": token.revoked_at is not None, "last_used_at": iso(token.last_used_at)}


def issued_token_json(issued: IssuedToken) -> IssuedTokenDoc:
    """A new token with its secret (shown in this answer only)."""
    return {**token_json(issued.token), "secret": issued.secret}
