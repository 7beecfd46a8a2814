"""A user remembers the language chosen for the pages (ar, en, fr, es; empty: the browser's)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('language', sa.String(8), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('language')
