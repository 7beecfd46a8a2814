"""gateway_agreement: the register of partners' Gateway agreements"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0014'
down_revision = '0013'


def upgrade() -> None:
    op.create_table(
        'gateway_agreement',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=False),
        sa.Column('partner_org_id', sa.String(length=64), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('categories', sa.JSON(), nullable=False),
        sa.Column('onward_terms', sa.Text(), nullable=False),
        sa.Column('onward_allowed', sa.Boolean(), nullable=False),
        sa.Column('contact', sa.String(length=400), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.Column('ended_reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['partner_org_id'], ['organisation.id'],
                                name=op.f('fk_gateway_agreement_partner_org_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_agreement')),
        sa.UniqueConstraint('reference', name=op.f('uq_gateway_agreement_reference')),
    )
    op.create_index(op.f('ix_gateway_agreement_partner_org_id'), 'gateway_agreement',
                    ['partner_org_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_gateway_agreement_partner_org_id'), table_name='gateway_agreement')
    op.drop_table('gateway_agreement')
