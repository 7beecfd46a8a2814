"""TAXII sources: remote collections to pull from or push to, their runs and pushed objects"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0013'
down_revision = '0012'

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'taxii_source',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('api_root', sa.Text(), nullable=False),
        sa.Column('collection_id', sa.String(length=128), nullable=False),
        sa.Column('auth', sa.String(length=8), nullable=False),
        sa.Column('secret_env', sa.String(length=128), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('peer_org_id', sa.String(length=64), nullable=True),
        sa.Column('defaults', sa.Text(), nullable=False),
        sa.Column('added_after', sa.String(length=40), nullable=False),
        sa.Column('next_value', sa.Text(), nullable=False),
        sa.Column('walk_last', sa.String(length=40), nullable=False),
        sa.Column('next_run_at', UTCDateTime(), nullable=True),
        sa.Column('lease_until', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_taxii_source_org_id_organisation')),
        sa.ForeignKeyConstraint(['peer_org_id'], ['organisation.id'],
                                name=op.f('fk_taxii_source_peer_org_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_taxii_source')),
        sa.UniqueConstraint('org_id', 'name', name='uq_taxii_source_name'),
    )
    op.create_index('ix_taxii_source_due', 'taxii_source', ['next_run_at'], unique=False)
    op.create_index(op.f('ix_taxii_source_org_id'), 'taxii_source', ['org_id'], unique=False)
    op.create_table(
        'taxii_source_run',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('source_id', _ID, nullable=False),
        sa.Column('direction', sa.String(length=8), nullable=False),
        sa.Column('trigger', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('counts', sa.Text(), nullable=False),
        sa.Column('errors', sa.Text(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['taxii_source.id'], ondelete='CASCADE',
                                name=op.f('fk_taxii_source_run_source_id_taxii_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_taxii_source_run')),
    )
    op.create_index('ix_taxii_source_run_source', 'taxii_source_run', ['source_id', 'id'],
                    unique=False)
    op.create_table(
        'taxii_source_pushed',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('source_id', _ID, nullable=False),
        sa.Column('object_id', sa.String(length=256), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('pushed_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['taxii_source.id'], ondelete='CASCADE',
                                name=op.f('fk_taxii_source_pushed_source_id_taxii_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_taxii_source_pushed')),
        sa.UniqueConstraint('source_id', 'object_id', 'version', name='uq_taxii_source_pushed'),
    )


def downgrade() -> None:
    op.drop_table('taxii_source_pushed')
    op.drop_index('ix_taxii_source_run_source', table_name='taxii_source_run')
    op.drop_table('taxii_source_run')
    op.drop_index(op.f('ix_taxii_source_org_id'), table_name='taxii_source')
    op.drop_index('ix_taxii_source_due', table_name='taxii_source')
    op.drop_table('taxii_source')
