"""hits, disclosure, the correlation index and networks"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0004'
down_revision = '0003'


def upgrade() -> None:
    op.create_table('network_cluster',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('dissolved_at', UTCDateTime(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('links', sa.Integer(), nullable=False),
    sa.Column('value_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_cluster'))
    )
    with op.batch_alter_table('network_cluster', schema=None) as batch_op:
        batch_op.create_index('ix_network_cluster_status', ['status', 'size'], unique=False)

    op.create_table('network_run',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('links', sa.Integer(), nullable=False),
    sa.Column('clusters', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('kept', sa.Integer(), nullable=False),
    sa.Column('dissolved', sa.Integer(), nullable=False),
    sa.Column('max_cases', sa.Integer(), nullable=False),
    sa.Column('resolution', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_run'))
    )
    op.create_table('network_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('indexed_upto', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('max_cases', sa.Integer(), nullable=False),
    sa.Column('resolution', sa.Float(), nullable=False),
    sa.Column('last_run_at', UTCDateTime(), nullable=True),
    sa.Column('last_full_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_state'))
    )
    op.create_table('correlation_key',
    sa.Column('observable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['observable_id'], ['observable.id'], name=op.f('fk_correlation_key_observable_id_observable')),
    sa.PrimaryKeyConstraint('observable_id', 'key', name=op.f('pk_correlation_key'))
    )
    with op.batch_alter_table('correlation_key', schema=None) as batch_op:
        batch_op.create_index('ix_correlation_key_key', ['key', 'observable_id'], unique=False)

    op.create_table('network_value',
    sa.Column('cluster_id', sa.String(length=16), nullable=False),
    sa.Column('observable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('holders', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['network_cluster.id'], name=op.f('fk_network_value_cluster_id_network_cluster')),
    sa.ForeignKeyConstraint(['observable_id'], ['observable.id'], name=op.f('fk_network_value_observable_id_observable')),
    sa.PrimaryKeyConstraint('cluster_id', 'observable_id', name=op.f('pk_network_value'))
    )
    with op.batch_alter_table('network_value', schema=None) as batch_op:
        batch_op.create_index('ix_network_value_observable', ['observable_id'], unique=False)

    op.create_table('hit_query',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('value_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_hit_query_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_hit_query_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hit_query'))
    )
    with op.batch_alter_table('hit_query', schema=None) as batch_op:
        batch_op.create_index('ix_hit_query_org_at', ['org_id', 'at'], unique=False)

    op.create_table('hit',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('query_id', sa.String(length=24), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('searcher_org_id', sa.String(length=64), nullable=False),
    sa.Column('searcher_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner_org_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('observable_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('answer', sa.String(length=8), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], name=op.f('fk_hit_case_id_intel_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['observable_id'], ['observable.id'], name=op.f('fk_hit_observable_id_observable')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_hit_owner_org_id_organisation')),
    sa.ForeignKeyConstraint(['query_id'], ['hit_query.id'], name=op.f('fk_hit_query_id_hit_query')),
    sa.ForeignKeyConstraint(['searcher_org_id'], ['organisation.id'], name=op.f('fk_hit_searcher_org_id_organisation')),
    sa.ForeignKeyConstraint(['searcher_user_id'], ['app_user.id'], name=op.f('fk_hit_searcher_user_id_app_user')),
    sa.ForeignKeyConstraint(['source_case_id'], ['intel_case.id'], name=op.f('fk_hit_source_case_id_intel_case'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hit'))
    )
    with op.batch_alter_table('hit', schema=None) as batch_op:
        batch_op.create_index('ix_hit_owner_at', ['owner_org_id', 'at'], unique=False)
        batch_op.create_index('ix_hit_query', ['query_id', 'owner_org_id'], unique=False)
        batch_op.create_index('ix_hit_searcher_at', ['searcher_org_id', 'at'], unique=False)
        batch_op.create_index('ix_hit_source_case', ['source_case_id', 'case_id'], unique=False)

    op.create_table('network_dirty',
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], name=op.f('fk_network_dirty_case_id_intel_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_network_dirty'))
    )
    op.create_table('network_member',
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cluster_id', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], name=op.f('fk_network_member_case_id_intel_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_id'], ['network_cluster.id'], name=op.f('fk_network_member_cluster_id_network_cluster')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_network_member'))
    )
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_member_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('disclosure_request',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('hit_id', sa.String(length=24), nullable=False),
    sa.Column('requester_org_id', sa.String(length=64), nullable=False),
    sa.Column('requester_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('owner_org_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('decided_at', UTCDateTime(), nullable=True),
    sa.Column('decided_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('expires_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['app_user.id'], name=op.f('fk_disclosure_request_decided_by_user_id_app_user')),
    sa.ForeignKeyConstraint(['hit_id'], ['hit.id'], name=op.f('fk_disclosure_request_hit_id_hit')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_disclosure_request_owner_org_id_organisation')),
    sa.ForeignKeyConstraint(['requester_org_id'], ['organisation.id'], name=op.f('fk_disclosure_request_requester_org_id_organisation')),
    sa.ForeignKeyConstraint(['requester_user_id'], ['app_user.id'], name=op.f('fk_disclosure_request_requester_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_request'))
    )
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.create_index('ix_disclosure_owner', ['owner_org_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_request_hit_id'), ['hit_id'], unique=False)
        batch_op.create_index('ix_disclosure_requester', ['requester_org_id', 'created_at'], unique=False)

    op.create_table('disclosure_case',
    sa.Column('request_id', sa.String(length=24), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('grant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], name=op.f('fk_disclosure_case_case_id_intel_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grant_id'], ['disclosure_grant.id'], name=op.f('fk_disclosure_case_grant_id_disclosure_grant'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_request.id'], name=op.f('fk_disclosure_case_request_id_disclosure_request')),
    sa.PrimaryKeyConstraint('request_id', 'case_id', name=op.f('pk_disclosure_case'))
    )
    op.create_table('disclosure_step',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.String(length=24), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_disclosure_step_org_id_organisation')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_request.id'], name=op.f('fk_disclosure_step_request_id_disclosure_request')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_disclosure_step_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_step'))
    )
    with op.batch_alter_table('disclosure_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_step_request_id'), ['request_id'], unique=False)

    op.create_table('hit_notice',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('hit_id', sa.String(length=24), nullable=True),
    sa.Column('request_id', sa.String(length=24), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('read_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['hit_id'], ['hit.id'], name=op.f('fk_hit_notice_hit_id_hit')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_hit_notice_org_id_organisation')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_request.id'], name=op.f('fk_hit_notice_request_id_disclosure_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hit_notice'))
    )
    with op.batch_alter_table('hit_notice', schema=None) as batch_op:
        batch_op.create_index('ix_hit_notice_org', ['org_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('hit_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_hit_notice_org')

    op.drop_table('hit_notice')
    with op.batch_alter_table('disclosure_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_step_request_id'))

    op.drop_table('disclosure_step')
    op.drop_table('disclosure_case')
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosure_requester')
        batch_op.drop_index(batch_op.f('ix_disclosure_request_hit_id'))
        batch_op.drop_index('ix_disclosure_owner')

    op.drop_table('disclosure_request')
    with op.batch_alter_table('network_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_member_cluster_id'))

    op.drop_table('network_member')
    op.drop_table('network_dirty')
    with op.batch_alter_table('hit', schema=None) as batch_op:
        batch_op.drop_index('ix_hit_source_case')
        batch_op.drop_index('ix_hit_searcher_at')
        batch_op.drop_index('ix_hit_query')
        batch_op.drop_index('ix_hit_owner_at')

    op.drop_table('hit')
    with op.batch_alter_table('hit_query', schema=None) as batch_op:
        batch_op.drop_index('ix_hit_query_org_at')

    op.drop_table('hit_query')
    with op.batch_alter_table('network_value', schema=None) as batch_op:
        batch_op.drop_index('ix_network_value_observable')

    op.drop_table('network_value')
    with op.batch_alter_table('correlation_key', schema=None) as batch_op:
        batch_op.drop_index('ix_correlation_key_key')

    op.drop_table('correlation_key')
    op.drop_table('network_state')
    op.drop_table('network_run')
    with op.batch_alter_table('network_cluster', schema=None) as batch_op:
        batch_op.drop_index('ix_network_cluster_status')

    op.drop_table('network_cluster')
