"""bulk: batch-level district approval carried out by the worker

Revision ID: 0010_bulk_approval
Revises: 0009_document_priority
Create Date: 2026-11-26 21:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_bulk_approval'
down_revision = '0009_document_priority'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_state', sa.Enum(
            'QUEUED', 'RUNNING', 'DONE', name='bulk_approval_state', native_enum=False,
            length=32), nullable=True))
        batch_op.add_column(sa.Column('approval_action', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('approval_reason_code', sa.String(length=16),
                                      nullable=True))
        batch_op.add_column(sa.Column('approval_message', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('approval_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approval_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_claimed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_finished_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('approval_total', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('approval_done', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('approval_failed', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.create_foreign_key('fk_bulk_batch_approval_requested_by', 'ab_user',
                                    ['approval_requested_by_id'], ['id'])
        batch_op.create_index('ix_bulk_batch_approval_state', ['approval_state'], unique=False)


def downgrade():
    with op.batch_alter_table('bulk_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_bulk_batch_approval_state')
        if op.get_bind().dialect.name != 'sqlite':  # SQLite's table copy drops it anyway
            batch_op.drop_constraint('fk_bulk_batch_approval_requested_by', type_='foreignkey')
        for name in ('approval_failed', 'approval_done', 'approval_total', 'approval_finished_at',
                     'approval_claimed_at', 'approval_requested_at', 'approval_requested_by_id',
                     'approval_message', 'approval_reason_code', 'approval_action',
                     'approval_state'):
            batch_op.drop_column(name)
