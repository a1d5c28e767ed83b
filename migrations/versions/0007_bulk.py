"""bulk filing batches

Revision ID: 0007_bulk
Revises: 0006_stats
Create Date: 2026-11-26 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_bulk'
down_revision = '0006_stats'
branch_labels = None
depends_on = None

BATCH_STATUS = ('QUEUED', 'VALIDATING', 'VALIDATED', 'FILE_QUEUED', 'FILING', 'FILED',
                'REJECTED', 'FAILED')
FILING_TYPE = ('HIRE', 'RENEWAL', 'TRANSFER', 'TERMINATION')
ROW_STATUS = ('PENDING', 'VALID', 'INVALID', 'FILED')


def upgrade():
    op.create_table('bulk_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('filing_type', sa.Enum(*FILING_TYPE, name='bulk_filing_type', native_enum=False, length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum(*BATCH_STATUS, name='bulk_batch_status', native_enum=False, length=32), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_kind', sa.String(length=8), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('file_data', sa.LargeBinary(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('client_ip', sa.String(length=64), nullable=False),
    sa.Column('file_requested', sa.Boolean(), nullable=False),
    sa.Column('file_requested_by_id', sa.Integer(), nullable=True),
    sa.Column('file_requested_at', sa.DateTime(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('valid', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('filed', sa.Integer(), nullable=False),
    sa.Column('pending_review', sa.Integer(), nullable=False),
    sa.Column('district_approval', sa.Integer(), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('errors_by_code', sa.JSON(), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=True),
    sa.Column('file_error_code', sa.String(length=64), nullable=True),
    sa.Column('file_error_message', sa.Text(), nullable=True),
    sa.Column('claimed_by', sa.String(length=128), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('validated_at', sa.DateTime(), nullable=True),
    sa.Column('validation_seconds', sa.Float(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('service_case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['file_requested_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['service_case_id'], ['service_case.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('unit_id', 'filing_type', 'content_hash', name='uq_bulk_batch_file')
    )
    with op.batch_alter_table('bulk_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_batch_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_bulk_batch_status', ['status'], unique=False)
        batch_op.create_index('ix_bulk_batch_unit_created', ['unit_id', 'created_at'], unique=False)

    op.create_table('bulk_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum(*ROW_STATUS, name='bulk_row_status', native_enum=False, length=32), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.Column('flags', sa.String(length=64), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['bulk_batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'row_number', name='uq_bulk_row_number')
    )
    with op.batch_alter_table('bulk_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_row_filing_id'), ['filing_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bulk_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_row_filing_id'))
    op.drop_table('bulk_row')
    with op.batch_alter_table('bulk_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_bulk_batch_unit_created')
        batch_op.drop_index('ix_bulk_batch_status')
        batch_op.drop_index(batch_op.f('ix_bulk_batch_created_by_id'))
    op.drop_table('bulk_batch')
