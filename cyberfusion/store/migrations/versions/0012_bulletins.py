"""prevention bulletins and the sources they cite"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0012'
down_revision = '0011'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'bulletin',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('threat', sa.Text(), nullable=False),
        sa.Column('affected', sa.Text(), nullable=False),
        sa.Column('actions', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('author_user_id', BigId, nullable=False),
        sa.Column('author_org_id', sa.String(length=64), nullable=False),
        sa.Column('approver_user_id', BigId, nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('approved_at', UTCDateTime(), nullable=True),
        sa.Column('published_at', UTCDateTime(), nullable=True),
        sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
        sa.Column('withdraw_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'],
                                name=op.f('fk_bulletin_author_user_id_app_user')),
        sa.ForeignKeyConstraint(['author_org_id'], ['organisation.id'],
                                name=op.f('fk_bulletin_author_org_id_organisation')),
        sa.ForeignKeyConstraint(['approver_user_id'], ['app_user.id'],
                                name=op.f('fk_bulletin_approver_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin')),
    )
    op.create_index('ix_bulletin_status_published', 'bulletin', ['status', 'published_at'],
                    unique=False)
    op.create_table(
        'bulletin_source',
        sa.Column('bulletin_id', BigId, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('ref_id', BigId, nullable=False),
        sa.ForeignKeyConstraint(['bulletin_id'], ['bulletin.id'], ondelete='CASCADE',
                                name=op.f('fk_bulletin_source_bulletin_id_bulletin')),
        sa.PrimaryKeyConstraint('bulletin_id', 'position', name=op.f('pk_bulletin_source')),
    )


def downgrade() -> None:
    op.drop_table('bulletin_source')
    op.drop_index('ix_bulletin_status_published', table_name='bulletin')
    op.drop_table('bulletin')
