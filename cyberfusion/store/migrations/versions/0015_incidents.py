"""incidents: attacks under way with their handling, hits answered, playbook checklist, and
the payment-stop requests made from them"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0015'
down_revision = '0014'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        'incident',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('handling_id', BigId, nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('incident_type', sa.String(length=32), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('victim_sector', sa.String(length=100), nullable=False),
        sa.Column('victim_size', sa.String(length=32), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('note_text', sa.Text(), nullable=False),
        sa.Column('note_file_name', sa.String(length=255), nullable=False),
        sa.Column('extension', sa.String(length=255), nullable=False),
        sa.Column('ransom_amount', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=8), nullable=False),
        sa.Column('wallet', sa.String(length=128), nullable=False),
        sa.Column('family', sa.String(length=300), nullable=False),
        sa.Column('infrastructure_countries', sa.String(length=300), nullable=False),
        sa.Column('assistance', sa.Text(), nullable=False),
        sa.Column('timeline', sa.JSON(), nullable=False),
        sa.Column('observables', sa.JSON(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('thread_id', BigId, nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by', BigId, nullable=True),
        sa.ForeignKeyConstraint(['handling_id'], ['handling.id'],
                                name=op.f('fk_incident_handling_id_handling')),
        sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'],
                                name=op.f('fk_incident_thread_id_channel_thread')),
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'],
                                name=op.f('fk_incident_created_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')),
        sa.UniqueConstraint('handling_id', name=op.f('uq_incident_handling_id')),
    )
    op.create_index('ix_incident_created', 'incident', ['created_at', 'id'], unique=False)
    op.create_index('ix_incident_wallet', 'incident', ['wallet'], unique=False)
    op.create_index('ix_incident_family', 'incident', ['family'], unique=False)
    op.create_index('ix_incident_incident_type', 'incident', ['incident_type'], unique=False)
    op.create_index('ix_incident_country', 'incident', ['country'], unique=False)
    op.create_table(
        'incident_step',
        sa.Column('incident_id', BigId, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('done_at', UTCDateTime(), nullable=True),
        sa.Column('done_by', BigId, nullable=True),
        sa.Column('done_by_name', sa.String(length=200), nullable=False),
        sa.Column('done_by_org', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE',
                                name=op.f('fk_incident_step_incident_id_incident')),
        sa.ForeignKeyConstraint(['done_by'], ['app_user.id'],
                                name=op.f('fk_incident_step_done_by_app_user')),
        sa.PrimaryKeyConstraint('incident_id', 'position', name=op.f('pk_incident_step')),
    )
    op.create_table(
        'incident_request',
        sa.Column('incident_id', BigId, nullable=False),
        sa.Column('thread_id', BigId, nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=300), nullable=False),
        sa.Column('deadline', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE',
                                name=op.f('fk_incident_request_incident_id_incident')),
        sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'],
                                name=op.f('fk_incident_request_thread_id_channel_thread')),
        sa.PrimaryKeyConstraint('incident_id', 'thread_id', name=op.f('pk_incident_request')),
    )


def downgrade() -> None:
    op.drop_table('incident_request')
    op.drop_table('incident_step')
    for name in ('ix_incident_country', 'ix_incident_incident_type', 'ix_incident_family',
                 'ix_incident_wallet', 'ix_incident_created'):
        op.drop_index(name, table_name='incident')
    op.drop_table('incident')
