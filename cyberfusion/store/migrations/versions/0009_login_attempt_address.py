"""Login attempts indexed by address and time: failures from one address are counted per login"""

from __future__ import annotations

from alembic import op

revision = '0009'
down_revision = '0008'


def upgrade() -> None:
    op.create_index('ix_login_attempt_address_at', 'login_attempt', ['address', 'at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_attempt_address_at', table_name='login_attempt')
