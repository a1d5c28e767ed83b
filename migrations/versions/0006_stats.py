"""statistics aggregates

Revision ID: 0006_stats
Revises: 0005_outreach
Create Date: 2026-11-26 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_stats'
down_revision = '0005_outreach'
branch_labels = None
depends_on = None


def _period_columns():
    return [sa.Column('period_kind', sa.String(length=1), nullable=False),
            sa.Column('period_start', sa.Date(), nullable=False),
            sa.Column('district_id', sa.Integer(), nullable=False)]


def upgrade():
    # Aggregate tables: the primary key is the storage order on SQLite (WITHOUT ROWID).
    op.create_table('stats_filing_count',
    *_period_columns(),
    sa.Column('filing_type', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('industry_section', sa.String(length=32), nullable=False),
    sa.Column('ownership_type', sa.String(length=32), nullable=False),
    sa.Column('employment_form', sa.String(length=32), nullable=False),
    sa.Column('filings', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'district_id', 'filing_type', 'channel', 'industry_section', 'ownership_type', 'employment_form'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_filing_volume',
    *_period_columns(),
    sa.Column('filing_type', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('filings', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'district_id', 'filing_type', 'channel'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_return_reason',
    *_period_columns(),
    sa.Column('reason_code', sa.String(length=8), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'district_id', 'reason_code'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_special_group',
    *_period_columns(),
    sa.Column('group_code', sa.String(length=32), nullable=False),
    sa.Column('filing_type', sa.String(length=32), nullable=False),
    sa.Column('filings', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'district_id', 'group_code', 'filing_type'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_termination',
    *_period_columns(),
    sa.Column('reason_code', sa.String(length=32), nullable=False),
    sa.Column('initiator', sa.String(length=16), nullable=False),
    sa.Column('terminations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'district_id', 'reason_code'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_snapshot',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('age_0_3', sa.Integer(), nullable=False),
    sa.Column('age_4_7', sa.Integer(), nullable=False),
    sa.Column('age_8_15', sa.Integer(), nullable=False),
    sa.Column('age_16_plus', sa.Integer(), nullable=False),
    sa.Column('max_age_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'district_id', 'key'),
    sqlite_with_rowid=False
    )
    op.create_table('stats_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('watermark', sa.DateTime(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('suggestions', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('service_push',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.Enum('TERMINATION_SURGE', 'HIRING_SURGE', 'HIGH_TURNOVER', 'SHRINKING', name='push_rule', native_enum=False, length=32), nullable=False),
    sa.Column('service', sa.Enum('RECRUITMENT', 'OUTSOURCING', 'ONBOARDING', 'TRAINING', 'LAYOFF_GUIDANCE', name='push_service', native_enum=False, length=32), nullable=False),
    sa.Column('period_key', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('hires', sa.Integer(), nullable=False),
    sa.Column('terminations', sa.Integer(), nullable=False),
    sa.Column('workforce', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'CONTACTED', 'DECLINED', name='push_status', native_enum=False, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('contacted_by_id', sa.Integer(), nullable=True),
    sa.Column('contacted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contacted_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'rule', 'period_key', name='uq_service_push_unit_rule')
    )
    op.create_index('ix_service_push_status_period', 'service_push', ['status', 'period_key'], unique=False)
    op.create_index(op.f('ix_service_push_unit_id'), 'service_push', ['unit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_service_push_unit_id'), table_name='service_push')
    op.drop_index('ix_service_push_status_period', table_name='service_push')
    op.drop_table('service_push')
    op.drop_table('stats_run')
    op.drop_table('stats_snapshot')
    op.drop_table('stats_termination')
    op.drop_table('stats_special_group')
    op.drop_table('stats_return_reason')
    op.drop_table('stats_filing_volume')
    op.drop_table('stats_filing_count')
