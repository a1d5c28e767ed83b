"""1+3 services

Revision ID: 0005_outreach
Revises: 0004_individuals
Create Date: 2026-11-26 20:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0005_outreach'
down_revision = '0004_individuals'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
