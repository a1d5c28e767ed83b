"""statistics aggregates

Revision ID: 0006_stats
Revises: 0005_outreach
Create Date: 2026-11-26 20:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0006_stats'
down_revision = '0005_outreach'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
