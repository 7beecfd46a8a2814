"""secure channel and 24/7 network: threads, messages, keys, rota, deadlines, outbox"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cyberfusion.store.tables import UTCDateTime

revision = '0003'
down_revision = '0002'


def upgrade() -> None:
    op.create_table('notify_pref',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('channels', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_notify_pref_org_id_organisation')),
    sa.PrimaryKeyConstraint('org_id', 'priority', name=op.f('pk_notify_pref'))
    )
    op.create_table('org_signing_key',
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('active_org_id', sa.String(length=64), nullable=True),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('private_key', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('retired_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_org_signing_key_org_id_organisation')),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_org_signing_key')),
    sa.UniqueConstraint('active_org_id', name=op.f('uq_org_signing_key_active_org_id'))
    )
    with op.batch_alter_table('org_signing_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_signing_key_org_id'), ['org_id'], unique=False)

    op.create_table('org_webhook',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_org_webhook_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_webhook'))
    )
    with op.batch_alter_table('org_webhook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_webhook_org_id'), ['org_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_outbox_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('channel_thread',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sender_org_id', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('request_type', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('tlp', sa.String(length=16), nullable=False),
    sa.Column('preservation_days', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_channel_thread_created_by_app_user')),
    sa.ForeignKeyConstraint(['sender_org_id'], ['organisation.id'], name=op.f('fk_channel_thread_sender_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_thread'))
    )
    with op.batch_alter_table('channel_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_thread_sender_org_id'), ['sender_org_id'], unique=False)
        batch_op.create_index('ix_channel_thread_updated', ['updated_at'], unique=False)

    op.create_table('duty_contact',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('languages', sa.String(length=100), nullable=False),
    sa.Column('desk', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_duty_contact_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_duty_contact_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_contact')),
    sa.UniqueConstraint('org_id', 'ref', name='uq_duty_contact_org_ref')
    )
    with op.batch_alter_table('duty_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_contact_org_id'), ['org_id'], unique=False)

    op.create_table('channel_deadline',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('done_at', UTCDateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_channel_deadline_org_id_organisation')),
    sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'], name=op.f('fk_channel_deadline_thread_id_channel_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_deadline')),
    sa.UniqueConstraint('thread_id', 'org_id', 'kind', 'step', name='uq_channel_deadline_key')
    )
    with op.batch_alter_table('channel_deadline', schema=None) as batch_op:
        batch_op.create_index('ix_channel_deadline_due', ['done_at', 'due_at'], unique=False)

    op.create_table('channel_message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_org_id', sa.String(length=64), nullable=False),
    sa.Column('from_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisation.id'], name=op.f('fk_channel_message_from_org_id_organisation')),
    sa.ForeignKeyConstraint(['from_user_id'], ['app_user.id'], name=op.f('fk_channel_message_from_user_id_app_user')),
    sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'], name=op.f('fk_channel_message_thread_id_channel_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_message'))
    )
    with op.batch_alter_table('channel_message', schema=None) as batch_op:
        batch_op.create_index('ix_channel_message_thread', ['thread_id', 'id'], unique=False)

    op.create_table('channel_party',
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ack_due_at', UTCDateTime(), nullable=True),
    sa.Column('delivered_at', UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('answered_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('preserve_until', UTCDateTime(), nullable=True),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_channel_party_org_id_organisation')),
    sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'], name=op.f('fk_channel_party_thread_id_channel_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'org_id', name=op.f('pk_channel_party'))
    )
    with op.batch_alter_table('channel_party', schema=None) as batch_op:
        batch_op.create_index('ix_channel_party_org', ['org_id', 'thread_id'], unique=False)

    op.create_table('duty_shift',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('days', sa.String(length=7), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['duty_contact.id'], name=op.f('fk_duty_shift_contact_id_duty_contact'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_duty_shift_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_shift'))
    )
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_shift_org_id'), ['org_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('priority', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('read_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_notification_org_id_organisation')),
    sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'], name=op.f('fk_notification_thread_id_channel_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_key'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_org', ['org_id', 'id'], unique=False)

    op.create_table('channel_attachment',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['channel_message.id'], name=op.f('fk_channel_attachment_message_id_channel_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_attachment'))
    )
    with op.batch_alter_table('channel_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_attachment_message_id'), ['message_id'], unique=False)

    op.create_table('channel_escalation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('deadline_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('targets', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['channel_deadline.id'], name=op.f('fk_channel_escalation_deadline_id_channel_deadline')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_channel_escalation_org_id_organisation')),
    sa.ForeignKeyConstraint(['thread_id'], ['channel_thread.id'], name=op.f('fk_channel_escalation_thread_id_channel_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_escalation')),
    sa.UniqueConstraint('deadline_id', name=op.f('uq_channel_escalation_deadline_id')),
    sa.UniqueConstraint('thread_id', 'org_id', 'step', name='uq_channel_escalation_step')
    )
    with op.batch_alter_table('channel_escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_escalation_thread_id'), ['thread_id'], unique=False)

    op.create_table('channel_receipt',
    sa.Column('message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('delivered_at', UTCDateTime(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['channel_message.id'], name=op.f('fk_channel_receipt_message_id_channel_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_channel_receipt_org_id_organisation')),
    sa.PrimaryKeyConstraint('message_id', 'org_id', name=op.f('pk_channel_receipt'))
    )


def downgrade() -> None:
    op.drop_table('channel_receipt')
    with op.batch_alter_table('channel_escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_escalation_thread_id'))

    op.drop_table('channel_escalation')
    with op.batch_alter_table('channel_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_attachment_message_id'))

    op.drop_table('channel_attachment')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_org')

    op.drop_table('notification')
    with op.batch_alter_table('duty_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_shift_org_id'))

    op.drop_table('duty_shift')
    with op.batch_alter_table('channel_party', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_party_org')

    op.drop_table('channel_party')
    with op.batch_alter_table('channel_message', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_message_thread')

    op.drop_table('channel_message')
    with op.batch_alter_table('channel_deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_deadline_due')

    op.drop_table('channel_deadline')
    with op.batch_alter_table('duty_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_contact_org_id'))

    op.drop_table('duty_contact')
    with op.batch_alter_table('channel_thread', schema=None) as batch_op:
        batch_op.drop_index('ix_channel_thread_updated')
        batch_op.drop_index(batch_op.f('ix_channel_thread_sender_org_id'))

    op.drop_table('channel_thread')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    with op.batch_alter_table('org_webhook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_webhook_org_id'))

    op.drop_table('org_webhook')
    with op.batch_alter_table('org_signing_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_signing_key_org_id'))

    op.drop_table('org_signing_key')
    op.drop_table('notify_pref')
