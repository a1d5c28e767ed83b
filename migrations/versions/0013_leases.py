"""leases: lease_until on bulk batches, documents and job runs; finished_at on job runs

Revision ID: 0013_leases
Revises: 0010_bulk_approval
Create Date: 2026-12-02 15:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_leases'
down_revision = '0010_bulk_approval'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('bulk_batch', 'document'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('job_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
    # Runs claimed before leases existed are taken as finished: never run again.
    op.execute("UPDATE job_claim SET finished_at = claimed_at")


def downgrade():
    with op.batch_alter_table('job_claim', schema=None) as batch_op:
        batch_op.drop_column('finished_at')
        batch_op.drop_column('lease_until')
    for table in ('document', 'bulk_batch'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('lease_until')
