"""1+3 services: events, key enterprises, knowledge base, district issue desk

Revision ID: 0005_outreach
Revises: 0004_individuals
Create Date: 2026-11-26 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_outreach'
down_revision = '0004_individuals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('desk_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('street_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.Enum('HARD_CASE', 'COMPLAINT', 'POLICY_QUESTION', name='desk_category', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'ANSWERED', 'CLOSED', name='desk_status', native_enum=False, length=32), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['raised_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['street_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('desk_case', schema=None) as batch_op:
        batch_op.create_index('ix_desk_case_status_district', ['status', 'district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_case_street_id'), ['street_id'], unique=False)

    op.create_table('enterprise_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('people_met', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('visited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['visited_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_visit_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_visit_visit_date'), ['visit_date'], unique=False)

    op.create_table('joint_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('meets_at', sa.DateTime(), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('SCHEDULED', 'HELD', name='meeting_status', native_enum=False, length=32), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('joint_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_meeting_meets_at'), ['meets_at'], unique=False)

    op.create_table('kb_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('GUIDE', 'FAQ', 'MANUAL', 'ANNOUNCEMENT', 'INTEGRATION', name='article_kind', native_enum=False, length=32), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filing_type', sa.String(length=32), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('DRAFT', 'PUBLISHED', name='article_status', native_enum=False, length=32), nullable=False),
    sa.Column('source_path', sa.String(length=200), nullable=True),
    sa.Column('source_hash', sa.String(length=64), nullable=True),
    sa.Column('staff_edited_at', sa.DateTime(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    with op.batch_alter_table('kb_article', schema=None) as batch_op:
        batch_op.create_index('ix_kb_article_kind_status', ['kind', 'status'], unique=False)

    op.create_table('key_enterprise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('designated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['designated_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id')
    )

    op.create_table('outreach_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('POLICY_TRAINING', 'HR_SALON', 'NEW_UNIT_TRAINING', name='event_kind', native_enum=False, length=32), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('speakers', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('signup_deadline', sa.DateTime(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=True),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('PUBLISHED', 'CANCELLED', name='event_status', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outreach_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('desk_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('by_city', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['desk_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('desk_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_post_case_id'), ['case_id'], unique=False)

    op.create_table('key_enterprise_staff',
    sa.Column('key_enterprise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['key_enterprise_id'], ['key_enterprise.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('key_enterprise_id', 'user_id')
    )

    op.create_table('meeting_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['desk_case.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['joint_meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'case_id', name='uq_meeting_agenda_case')
    )
    with op.batch_alter_table('meeting_agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_item_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('outreach_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('invited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['outreach_event.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'event_id', name='uq_outreach_invitation')
    )
    with op.batch_alter_table('outreach_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outreach_invitation_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_invitation_unit_id'), ['unit_id'], unique=False)

    op.create_table('outreach_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('attendee_name', sa.String(length=64), nullable=False),
    sa.Column('attendee_phone', sa.String(length=32), nullable=False),
    sa.Column('attendee_position', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('CONFIRMED', 'WAITING', 'CANCELLED', name='signup_status', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(), nullable=True),
    sa.Column('feedback_rating', sa.Integer(), nullable=True),
    sa.Column('feedback_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['outreach_event.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outreach_signup', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_signup_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_signup_unit_id'), ['unit_id'], unique=False)

    op.create_table('service_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('PLANT_CLOSURE', 'GROUP_RESTRUCTURING', 'SPECIAL_CATEGORY_REVIEW', name='service_case_kind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('expected_people', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('OPEN', 'CLOSED', name='service_case_status', native_enum=False, length=32), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['key_enterprise_id'], ['key_enterprise.id'], ),
    sa.ForeignKeyConstraint(['opened_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_case_key_enterprise_id'), ['key_enterprise_id'], unique=False)

    op.create_table('visit_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'DONE', name='follow_up_status', native_enum=False, length=32), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['visit_id'], ['enterprise_visit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visit_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_follow_up_visit_id'), ['visit_id'], unique=False)

    op.create_table('service_case_filing',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['service_case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_id'], ['filing.id'], ),
    sa.ForeignKeyConstraint(['linked_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('case_id', 'filing_id')
    )
    with op.batch_alter_table('service_case_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_case_filing_filing_id'), ['filing_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # Dropping a table drops its indexes; children first.
    op.drop_table('service_case_filing')
    op.drop_table('visit_follow_up')
    op.drop_table('service_case')
    op.drop_table('outreach_signup')
    op.drop_table('outreach_invitation')
    op.drop_table('meeting_agenda_item')
    op.drop_table('key_enterprise_staff')
    op.drop_table('desk_post')
    op.drop_table('outreach_event')
    op.drop_table('key_enterprise')
    op.drop_table('kb_article')
    op.drop_table('joint_meeting')
    op.drop_table('enterprise_visit')
    op.drop_table('desk_case')
