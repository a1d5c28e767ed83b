"""notices: delivery by the scheduler (status, attempts, last error, next attempt)

Revision ID: 0011_notice_delivery
Revises: 0010_bulk_approval
Create Date: 2026-12-02 14:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_notice_delivery'
down_revision = '0010_bulk_approval'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum(
            'QUEUED', 'SENDING', 'SENT', 'RETRY', 'FAILED', name='notice_status',
            native_enum=False, length=16), server_default='QUEUED', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('last_error', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_notice_status_next_attempt', ['status', 'next_attempt_at'],
                              unique=False)
    # Notices recorded before: those with a sent_at were sent; the others wait for the job.
    op.execute("UPDATE notice SET status = 'SENT' WHERE sent_at IS NOT NULL")
    op.execute("UPDATE notice SET status = 'QUEUED', next_attempt_at = created_at "
               "WHERE sent_at IS NULL")


def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_status_next_attempt')
        for name in ('next_attempt_at', 'last_error', 'attempts', 'status'):
            batch_op.drop_column(name)
