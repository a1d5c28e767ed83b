"""documents: queue priority (documents people wait for go before the backlog)

Revision ID: 0009_document_priority
Revises: 0008_api
Create Date: 2026-11-26 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_document_priority'
down_revision = '0008_api'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.create_index('ix_document_status_priority_id', ['status', 'priority', 'id'],
                              unique=False)
        batch_op.drop_index('ix_document_status_id')


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_status_id', ['status', 'id'], unique=False)
        batch_op.drop_index('ix_document_status_priority_id')
        batch_op.drop_column('priority')
