"""Users: rows <-> `domain.model.User`; password hashes never leave this module's callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cyberfusion.domain.model import Role, User
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import UserRow


@dataclass(frozen=True, slots=True)
class Credentials:
    """What login needs: the user, the password hash and the TOTP secret."""

    user: User
    password_hash: str
    totp_secret: str | None


def to_user(row: UserRow) -> User:
    """Map a row to the domain object."""
    return User(
        id=row.id,
        username=row.username,
        org_id=row.org_id,
        roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        display_name=row.display_name,
        active=row.active,
        totp_enabled=bool(row.totp_secret),
        language=row.language or "",
    )


class UserRepo(Repo):
    """Reads and writes users."""

    def add(
        self,
        username: str,
        org_id: str,
        roles: frozenset[Role],
        password_hash: str,
        now: datetime,
        display_name: str = "",
    ) -> User:
        """Insert a user and return it with its id."""
        row = UserRow(
            username=username,
            org_id=org_id,
            roles=",".join(sorted(r.value for r in roles)),
            password_hash=password_hash,
            display_name=display_name,
            active=True,
            created_at=now,
        )
        self._added(row)
        return to_user(row)

    def get(self, user_id: int) -> User | None:
        """The user with `user_id`, or None."""
        row = self.session.get(UserRow, user_id)
        return to_user(row) if row else None

    def by_username(self, username: str) -> User | None:
        """The user called `username`, or None."""
        row = self._row(username)
        return to_user(row) if row else None

    def credentials(self, username: str) -> Credentials | None:
        """User, password hash and TOTP secret, for login."""
        row = self._row(username)
        if row is None:
            return None
        return Credentials(to_user(row), row.password_hash, row.totp_secret)

    def all(self, org_id: str | None = None) -> list[User]:
        """Users, optionally of one organisation."""
        query = select(UserRow).order_by(UserRow.org_id, UserRow.username)
        if org_id:
            query = query.where(UserRow.org_id == org_id)
        return [to_user(r) for r in self.session.scalars(query)]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the stored hash (after a rehash or a change)."""
        self._by_id(user_id).password_hash = password_hash

    def set_totp_secret(self, user_id: int, secret: str | None) -> None:
        """Enable (secret) or disable (None) TOTP."""
        self._by_id(user_id).totp_secret = secret

    def set_active(self, user_id: int, active: bool) -> None:
        """Enable or disable the account."""
        self._by_id(user_id).active = active

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the person reads the pages in."""
        self._by_id(user_id).language = language

    def _row(self, username: str) -> UserRow | None:
        return self.session.scalar(select(UserRow).where(UserRow.username == username))

    def _by_id(self, user_id: int) -> UserRow:
        row = self.session.get(UserRow, user_id)
        if row is None:
            raise LookupError(f"no user {user_id}")
        return row
