"""REST API keys and idempotency

Revision ID: 0008_api
Revises: 0007_bulk
Create Date: 2026-11-26 20:30:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0008_api'
down_revision = '0007_bulk'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
