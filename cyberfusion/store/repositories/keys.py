"""Organisations' Ed25519 signing keys: public halves in clear, private halves sealed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.upsert import insert_ignore
from cyberfusion.store.tables_channel import SigningKeyRow


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A key pair as stored: `private_key` is sealed and never leaves the services."""

    key_id: str
    org_id: str
    public_key: str
    private_key: str
    created_at: datetime
    retired_at: datetime | None


def _key(row: SigningKeyRow) -> StoredKey:
    return StoredKey(row.key_id, row.org_id, row.public_key, row.private_key, row.created_at,
                     row.retired_at)


class KeyRepo(Repo):
    """Reads and writes signing keys."""

    def active(self, org_id: str) -> StoredKey | None:
        """The key `org_id` signs with now."""
        row = self.session.scalar(select(SigningKeyRow)
                                  .where(SigningKeyRow.active_org_id == org_id))
        return _key(row) if row else None

    def add_if_none(self, key: StoredKey) -> StoredKey:
        """Store `key` as the org's active key unless another process stored one first."""
        insert_ignore(self.session, SigningKeyRow, [{
            "key_id": key.key_id, "org_id": key.org_id, "active_org_id": key.org_id,
            "public_key": key.public_key, "private_key": key.private_key,
            "created_at": key.created_at}], ["active_org_id"])
        found = self.active(key.org_id)
        assert found is not None
        return found

    def get(self, key_id: str) -> StoredKey | None:
        """A key by id, active or retired (to verify old messages)."""
        row = self.session.get(SigningKeyRow, key_id)
        return _key(row) if row else None

    def public_keys(self, org_id: str) -> list[StoredKey]:
        """Every key of an organisation, newest first."""
        query = select(SigningKeyRow).where(SigningKeyRow.org_id == org_id)
        return [_key(r) for r in self.session.scalars(query.order_by(
            SigningKeyRow.created_at.desc()))]
