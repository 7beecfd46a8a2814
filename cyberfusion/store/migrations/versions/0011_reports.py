"""reports: cyber activity reports and each recipient's delivery"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0011'
down_revision = '0010'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'activity_report',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('recipients', sa.Text(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('assessment', sa.Text(), nullable=False),
        sa.Column('actions', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('tlp', sa.String(length=16), nullable=False),
        sa.Column('author_org_id', sa.String(length=64), nullable=False),
        sa.Column('author_user_id', BigId, nullable=True),
        sa.Column('approver_user_id', BigId, nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('approved_at', UTCDateTime(), nullable=True),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('content', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['author_org_id'], ['organisation.id'],
                                name=op.f('fk_activity_report_author_org_id_organisation')),
        sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'],
                                name=op.f('fk_activity_report_author_user_id_app_user')),
        sa.ForeignKeyConstraint(['approver_user_id'], ['app_user.id'],
                                name=op.f('fk_activity_report_approver_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_report')),
    )
    op.create_index('ix_activity_report_status', 'activity_report', ['status', 'id'],
                    unique=False)
    op.create_table(
        'report_delivery',
        sa.Column('report_id', BigId, nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', UTCDateTime(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('thread_id', BigId, nullable=True),
        sa.Column('tlp', sa.String(length=16), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['report_id'], ['activity_report.id'], ondelete='CASCADE',
                                name=op.f('fk_report_delivery_report_id_activity_report')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_report_delivery_org_id_organisation')),
        sa.PrimaryKeyConstraint('report_id', 'org_id', name=op.f('pk_report_delivery')),
    )
    op.create_index('ix_report_delivery_org', 'report_delivery', ['org_id', 'report_id'],
                    unique=False)
    op.create_index('ix_report_delivery_status', 'report_delivery', ['status', 'next_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_delivery_status', table_name='report_delivery')
    op.drop_index('ix_report_delivery_org', table_name='report_delivery')
    op.drop_table('report_delivery')
    op.drop_index('ix_activity_report_status', table_name='activity_report')
    op.drop_table('activity_report')
