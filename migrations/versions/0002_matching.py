"""mentor selection and matching

Revision ID: 0002_matching
Revises: 0001_foundation
Create Date: 2026-11-24

Training records, incentives, match locks and exclusions, who evaluates whom, principal
recommendations. Tables carry `updated_by` from the start (0006 adds it to the core tables).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0002_matching"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluator_link',
    sa.Column('evaluator_id', sa.Uuid(), nullable=False),
    sa.Column('educator_id', sa.Uuid(), nullable=False),
    sa.Column('school_year_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['educator_id'], ['educator.id'], name=op.f('fk_evaluator_link_educator_id_educator')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['educator.id'], name=op.f('fk_evaluator_link_evaluator_id_educator')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_evaluator_link_school_year_id_school_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluator_link')),
    sa.UniqueConstraint('evaluator_id', 'educator_id', 'school_year_id', name=op.f('uq_evaluator_link_evaluator_id_educator_id_school_year_id'))
    )
    with op.batch_alter_table('evaluator_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluator_link_educator_id'), ['educator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluator_link_evaluator_id'), ['evaluator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluator_link_school_year_id'), ['school_year_id'], unique=False)

    op.create_table('match_rule',
    sa.Column('kind', sa.Enum('lock', 'exclude', name='match_rule_kind', native_enum=False, create_constraint=True, length=11), nullable=False),
    sa.Column('mentor_id', sa.Uuid(), nullable=False),
    sa.Column('mentee_id', sa.Uuid(), nullable=False),
    sa.Column('school_year_id', sa.Uuid(), nullable=True),
    sa.Column('private_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['mentee_id'], ['educator.id'], name=op.f('fk_match_rule_mentee_id_educator')),
    sa.ForeignKeyConstraint(['mentor_id'], ['educator.id'], name=op.f('fk_match_rule_mentor_id_educator')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_match_rule_school_year_id_school_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_rule'))
    )
    with op.batch_alter_table('match_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_rule_mentee_id'), ['mentee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_rule_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_rule_school_year_id'), ['school_year_id'], unique=False)

    op.create_table('mentor_incentive',
    sa.Column('educator_id', sa.Uuid(), nullable=False),
    sa.Column('school_year_id', sa.Uuid(), nullable=False),
    sa.Column('stipend_cents', sa.Integer(), nullable=True),
    sa.Column('pdps', sa.Integer(), nullable=True),
    sa.Column('release_minutes', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['educator_id'], ['educator.id'], name=op.f('fk_mentor_incentive_educator_id_educator')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_mentor_incentive_school_year_id_school_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_incentive')),
    sa.UniqueConstraint('educator_id', 'school_year_id', name=op.f('uq_mentor_incentive_educator_id_school_year_id'))
    )
    with op.batch_alter_table('mentor_incentive', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_incentive_educator_id'), ['educator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_incentive_school_year_id'), ['school_year_id'], unique=False)

    op.create_table('mentor_training',
    sa.Column('educator_id', sa.Uuid(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('refresher_due', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['educator_id'], ['educator.id'], name=op.f('fk_mentor_training_educator_id_educator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_training'))
    )
    with op.batch_alter_table('mentor_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_training_educator_id'), ['educator_id'], unique=False)

    op.create_table('principal_recommendation',
    sa.Column('educator_id', sa.Uuid(), nullable=False),
    sa.Column('school_year_id', sa.Uuid(), nullable=False),
    sa.Column('recommended_by', sa.String(length=200), nullable=True),
    sa.Column('recommended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['educator_id'], ['educator.id'], name=op.f('fk_principal_recommendation_educator_id_educator')),
    sa.ForeignKeyConstraint(['school_year_id'], ['school_year.id'], name=op.f('fk_principal_recommendation_school_year_id_school_year')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_principal_recommendation')),
    sa.UniqueConstraint('educator_id', 'school_year_id', name=op.f('uq_principal_recommendation_educator_id_school_year_id'))
    )
    with op.batch_alter_table('principal_recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_principal_recommendation_educator_id'), ['educator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_principal_recommendation_school_year_id'), ['school_year_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('principal_recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_principal_recommendation_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_principal_recommendation_educator_id'))

    op.drop_table('principal_recommendation')
    with op.batch_alter_table('mentor_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_training_educator_id'))

    op.drop_table('mentor_training')
    with op.batch_alter_table('mentor_incentive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentor_incentive_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_mentor_incentive_educator_id'))

    op.drop_table('mentor_incentive')
    with op.batch_alter_table('match_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_rule_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_match_rule_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_match_rule_mentee_id'))

    op.drop_table('match_rule')
    with op.batch_alter_table('evaluator_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluator_link_school_year_id'))
        batch_op.drop_index(batch_op.f('ix_evaluator_link_evaluator_id'))
        batch_op.drop_index(batch_op.f('ix_evaluator_link_educator_id'))

    op.drop_table('evaluator_link')
