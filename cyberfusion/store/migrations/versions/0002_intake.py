"""intake"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0002'
down_revision = '0001'


def upgrade() -> None:
    op.create_table('import_job',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('owner_org_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('codec', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bytes_done', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('defaults', sa.Text(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('issue_count', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=True),
    sa.Column('finished_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_import_job_owner_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_import_job_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_job_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index('ix_import_job_status', ['status', 'id'], unique=False)

    op.create_table('import_issue',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_import_issue_job_id_import_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_issue'))
    )
    with op.batch_alter_table('import_issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_issue_job_id'), ['job_id'], unique=False)

    op.create_table('source_object',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('owner_ref', sa.String(length=320), nullable=False),
    sa.Column('ref', sa.String(length=256), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('modified', UTCDateTime(), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('handling_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('job_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['intel_case.id'], name=op.f('fk_source_object_case_id_intel_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handling_id'], ['handling.id'], name=op.f('fk_source_object_handling_id_handling')),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_source_object_job_id_import_job'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_object')),
    sa.UniqueConstraint('owner_ref', name=op.f('uq_source_object_owner_ref'))
    )
    with op.batch_alter_table('source_object', schema=None) as batch_op:
        batch_op.create_index('ix_source_object_case', ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_object_handling_id'), ['handling_id'], unique=False)

    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_ref', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('modified', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_entity_source_ref', ['source_ref'], unique=True)

    with op.batch_alter_table('intel_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_ref', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('source_modified', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_intel_case_source_ref', ['source_ref'], unique=True)

    with op.batch_alter_table('observable', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warninglists', sa.Text(), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('observable', schema=None) as batch_op:
        batch_op.drop_column('warninglists')

    with op.batch_alter_table('intel_case', schema=None) as batch_op:
        batch_op.drop_index('ix_intel_case_source_ref')
        batch_op.drop_column('source_modified')
        batch_op.drop_column('source_ref')

    with op.batch_alter_table('entity', schema=None) as batch_op:
        batch_op.drop_index('ix_entity_source_ref')
        batch_op.drop_column('revoked')
        batch_op.drop_column('modified')
        batch_op.drop_column('source_ref')

    with op.batch_alter_table('source_object', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_object_handling_id'))
        batch_op.drop_index('ix_source_object_case')

    op.drop_table('source_object')
    with op.batch_alter_table('import_issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_issue_job_id'))

    op.drop_table('import_issue')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index('ix_import_job_status')
        batch_op.drop_index(batch_op.f('ix_import_job_owner_org_id'))

    op.drop_table('import_job')
