"""merge: notice delivery (0011) and leases (0013), built side by side on 0010

Revision ID: 0014_merge_notices_leases
Revises: 0011_notice_delivery, 0013_leases
Create Date: 2026-12-02 15:05:00

"""

# revision identifiers, used by Alembic.
revision = '0014_merge_notices_leases'
down_revision = ('0011_notice_delivery', '0013_leases')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
