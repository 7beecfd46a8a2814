"""Kept objects indexed by their STIX id: exports, TAXII `match[id]` and relationship ends
look objects up by it"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'


def upgrade() -> None:
    op.create_index('ix_source_object_ref', 'source_object', ['ref'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_source_object_ref', table_name='source_object')
