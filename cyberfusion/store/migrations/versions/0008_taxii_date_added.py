"""TAXII date_added: when each kept object landed, and ordered indexes to page by it"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0008'
down_revision = '0007'


def upgrade() -> None:
    with op.batch_alter_table('source_object', schema=None) as batch_op:
        batch_op.add_column(sa.Column('landed_at', UTCDateTime(), nullable=True))
    # Objects kept before this column: their import job's start is the best date we have,
    # else the time of this upgrade.
    op.execute(sa.text(
        "UPDATE source_object SET landed_at = (SELECT COALESCE(j.started_at, j.created_at) "
        "FROM import_job j WHERE j.id = source_object.job_id)"))
    op.execute(sa.text("UPDATE source_object SET landed_at = CURRENT_TIMESTAMP "
                       "WHERE landed_at IS NULL"))
    with op.batch_alter_table('source_object', schema=None) as batch_op:
        batch_op.alter_column('landed_at', existing_type=UTCDateTime(), nullable=False)
        # Knowledge (case_id IS NULL) in date_added order: pages read the index in order.
        batch_op.create_index('ix_source_object_landed', ['case_id', 'landed_at', 'id'],
                              unique=False)
    op.create_index('ix_intel_case_updated', 'intel_case', ['updated_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_intel_case_updated', table_name='intel_case')
    with op.batch_alter_table('source_object', schema=None) as batch_op:
        batch_op.drop_index('ix_source_object_landed')
        batch_op.drop_column('landed_at')
