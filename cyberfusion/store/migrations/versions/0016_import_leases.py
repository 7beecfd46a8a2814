"""Import jobs hold a lease and a checkpoint (a dead runner's job is taken over and resumed);
shared handling records carry a content key so re-imports reuse them"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0016'
down_revision = '0015'


def upgrade() -> None:
    with op.batch_alter_table('import_job') as batch:
        batch.add_column(sa.Column('lease_holder', sa.String(128), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('lease_until', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('checkpoint', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('handling') as batch:
        batch.add_column(sa.Column('content_key', sa.String(64), nullable=True))
    op.create_index('ix_handling_content_key', 'handling', ['content_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_handling_content_key', table_name='handling')
    with op.batch_alter_table('handling') as batch:
        batch.drop_column('content_key')
    with op.batch_alter_table('import_job') as batch:
        for name in ('checkpoint', 'attempts', 'lease_until', 'lease_holder'):
            batch.drop_column(name)
