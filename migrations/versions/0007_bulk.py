"""bulk filing batches

Revision ID: 0007_bulk
Revises: 0006_stats
Create Date: 2026-11-26 20:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0007_bulk'
down_revision = '0006_stats'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
