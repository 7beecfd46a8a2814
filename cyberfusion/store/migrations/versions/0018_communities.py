"""communities: closed groups with members, signed threads, a library and meetings, each
thread, entry and meeting under its own handling row"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0018'
down_revision = '0017'

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _governed(name: str) -> list[Any]:
    """The id, community and handling columns every governed community table starts with."""
    return [
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('community_id', BigId, nullable=False),
        sa.Column('handling_id', BigId, nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], ondelete='CASCADE',
                                name=op.f(f'fk_{name}_community_id_community')),
        sa.ForeignKeyConstraint(['handling_id'], ['handling.id'],
                                name=op.f(f'fk_{name}_handling_id_handling')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}')),
        sa.UniqueConstraint('handling_id', name=op.f(f'uq_{name}_handling_id')),
    ]


def upgrade() -> None:
    op.create_table(
        'community',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
        sa.UniqueConstraint('slug', name=op.f('uq_community_slug')),
    )
    op.create_table(
        'community_member',
        sa.Column('community_id', BigId, nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('added_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'], ondelete='CASCADE',
                                name=op.f('fk_community_member_community_id_community')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_community_member_org_id_organisation')),
        sa.PrimaryKeyConstraint('community_id', 'org_id', name=op.f('pk_community_member')),
    )
    op.create_index('ix_community_member_org', 'community_member', ['org_id', 'community_id'])
    op.create_table(
        'community_thread', *_governed('community_thread'),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('pinned', sa.Boolean(), nullable=False),
        sa.Column('locked', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
    )
    op.create_index('ix_community_thread_list', 'community_thread',
                    ['community_id', 'pinned', 'updated_at'])
    op.create_table(
        'community_post',
        sa.Column('id', BigId, autoincrement=True, nullable=False),
        sa.Column('thread_id', BigId, nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', BigId, nullable=True),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('key_id', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['thread_id'], ['community_thread.id'], ondelete='CASCADE',
                                name=op.f('fk_community_post_thread_id_community_thread')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_community_post_org_id_organisation')),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_community_post_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_community_post')),
    )
    op.create_index('ix_community_post_thread', 'community_post', ['thread_id', 'id'])
    op.create_table(
        'community_library', *_governed('community_library'),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('added_at', UTCDateTime(), nullable=False),
    )
    op.create_index('ix_community_library_list', 'community_library', ['community_id', 'id'])
    op.create_table(
        'community_meeting', *_governed('community_meeting'),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('starts_at', UTCDateTime(), nullable=False),
        sa.Column('agenda', sa.Text(), nullable=False),
        sa.Column('minutes', sa.Text(), nullable=False),
    )
    op.create_index('ix_community_meeting_list', 'community_meeting',
                    ['community_id', 'starts_at'])


def downgrade() -> None:
    op.drop_index('ix_community_meeting_list', table_name='community_meeting')
    op.drop_table('community_meeting')
    op.drop_index('ix_community_library_list', table_name='community_library')
    op.drop_table('community_library')
    op.drop_index('ix_community_post_thread', table_name='community_post')
    op.drop_table('community_post')
    op.drop_index('ix_community_thread_list', table_name='community_thread')
    op.drop_table('community_thread')
    op.drop_index('ix_community_member_org', table_name='community_member')
    op.drop_table('community_member')
    op.drop_table('community')
