"""operations: coordinated actions against networks, under a handling record released to
their participants, with targets, tasks, action days, a results ledger and takedowns"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0017'
down_revision = '0016'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _child(name: str, *columns: sa.Column) -> None:  # type: ignore[type-arg]
    """A table of an operation's parts: id, operation_id (cascade, indexed), columns."""
    op.create_table(
        name,
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('operation_id', BigId, nullable=False),
        *columns,
        sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{name}_operation_id_operation')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
    )
    op.create_index(f'ix_{name}_operation_id', name, ['operation_id'], unique=False)


def upgrade() -> None:
    op.create_table(
        'operation',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('handling_id', BigId, nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('countries', sa.String(length=600), nullable=False),
        sa.Column('network_ref', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_by_org', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['handling_id'], ['handling.id'],
                                name=op.f('fk_operation_handling_id_handling')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operation')),
        sa.UniqueConstraint('handling_id', name=op.f('uq_operation_handling_id')),
    )
    op.create_index('ix_operation_created', 'operation', ['created_at', 'id'], unique=False)
    op.create_table(
        'operation_participant',
        sa.Column('operation_id', BigId, nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], ondelete='CASCADE',
                                name=op.f('fk_operation_participant_operation_id_operation')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_operation_participant_org_id_organisation')),
        sa.PrimaryKeyConstraint('operation_id', 'org_id', name=op.f('pk_operation_participant')),
    )
    op.create_index('ix_operation_participant_org', 'operation_participant',
                    ['org_id', 'operation_id'], unique=False)
    op.create_table(
        'operation_target',
        sa.Column('operation_id', BigId, nullable=False),
        sa.Column('case_id', BigId, nullable=False),
        sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], ondelete='CASCADE',
                                name=op.f('fk_operation_target_operation_id_operation')),
        sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], ondelete='CASCADE',
                                name=op.f('fk_operation_target_case_id_intel_case')),
        sa.PrimaryKeyConstraint('operation_id', 'case_id', name=op.f('pk_operation_target')),
    )
    _child('operation_task',
           sa.Column('title', sa.String(length=300), nullable=False),
           sa.Column('owner_org_id', sa.String(length=64), nullable=False),
           sa.Column('owner_user', sa.String(length=200), nullable=False),
           sa.Column('due', sa.Date(), nullable=True),
           sa.Column('status', sa.String(length=16), nullable=False),
           sa.Column('updated_at', UTCDateTime(), nullable=False),
           sa.Column('updated_by', sa.String(length=200), nullable=False))
    _child('operation_action_day',
           sa.Column('day', sa.Date(), nullable=False),
           sa.Column('countries', sa.String(length=600), nullable=False),
           sa.Column('description', sa.Text(), nullable=False))
    _child('operation_result',
           sa.Column('kind', sa.String(length=32), nullable=False),
           sa.Column('count', sa.Integer(), nullable=False),
           sa.Column('amount', sa.String(length=40), nullable=False),
           sa.Column('currency', sa.String(length=8), nullable=False),
           sa.Column('country', sa.String(length=2), nullable=False),
           sa.Column('note', sa.Text(), nullable=False),
           sa.Column('at', UTCDateTime(), nullable=False),
           sa.Column('by_org', sa.String(length=64), nullable=False),
           sa.Column('by_user', sa.String(length=200), nullable=False))
    _child('operation_takedown',
           sa.Column('value_type', sa.String(length=32), nullable=False),
           sa.Column('value', sa.String(length=2048), nullable=False),
           sa.Column('country', sa.String(length=2), nullable=False),
           sa.Column('status', sa.String(length=16), nullable=False),
           sa.Column('note', sa.Text(), nullable=False),
           sa.Column('updated_at', UTCDateTime(), nullable=False),
           sa.Column('by_org', sa.String(length=64), nullable=False),
           sa.Column('by_user', sa.String(length=200), nullable=False))


def downgrade() -> None:
    for name in ('operation_takedown', 'operation_result', 'operation_action_day',
                 'operation_task'):
        op.drop_index(f'ix_{name}_operation_id', table_name=name)
        op.drop_table(name)
    op.drop_table('operation_target')
    op.drop_index('ix_operation_participant_org', table_name='operation_participant')
    op.drop_table('operation_participant')
    op.drop_index('ix_operation_created', table_name='operation')
    op.drop_table('operation')
