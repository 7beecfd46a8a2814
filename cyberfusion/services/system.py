"""Running an instance: prepare its data folder and bring its database to the newest schema."""

from __future__ import annotations

from cyberfusion.services.context import Context
from cyberfusion.store import schema


def init_database(ctx: Context) -> None:
    """Create the data folder and migrate the database (safe to run again)."""
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    schema.upgrade(ctx.db)
