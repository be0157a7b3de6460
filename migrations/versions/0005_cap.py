"""CAP observation tracking

Revision ID: 0005_cap
Revises: 0004_scheduling
Create Date: 2026-11-24

Sponsoring organizations, candidates, placements (SP, PS, edition), the five-step cycle, observations,
evidence per element, ratings per element and dimension, practicum hours and hours required by license,
student feedback surveys. Evidence, feedback, goals and ratings are confidential columns.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0005_cap"
down_revision = "0004_scheduling"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cap_hours_requirement',
    sa.Column('license_field', sa.String(length=120), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('full_responsibility_hours', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_hours_requirement')),
    sa.UniqueConstraint('license_field', name=op.f('uq_cap_hours_requirement_license_field'))
    )
    op.create_table('cap_organization',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_code', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_organization')),
    sa.UniqueConstraint('name', name=op.f('uq_cap_organization_name'))
    )
    op.create_table('cap_candidate',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_number', sa.String(length=40), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('program', sa.String(length=200), nullable=False),
    sa.Column('license_field', sa.String(length=120), nullable=False),
    sa.Column('license_grades', sa.String(length=20), nullable=False),
    sa.Column('practicum_start', sa.Date(), nullable=False),
    sa.Column('practicum_end', sa.Date(), nullable=False),
    sa.Column('hours_required', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['cap_organization.id'], name=op.f('fk_cap_candidate_organization_id_cap_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_candidate'))
    )
    with op.batch_alter_table('cap_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_candidate_organization_id'), ['organization_id'], unique=False)

    op.create_table('cap_placement',
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('school_year_id', sa.Uuid(), nullable=False),
    sa.Column('sp_id', sa.Uuid(), nullable=False),
    sa.Column('school_id', sa.Uuid(), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=True),
    sa.Column('subject', sa.String(length=120), nullable=True),
    sa.Column('ps_name', sa.String(length=200), nullable=False),
    sa.Column('ps_email', sa.String(length=200), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('edition', sa.String(length=8), nullable=False),
    sa.Column('professional_practice_goal', sa.Text(), nullable=True),
    sa.Column('student_learning_goal', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['cap_candidate.id'], name=op.f('fk_cap_placement_candidate_id_cap_candidate')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_cap_placement_school_id_school')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_cap_placement_school_year_id_school_year')),
    sa.ForeignKeyConstraint(['sp_id'], ['educator.id'], name=op.f('fk_cap_placement_sp_id_educator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_placement'))
    )
    with op.batch_alter_table('cap_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_placement_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cap_placement_school_year_id'), ['school_year_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cap_placement_sp_id'), ['sp_id'], unique=False)

    op.create_table('cap_hours',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('worked_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('full_responsibility', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_hours_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_hours'))
    )
    with op.batch_alter_table('cap_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_hours_placement_id'), ['placement_id'], unique=False)

    op.create_table('cap_observation',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('announced', 'unannounced', name='cap_observation_kind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('observer', sa.Enum('sp', 'ps', 'both', name='cap_observer', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('focus_elements', sa.JSON(), nullable=False),
    sa.Column('pre_conference_on', sa.Date(), nullable=True),
    sa.Column('post_conference_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'held', 'feedback_given', name='cap_observation_status', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('early_literacy', sa.Boolean(), nullable=False),
    sa.Column('reinforcement', sa.Text(), nullable=True),
    sa.Column('refinement', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_observation_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_observation'))
    )
    with op.batch_alter_table('cap_observation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_observation_placement_id'), ['placement_id'], unique=False)

    op.create_table('cap_rating',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.Enum('formative', 'summative', name='cap_rating_stage', native_enum=False, create_constraint=True, length=13), nullable=False),
    sa.Column('rater', sa.Enum('sp', 'ps', 'joint', name='cap_rater', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('element_code', sa.String(length=20), nullable=False),
    sa.Column('quality', sa.Enum('Unsatisfactory', 'Needs Improvement', 'Proficient', 'Exemplary', name='cap_rating_quality', native_enum=False, create_constraint=True, length=21), nullable=True),
    sa.Column('scope', sa.Enum('Unsatisfactory', 'Needs Improvement', 'Proficient', 'Exemplary', name='cap_rating_scope', native_enum=False, create_constraint=True, length=21), nullable=True),
    sa.Column('consistency', sa.Enum('Unsatisfactory', 'Needs Improvement', 'Proficient', 'Exemplary', name='cap_rating_consistency', native_enum=False, create_constraint=True, length=21), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_rating_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_rating'))
    )
    with op.batch_alter_table('cap_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_rating_placement_id'), ['placement_id'], unique=False)

    op.create_table('cap_step',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'complete', name='cap_step_status', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('meeting_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_step_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_step'))
    )
    with op.batch_alter_table('cap_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_step_placement_id'), ['placement_id'], unique=False)

    op.create_table('cap_survey',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('instrument', sa.String(length=60), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_survey_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_survey'))
    )
    with op.batch_alter_table('cap_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_survey_placement_id'), ['placement_id'], unique=False)

    op.create_table('cap_evidence',
    sa.Column('placement_id', sa.Uuid(), nullable=False),
    sa.Column('observation_id', sa.Uuid(), nullable=True),
    sa.Column('element_code', sa.String(length=20), nullable=False),
    sa.Column('category', sa.Enum('observation', 'student_learning', 'student_feedback', 'goal_progress', 'artifacts', name='cap_evidence_category', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['observation_id'], ['cap_observation.id'], name=op.f('fk_cap_evidence_observation_id_cap_observation')),
    sa.ForeignKeyConstraint(['placement_id'], ['cap_placement.id'], name=op.f('fk_cap_evidence_placement_id_cap_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_evidence'))
    )
    with op.batch_alter_table('cap_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cap_evidence_observation_id'), ['observation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cap_evidence_placement_id'), ['placement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cap_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_evidence_placement_id'))
        batch_op.drop_index(batch_op.f('ix_cap_evidence_observation_id'))

    op.drop_table('cap_evidence')
    with op.batch_alter_table('cap_survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_survey_placement_id'))

    op.drop_table('cap_survey')
    with op.batch_alter_table('cap_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_step_placement_id'))

    op.drop_table('cap_step')
    with op.batch_alter_table('cap_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_rating_placement_id'))

    op.drop_table('cap_rating')
    with op.batch_alter_table('cap_observation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_observation_placement_id'))

    op.drop_table('cap_observation')
    with op.batch_alter_table('cap_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_hours_placement_id'))

    op.drop_table('cap_hours')
    with op.batch_alter_table('cap_placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_placement_sp_id'))
        batch_op.drop_index(batch_op.f('ix_cap_placement_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_cap_placement_candidate_id'))

    op.drop_table('cap_placement')
    with op.batch_alter_table('cap_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cap_candidate_organization_id'))

    op.drop_table('cap_candidate')
    op.drop_table('cap_organization')
    op.drop_table('cap_hours_requirement')
