"""when a case was withdrawn"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0005'
down_revision = '0004'


def upgrade() -> None:
    with op.batch_alter_table('intel_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', UTCDateTime(), nullable=True))
    # Cases withdrawn before this column: their last change is the best date we have.
    op.execute(sa.text("UPDATE intel_case SET revoked_at = updated_at WHERE revoked"))


def downgrade() -> None:
    with op.batch_alter_table('intel_case', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
