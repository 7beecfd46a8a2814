"""Alembic environment: runs on the connection handed over by `store.schema`."""

from __future__ import annotations

from alembic import context

from cyberfusion.store.all_tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via store.schema
    raise RuntimeError("run migrations through `cyberfusion init` (store.schema.upgrade)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
