"""knowledge: entity columns for every STIX kind, merge keys, relationships"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0007'
down_revision = '0006'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('canonical_id', BigId, nullable=True))
        batch_op.add_column(sa.Column('stix_id', sa.String(length=256), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('external_refs', sa.Text(), server_default='[]',
                                      nullable=False))
        batch_op.add_column(sa.Column('is_family', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('identity_class', sa.String(length=32), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('sectors', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('country', sa.String(length=2), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('region', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('first_seen', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_seen', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_entity_canonical_id', ['canonical_id'], unique=False)
        batch_op.create_index('ix_entity_stix_id', ['stix_id'], unique=False)
    # Rows from before: each its own entity until the next import merges them.
    op.execute(sa.text("UPDATE entity SET canonical_id = id"))
    op.create_table(
        'entity_key',
        sa.Column('entity_id', BigId, nullable=False),
        sa.Column('grp', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], ondelete='CASCADE',
                                name=op.f('fk_entity_key_entity_id_entity')),
        sa.PrimaryKeyConstraint('entity_id', 'grp', 'key', name=op.f('pk_entity_key')),
    )
    op.create_index('ix_entity_key_grp_key', 'entity_key', ['grp', 'key'], unique=False)
    op.create_table(
        'relationship',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('source_ref', sa.String(length=320), nullable=False),
        sa.Column('stix_id', sa.String(length=256), nullable=False),
        sa.Column('type', sa.String(length=64), nullable=False),
        sa.Column('source_entity_id', BigId, nullable=True),
        sa.Column('source_case_id', BigId, nullable=True),
        sa.Column('source_stix', sa.String(length=256), nullable=False),
        sa.Column('target_entity_id', BigId, nullable=True),
        sa.Column('target_case_id', BigId, nullable=True),
        sa.Column('target_stix', sa.String(length=256), nullable=False),
        sa.Column('handling_id', BigId, nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('first_seen', UTCDateTime(), nullable=True),
        sa.Column('last_seen', UTCDateTime(), nullable=True),
        sa.Column('modified', UTCDateTime(), nullable=True),
        sa.Column('revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['handling_id'], ['handling.id'],
                                name=op.f('fk_relationship_handling_id_handling')),
        sa.ForeignKeyConstraint(['source_case_id'], ['intel_case.id'], ondelete='CASCADE',
                                name=op.f('fk_relationship_source_case_id_intel_case')),
        sa.ForeignKeyConstraint(['source_entity_id'], ['entity.id'], ondelete='CASCADE',
                                name=op.f('fk_relationship_source_entity_id_entity')),
        sa.ForeignKeyConstraint(['target_case_id'], ['intel_case.id'], ondelete='CASCADE',
                                name=op.f('fk_relationship_target_case_id_intel_case')),
        sa.ForeignKeyConstraint(['target_entity_id'], ['entity.id'], ondelete='CASCADE',
                                name=op.f('fk_relationship_target_entity_id_entity')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_relationship')),
    )
    with op.batch_alter_table('relationship', schema=None) as batch_op:
        batch_op.create_index('ix_relationship_handling_id', ['handling_id'], unique=False)
        batch_op.create_index('ix_relationship_source_ref', ['source_ref'], unique=True)
        batch_op.create_index('ix_relationship_source_entity', ['source_entity_id'],
                              unique=False)
        batch_op.create_index('ix_relationship_target_entity', ['target_entity_id'],
                              unique=False)
        batch_op.create_index('ix_relationship_source_case', ['source_case_id'], unique=False)
        batch_op.create_index('ix_relationship_target_case', ['target_case_id'], unique=False)


def downgrade() -> None:
    op.drop_table('relationship')
    op.drop_table('entity_key')
    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_stix_id')
        batch_op.drop_index('ix_entity_canonical_id')
        for name in ('last_seen', 'first_seen', 'region', 'country', 'sectors',
                     'identity_class', 'is_family', 'external_refs', 'stix_id', 'canonical_id'):
            batch_op.drop_column(name)
