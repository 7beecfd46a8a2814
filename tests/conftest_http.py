"""HTTP helpers for functional tests."""

from __future__ import annotations

from worlds import World


def bearer(world: World, org_id: str, scopes: frozenset[str] = frozenset({"read", "write"})
           ) -> dict[str, str]:
    """Authorization header for the org's analyst."""
    return {"Authorization": f"Bearer {world.token(org_id, scopes)}"}
