"""API tokens, web sessions and login attempts (all stored as hashes, never in clear)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from cyberfusion.domain.login_throttle import Failures
from cyberfusion.domain.model import StoredToken
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import LoginAttemptRow, SessionRow, TokenRow


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A web session: whose, its CSRF token and its expiry."""

    user_id: int
    csrf_token: str
    expires_at: datetime


def _token(row: TokenRow) -> StoredToken:
    return StoredToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        scopes=frozenset(s for s in row.scopes.split(",") if s),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


class AuthRepo(Repo):
    """Reads and writes credentials other than passwords."""

    def add_token(
        self,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        scopes: frozenset[str],
        now: datetime,
        expires_at: datetime,
    ) -> StoredToken:
        """Store a new token's hash and metadata."""
        row = TokenRow(
            user_id=user_id,
            name=name,
            token_hash=token_hash,
            prefix=prefix,
            scopes=",".join(sorted(scopes)),
            created_at=now,
            expires_at=expires_at,
        )
        self._added(row)
        return _token(row)

    def token_by_hash(self, token_hash: str) -> StoredToken | None:
        """The token whose secret hashes to `token_hash`."""
        row = self.session.scalar(select(TokenRow).where(TokenRow.token_hash == token_hash))
        return _token(row) if row else None

    def touch_token(self, token_id: int, now: datetime, stale_at: datetime) -> None:
        """Record the token's last use if the stored one is `stale_at` or older (one UPDATE;
        concurrent requests neither write twice nor move the time backwards)."""
        self.session.execute(update(TokenRow).where(
            TokenRow.id == token_id,
            or_(TokenRow.last_used_at.is_(None), TokenRow.last_used_at <= stale_at),
        ).values(last_used_at=now))

    def tokens_of(self, user_id: int) -> list[StoredToken]:
        """A user's tokens, newest first."""
        query = select(TokenRow).where(TokenRow.user_id == user_id).order_by(TokenRow.id.desc())
        return [_token(r) for r in self.session.scalars(query)]

    def revoke_token(self, token_id: int, user_id: int, now: datetime) -> bool:
        """Revoke one of the user's tokens; False if it is not theirs."""
        row = self.session.get(TokenRow, token_id)
        if row is None or row.user_id != user_id:
            return False
        row.revoked_at = row.revoked_at or now
        return True

    def add_session(
        self, id_hash: str, user_id: int, csrf_token: str, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new web session."""
        self.session.add(
            SessionRow(
                id_hash=id_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def session_by_hash(self, id_hash: str) -> StoredSession | None:
        """The session whose cookie hashes to `id_hash`."""
        row = self.session.get(SessionRow, id_hash)
        if row is None:
            return None
        return StoredSession(row.user_id, row.csrf_token, row.expires_at)

    def delete_session(self, id_hash: str) -> None:
        """End a session (logout)."""
        self.session.execute(delete(SessionRow).where(SessionRow.id_hash == id_hash))

    def record_attempt(self, username: str, address: str, success: bool, now: datetime) -> None:
        """Remember one login attempt."""
        self.session.add(
            LoginAttemptRow(username=username, address=address, at=now, success=success)
        )

    def failures_from(self, address: str, since: datetime) -> Failures:
        """Failed attempts from this address since `since`, whatever the username."""
        return self._failures(LoginAttemptRow.address == address, since)

    def failures_for(self, username: str, since: datetime) -> Failures:
        """Failed attempts for this username since `since`, whatever the address."""
        return self._failures(LoginAttemptRow.username == username, since)

    def _failures(self, who: ColumnElement[bool], since: datetime) -> Failures:
        query = select(func.count(), func.min(LoginAttemptRow.at),
                       func.max(LoginAttemptRow.at)).where(
            who, LoginAttemptRow.success.is_(False), LoginAttemptRow.at >= since)
        count, oldest, newest = self.session.execute(query).one()
        return Failures(int(count or 0), oldest, newest)

    def has_logged_in_from(self, username: str, address: str) -> bool:
        """Whether this user has ever logged in from this address (a recognised address)."""
        query = select(LoginAttemptRow.id).where(
            LoginAttemptRow.username == username,
            LoginAttemptRow.address == address,
            LoginAttemptRow.success.is_(True),
        ).limit(1)
        return self.session.scalar(query) is not None
